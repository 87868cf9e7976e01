/**
 * Shared helpers of the transport tests: message builders, a recording TransportUser, layers that
 * stop themselves at teardown, and raw sockets.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import {
  parseMessage,
  type SipParseError,
  type SipRequest,
  type SipResponse,
} from '../../../lib/message/index.js';
import { TransportLayer, type TransportLayerOptions } from '../../../lib/transport/index.js';
import type { MessageSource, TransportUser } from '../../../lib/transport/types.js';
import type { IapSettings, ListenSettings } from '../../../include-types/settings.js';

let seq = 0;

/** A request as text, ready for the wire (Via given, or a placeholder the transport rewrites). */
export function requestText(opts: { method?: string; via?: string; body?: string; uri?: string } = {}): string {
  const method = opts.method ?? 'OPTIONS';
  const body = opts.body ?? '';
  seq += 1;
  return (
    `${method} ${opts.uri ?? 'sip:bob@example.com'} SIP/2.0\r\n` +
    `Via: ${opts.via ?? `SIP/2.0/UDP placeholder.invalid;branch=z9hG4bK-${seq}`}\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: <sip:alice@example.com>;tag=a${seq}\r\n` +
    'To: <sip:bob@example.com>\r\n' +
    `Call-ID: call-${seq}@test\r\n` +
    `CSeq: ${seq} ${method}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
    body
  );
}

/** A parsed request to hand to `sendRequest`. */
export function makeRequest(opts: { method?: string; body?: string; via?: string } = {}): SipRequest {
  const msg = parseMessage(requestText(opts));
  if (!msg.isRequest()) throw new Error('not a request');
  return msg;
}

type Received =
  | { kind: 'request'; msg: SipRequest; source: MessageSource }
  | { kind: 'response'; msg: SipResponse; source: MessageSource }
  | { kind: 'parseError'; raw: Buffer; error: SipParseError; source: MessageSource };

/** A TransportUser that queues what it gets; `next()` waits (bounded) for the next one. */
export class Collector implements TransportUser {
  readonly all: Received[] = [];
  private waiting: Array<(r: Received) => void> = [];
  private cursor = 0;

  onRequest(msg: SipRequest, source: MessageSource): void {
    this.push({ kind: 'request', msg, source });
  }
  onResponse(msg: SipResponse, source: MessageSource): void {
    this.push({ kind: 'response', msg, source });
  }
  onParseError(raw: Buffer, error: SipParseError, source: MessageSource): void {
    this.push({ kind: 'parseError', raw, error, source });
  }

  private push(r: Received): void {
    this.all.push(r);
    const w = this.waiting.shift();
    if (w) {
      this.cursor += 1;
      w(r);
    }
  }

  /** The next item not yet taken; rejects after `ms`. */
  next(ms = 2000): Promise<Received> {
    if (this.cursor < this.all.length) return Promise.resolve(this.all[this.cursor++]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== done);
        reject(new Error(`nothing received in ${ms} ms`));
      }, ms);
      const done = (r: Received): void => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiting.push(done);
    });
  }

  async nextRequest(ms?: number): Promise<{ msg: SipRequest; source: MessageSource }> {
    const r = await this.next(ms);
    if (r.kind !== 'request') throw new Error(`expected a request, got ${r.kind}`);
    return r;
  }

  async nextResponse(ms?: number): Promise<{ msg: SipResponse; source: MessageSource }> {
    const r = await this.next(ms);
    if (r.kind !== 'response') throw new Error(`expected a response, got ${r.kind}`);
    return r;
  }
}

/** Minimal tap surface used here, so fixtures do not depend on tap's types. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** An IAP listening on the given protocols at `address`, ephemeral ports. */
export function iap(id: string, address: string, protocols: ListenSettings['protocol'][], extra: Partial<IapSettings> = {}): IapSettings {
  return { id, listen: protocols.map((protocol) => ({ protocol, address, port: 0 })), ...extra };
}

/** Starts a layer with a Collector; it is stopped at teardown. */
export async function startLayer(
  t: Teardown,
  options: Omit<TransportLayerOptions, 'user'>,
): Promise<{ layer: TransportLayer; user: Collector; port: (p: string) => number }> {
  const user = new Collector();
  const layer = new TransportLayer({ ...options, user });
  t.teardown(() => layer.stop());
  await layer.start();
  const id = options.iaps[0].id;
  const port = (protocol: string): number => {
    const b = layer.boundAddresses(id).find((x) => x.protocol === protocol);
    if (!b) throw new Error(`no ${protocol} listener`);
    return b.port;
  };
  return { layer, user, port };
}

/** A raw UDP socket bound to an ephemeral port, closed at teardown. */
export async function rawUdp(t: Teardown, address = '127.0.0.1'): Promise<{ socket: UdpSocket; port: number; next(ms?: number): Promise<Buffer> }> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const queue: Buffer[] = [];
  const waiters: Array<(b: Buffer) => void> = [];
  socket.on('message', (m) => {
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    socket,
    port: socket.address().port,
    next: (ms = 2000) => {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no datagram')), ms);
        waiters.push((b) => {
          clearTimeout(timer);
          resolve(b);
        });
      });
    },
  };
}

/**
 * A raw TCP client socket, destroyed at teardown; `received` accumulates what arrives; `closed`
 * settles when the socket closes and rejects if that takes more than 5 s.
 */
export async function rawTcp(t: Teardown, port: number, host = '127.0.0.1'): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = connect({ host, port });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket not closed within 5 s')), 5000);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  closed.catch(() => undefined); // only awaited by some tests
  t.teardown(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => Buffer.concat(chunks), closed };
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond()` holds, polling; rejects after `ms`. */
export async function until(cond: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
