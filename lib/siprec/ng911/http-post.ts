/**
 * One HTTP(S) POST for the log event client, on node:http/node:https rather than fetch so a
 * Logging Service can be reached with its own trust anchors (`ca`: NG9-1-1 services commonly run
 * under a PSAP's or an ESInet's private CA) and so the response body read is bounded.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What {@link postJson} needs besides the URL and body. */
export interface PostOptions {
  /**
   * Ends the exchange when aborted (its reason is the rejection). The caller times it on its own
   * clock, so a test with a FakeClock drives the timeout (lib/siprec runs no raw timers).
   */
  signal: AbortSignal;
  /** Trust anchors (PEM) for an https URL; default: Node's bundled CAs. */
  ca?: string | string[];
  /** Most response bytes read; the rest is discarded (default 64 KiB). */
  maxResponseBytes?: number;
}

/** The answer to one POST. */
export interface PostResult {
  status: number;
  body: string;
}

/** POSTs `body` as application/json; rejects on a network error or when `signal` aborts. */
export function postJson(url: string, body: string, opts: PostOptions): Promise<PostResult> {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  if (!https && u.protocol !== 'http:') return Promise.reject(new Error(`unsupported URL scheme ${u.protocol}`));
  const limit = opts.maxResponseBytes ?? 64 * 1024;
  const payload = Buffer.from(body, 'utf8');
  return new Promise<PostResult>((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(payload.length) };
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        if (size < limit) chunks.push(d.subarray(0, limit - size));
        size += d.length;
      });
      res.on('end', () => { opts.signal.removeEventListener('abort', onAbort); resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }); });
      res.on('error', fail);
    };
    const req = https
      ? httpsRequest(u, { method: 'POST', headers, ...(opts.ca !== undefined ? { ca: opts.ca } : {}) }, onResponse)
      : httpRequest(u, { method: 'POST', headers }, onResponse);
    const onAbort = (): void => { req.destroy(opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted')); };
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
    function fail(e: Error): void {
      opts.signal.removeEventListener('abort', onAbort);
      reject(e);
    }
    req.on('error', fail);
    req.end(payload);
  });
}
