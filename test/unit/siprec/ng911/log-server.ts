/** A Logging Service stand-in on 127.0.0.1 for tests: verifies each JWS and stores the events. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyJws, type FlattenedJws } from '../../../../lib/siprec/ng911/index.js';

/** A running test log server. */
export interface TestLogServer {
  baseUrl: string;
  /** Verified events, in arrival order. */
  events: Record<string, unknown>[];
  /** Requests whose signature did not verify. */
  badSignatures: number;
  /** Raw request bodies. */
  raw: string[];
  /** Answer the next n requests with this status instead of 201. */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

/** Starts a log server that checks signatures with `publicKeyPem`. */
export async function startLogServer(publicKeyPem: string): Promise<TestLogServer> {
  let failing = 0;
  let failStatus = 503;
  let n = 0;
  const state: Omit<TestLogServer, 'baseUrl' | 'close' | 'failNext'> = { events: [], badSignatures: 0, raw: [] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/Logging/v1/LogEvents') { res.writeHead(404).end(); return; }
      state.raw.push(body);
      if (failing > 0) { failing--; res.writeHead(failStatus).end(); return; }
      try {
        const ev = verifyJws(JSON.parse(body) as FlattenedJws, publicKeyPem) as Record<string, unknown>;
        state.events.push(ev);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ logEventId: `le-${++n}` }));
      } catch {
        state.badSignatures++;
        res.writeHead(434).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/Logging/v1`,
    failNext(k: number, status: number) { failing = k; failStatus = status; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  });
}
