/**
 * Datagrams the OS dropped on our UDP sockets before tsip read them, because a socket's receive
 * buffer was full: the symptom of a UDP server that fell behind its load (the sender then
 * retransmits, RFC 3261 §17.1.1.2, which adds load). Node does not report it; Linux keeps it per
 * socket in the `drops` column of /proc/net/udp and /proc/net/udp6, read here on demand (a
 * `stats()` call, a metrics scrape), never per datagram.
 * @module
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { bareHost } from './addresses.js';
import { addressBytes } from './stun.js';

/** A bound UDP socket, as the tables name it. */
export interface BoundUdpSocket {
  family: 4 | 6;
  address: string;
  port: number;
}

/** The two tables' text, for tests to hand in (by default the tables are read). */
export interface ProcUdpTables {
  udp: string | undefined;
  udp6: string | undefined;
}

/** The text of one table, undefined when it cannot be read (not Linux, no IPv6). */
function readTable(family: 4 | 6): string | undefined {
  try {
    return readFileSync(family === 4 ? '/proc/net/udp' : '/proc/net/udp6', 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * The kernel's drop count summed over `sockets`: `undefined` with no socket or when a table a
 * socket needs cannot be read (not Linux); a socket the table does not list (closed meanwhile)
 * counts 0.
 */
export function udpKernelDrops(sockets: readonly BoundUdpSocket[], tables?: ProcUdpTables): number | undefined {
  if (sockets.length === 0) return undefined;
  const wanted = new Set<string>();
  const families = new Set<4 | 6>();
  for (const s of sockets) {
    const key = procAddress(s);
    if (key === undefined) continue;
    wanted.add(key);
    families.add(s.family);
  }
  let total = 0;
  let readAny = false;
  for (const family of [4, 6] as const) {
    if (!families.has(family)) continue;
    // only the tables our sockets are in are read (each is one line per UDP socket of the host)
    const text = tables === undefined ? readTable(family) : family === 4 ? tables.udp : tables.udp6;
    if (text === undefined) return undefined;
    readAny = true;
    total += sumDrops(text, wanted);
  }
  return readAny ? total : undefined;
}

/**
 * Sums the last column (`drops`) of the rows whose local address is in `wanted`. Rows look like
 * `  12: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 4242 2 ... 17`.
 */
function sumDrops(text: string, wanted: ReadonlySet<string>): number {
  let total = 0;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i].trim().split(/\s+/);
    if (cols.length < 13 || !wanted.has(cols[1])) continue;
    const drops = Number(cols[cols.length - 1]);
    if (Number.isSafeInteger(drops) && drops >= 0) total += drops;
  }
  return total;
}

/**
 * The socket's local address as the table writes it: the address's 32-bit words in hex, each in
 * the host's byte order, then ':' and the port in hex (upper case, as the kernel prints them).
 */
export function procAddress(s: BoundUdpSocket): string | undefined {
  const bytes = addressBytes(bareHost(s.address));
  if (bytes === undefined) return undefined;
  const little = endianness() === 'LE';
  let hex = '';
  for (let w = 0; w < bytes.length; w += 4) {
    const word = [...bytes.subarray(w, w + 4)];
    if (little) word.reverse();
    for (const b of word) hex += b.toString(16).padStart(2, '0');
  }
  return hex.toUpperCase() + ':' + s.port.toString(16).toUpperCase().padStart(4, '0');
}
