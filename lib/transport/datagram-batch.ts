/**
 * One queue per process for outgoing UDP datagrams: every datagram sent during a turn of the event
 * loop is handed to its socket in the check phase of that turn (one `setImmediate` per batch), in
 * the order sent, whatever socket it leaves from.
 *
 * Why: on loopback the kernel delivers a datagram inside the sender's `sendmsg` and, if the
 * receiving process sleeps, wakes it there, which costs more than the send itself. The datagrams
 * made while handling one poll phase's input (libuv reads up to 32 per socket) sent back to back
 * wake a peer once; sent one at a time as they are made, each found it asleep. Measured: the SIP
 * UAS's `doSend` 70-80 µs of CPU per call before, 23 after (lib/transport/README.md); tsip's
 * RtpEndpoints forwarding 400 streams 31.5-31.8 µs per packet before, 25.7-26.4 after (with the
 * literal-first lookup below), their receiver 16 and 12.5 (bench/lib/dgram-forward-batch.ts); the
 * plain-dgram forwarder of that bench, the queue alone: 31.1-31.2 and 25.3-25.9. One queue for the
 * process rather than one per socket: an SRC forks each recorded stream from a socket of its own,
 * so per socket a batch is one packet.
 *
 * The wait is the rest of that poll phase's work, never a timer; at low load a batch is one
 * datagram. A socket about to close calls {@link sendQueuedNow} first, so nothing sent before the
 * close is lost.
 * @module
 */
import type { Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { literalFamily } from './addresses.js';

/**
 * The sockets' `lookup` (a documented `createSocket` option): a numeric address, which is all the
 * transport ever sends to (names are resolved before, RFC 3263), is answered at once. Node's
 * default, `dns.lookup`, answers a literal too but one tick later, so every datagram paid a
 * `process.nextTick` and a closure before reaching the socket. A name still goes to `dns.lookup`.
 * It also lets {@link sendQueuedNow} hand a datagram to a socket about to close: with the default
 * lookup the send would reach the socket only after the close, and be dropped without its callback.
 */
export function literalFirstLookup(
  address: string,
  options: LookupOneOptions | number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = literalFamily(address);
  if (family !== 0) callback(null, address, family);
  else dnsLookup(address, typeof options === 'number' ? { family: options } : options, callback);
}

/** Called once the socket took the datagram (`null`) or refused it. */
export type DatagramDone = (err: Error | null) => void;

interface QueuedDatagram {
  readonly socket: Socket;
  readonly data: Uint8Array;
  readonly port: number;
  readonly address: string;
  readonly done: DatagramDone;
}

let queued: QueuedDatagram[] = [];

/**
 * Queues `data` for `address:port` on `socket`; `done` is called as `socket.send`'s callback would
 * be, or with the error when the socket refuses it at once (a closed socket, a port out of range):
 * that datagram fails alone, the rest of its batch still leaves.
 */
export function sendSoon(socket: Socket, data: Uint8Array, port: number, address: string, done: DatagramDone): void {
  if (queued.push({ socket, data, port, address, done }) === 1) setImmediate(sendQueuedNow);
}

/** Hands every queued datagram to its socket now, in order (a socket about to close calls this). */
export function sendQueuedNow(): void {
  const batch = queued;
  if (batch.length === 0) return;
  queued = [];
  for (const q of batch) {
    try {
      q.socket.send(q.data, q.port, q.address, q.done);
    } catch (err) {
      q.done(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** Datagrams waiting for the end of this turn (read by the tests). */
export function queuedDatagrams(): number {
  return queued.length;
}
