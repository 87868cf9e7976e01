/**
 * The operator's HTTP server of an SRS or SRC process (node:http, no framework): /metrics,
 * /healthz, the status page, /recordings.json and stored files are routes tried in order.
 * Safe by default: it binds to loopback unless told otherwise, answers only GET and HEAD, and
 * a route that throws gets a 500 without its error text (which could carry a path or metadata).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One route: it answers the request and returns true, or returns false and leaves it to the next
 * route. `url` is the request's URL resolved against the server's own address.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** Where the operator server listens. */
export interface OperatorHttpSettings {
  /** Address to bind. Default `127.0.0.1`: the status page shows recordings and must be opened up on purpose. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
}

/** A running operator server. */
export interface OperatorHttpServer {
  /** The bound address and port (the real port when 0 was asked for). */
  readonly address: { host: string; port: number };
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops listening and closes idle keep-alive connections. */
  close(): Promise<void>;
}

/** Starts the server with `routes`, tried in order; an unclaimed request gets 404. */
export async function startOperatorHttp(settings: OperatorHttpSettings, routes: readonly HttpRoute[]): Promise<OperatorHttpServer> {
  const host = settings.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => void dispatch(req, res, routes));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, host, () => { server.off('error', reject); resolve(); });
  });
  const bound = server.address() as AddressInfo;
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: { host: bound.address, port: bound.port },
    url: `http://${shown}:${bound.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}

async function dispatch(req: IncomingMessage, res: ServerResponse, routes: readonly HttpRoute[]): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://operator.invalid');
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request\n');
    return;
  }
  try {
    for (const route of routes) {
      if (await route(req, res, url)) return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('internal error\n');
  }
}
