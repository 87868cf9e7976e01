/**
 * Waiting until a process we started has bound its port, without sending it anything.
 *
 * A SIPp UAS treats any unexpected request as a protocol error, so it cannot be probed with
 * OPTIONS like Kamailio; instead we read the kernel's socket tables (/proc/net/{udp,tcp}[6]),
 * which list every bound UDP socket and every TCP socket in LISTEN state. Linux only, as CI is.
 */
import { readFileSync } from 'node:fs';

const TCP_LISTEN = '0A';

function tableHasPort(file: string, port: number, tcp: boolean): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) continue;
    const local = cols[1];
    if (!local.endsWith(`:${hexPort}`)) continue;
    if (!tcp || cols[3] === TCP_LISTEN) return true;
  }
  return false;
}

/** True when some socket is bound to `port` (UDP) or listening on it (TCP). */
export function isListening(port: number, proto: 'udp' | 'tcp'): boolean {
  const tcp = proto === 'tcp';
  return tableHasPort(`/proc/net/${proto}`, port, tcp) || tableHasPort(`/proc/net/${proto}6`, port, tcp);
}

/**
 * Polls until `port` is bound/listening, at most `timeoutMs`. `abort` can end the wait early with
 * a reason (e.g. the process already exited).
 */
export async function waitListening(
  port: number,
  proto: 'udp' | 'tcp',
  timeoutMs: number,
  abort?: () => string | undefined,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (isListening(port, proto)) return;
    const why = abort?.();
    if (why) throw new Error(why);
    if (Date.now() > until) throw new Error(`nothing listening on ${proto} port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
