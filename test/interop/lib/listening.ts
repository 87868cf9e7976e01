/**
 * Waiting until a process we started has bound its port, without sending it anything.
 *
 * A SIPp UAS treats any unexpected request as a protocol error, so it cannot be probed with
 * OPTIONS like Kamailio; instead we read the kernel's socket tables (/proc/net/{udp,tcp}[6]),
 * which list every bound UDP socket and every TCP socket in LISTEN state. Linux only, as CI is.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

const TCP_LISTEN = '0A';

/** Socket inodes bound to `port` (UDP) or listening on it (TCP) in one /proc/net table. */
function inodesOnPort(file: string, port: number, tcp: boolean): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    if (!cols[1].endsWith(`:${hexPort}`)) continue;
    if (!tcp || cols[3] === TCP_LISTEN) out.push(cols[9]);
  }
  return out;
}

/** The socket inodes a process holds open (from its /proc/<pid>/fd links). */
function socketInodesOf(pid: number): Set<string> {
  const set = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return set;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) set.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return set;
}

/**
 * True when some socket is bound to `port` (UDP) or listening on it (TCP). With `pid`, only a
 * socket of that process counts: after a port race, another program's socket on the port must
 * not pass for our peer being ready.
 */
export function isListening(port: number, proto: 'udp' | 'tcp', pid?: number): boolean {
  const tcp = proto === 'tcp';
  const inodes = [...inodesOnPort(`/proc/net/${proto}`, port, tcp), ...inodesOnPort(`/proc/net/${proto}6`, port, tcp)];
  if (pid === undefined) return inodes.length > 0;
  if (inodes.length === 0) return false;
  const mine = socketInodesOf(pid);
  return inodes.some((i) => mine.has(i));
}

/**
 * Polls until `port` is bound/listening (by `pid` when given), at most `timeoutMs`. `abort` can
 * end the wait early with a reason (e.g. the process already exited).
 */
export async function waitListening(
  port: number,
  proto: 'udp' | 'tcp',
  timeoutMs: number,
  abort?: () => string | undefined,
  pid?: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (isListening(port, proto, pid)) return;
    const why = abort?.();
    if (why) throw new Error(why);
    if (Date.now() > until) throw new Error(`nothing listening on ${proto} port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
