/**
 * Helpers of the WebSocket transport tests: a raw `ws` client that plays a browser (its own
 * `.invalid` name in Via and Contact), and WebSocket IAPs.
 */
import { WebSocket, type ClientOptions } from 'ws';
import type { IapSettings, ListenSettings, WebSocketSettings } from '../../../include-types/settings.js';
import type { Teardown } from './fixtures.js';

/** A WebSocket IAP on `address`, ephemeral port. */
export function wsIap(id: string, address: string, protocol: 'ws' | 'wss' = 'ws', extra: Partial<ListenSettings> = {}, websocket?: WebSocketSettings): IapSettings {
  return { id, listen: [{ protocol, address, port: 0, ...extra, ...(websocket ? { websocket } : {}) }] };
}

/** A raw WebSocket client: what arrives is queued; `closed` gives the close code. */
export interface RawWs {
  ws: WebSocket;
  /** Next message (text or binary) as a string, with whether it was binary. */
  next(ms?: number): Promise<{ text: string; binary: boolean }>;
  /** Settles with the close code when the connection closes. */
  closed: Promise<number>;
}

/** Opens a raw client (subprotocol `sip` unless `protocols` says otherwise), closed at teardown. */
export async function rawWs(t: Teardown, url: string, protocols: string[] = ['sip'], options: ClientOptions = {}): Promise<RawWs> {
  const ws = new WebSocket(url, protocols, options);
  const queue: Array<{ text: string; binary: boolean }> = [];
  const waiters: Array<(m: { text: string; binary: boolean }) => void> = [];
  ws.on('message', (data, binary) => {
    const m = { text: Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'), binary };
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  t.teardown(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    closed,
    next: (ms = 2000) => {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no websocket message')), ms);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
  };
}

/** The HTTP status (and headers) a refused or accepted handshake got. */
export function handshake(url: string, protocols: string[], options: ClientOptions = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.on('error', () => undefined);
    ws.once('upgrade', (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      setImmediate(() => ws.terminate());
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.resume();
      ws.terminate();
    });
    setTimeout(() => reject(new Error('no handshake answer')), 3000).unref();
  });
}

let n = 0;

/** A request as a browser phone sends it: `.invalid` Via host, no Content-Length needed. */
export function browserRequest(opts: { method?: string; name?: string; body?: string; contentLength?: boolean; transport?: 'WS' | 'WSS' } = {}): string {
  n += 1;
  const method = opts.method ?? 'REGISTER';
  const name = opts.name ?? 'df7jal23ls0d.invalid';
  const body = opts.body ?? '';
  return (
    `${method} sip:example.com SIP/2.0\r\n` +
    `Via: SIP/2.0/${opts.transport ?? 'WS'} ${name};branch=z9hG4bK-ws${n}\r\n` +
    'Max-Forwards: 69\r\n' +
    `From: <sip:alice@example.com>;tag=w${n}\r\n` +
    'To: <sip:alice@example.com>\r\n' +
    `Call-ID: ws-${n}@test\r\n` +
    `CSeq: ${n} ${method}\r\n` +
    `Contact: <sip:k9x2@${name};transport=ws>\r\n` +
    (opts.contentLength === false ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`) +
    '\r\n' +
    body
  );
}
