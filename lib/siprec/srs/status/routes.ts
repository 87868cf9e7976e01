/**
 * `srsStatusRoutes(srs, options)`: the SRS status page as routes for the operator HTTP server
 * (common/operator-http.ts), which mounts them next to /metrics and /healthz:
 *
 * | path | what |
 * |---|---|
 * | `<base>/` | the status page (HTML, html.ts) |
 * | `<base>/recordings.json` | the same data (`SrsStatusReport`) |
 * | `<base>/status.css` | its stylesheet |
 * | `<base>/favicon.svg` | its icon (a red dot) |
 * | `<base>/files/<recording dir>/<file>` | stored files, with Range (files.ts) |
 *
 * `?page=N` pages through the finished recordings; `?refresh=N` (5..3600 s) reloads the page by
 * itself (a meta refresh: it would stop a player, so it is never the default). Every answer carries the security headers
 * (headers.ts); the page and the JSON are never cached.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SipError, SipErrorCode } from '../../../../include-types/errors.js';
import type { SrsStatusOptions } from '../../../../include-types/siprec.js';
import type { HttpRoute } from '../../common/operator-http.js';
import { serveStoredFile } from './files.js';
import { securityHeaders } from './headers.js';
import { refreshOf, renderPage } from './html.js';
import { STATUS_CSS, STATUS_ICON } from './page-css.js';
import { RecordingList } from './recording-list.js';
import { buildReport, pageNumberOf, type ReportContext, type SrsStatusSource } from './report.js';

/** Defaults of {@link SrsStatusOptions}. */
export const SRS_STATUS_DEFAULTS = { pageSize: 100, listCacheMs: 2000, indexCacheEntries: 2000, title: 'tsip SRS' } as const;

const BASE_PATH = /^(\/[A-Za-z0-9._-]+)*$/;

function checkInt(name: string, v: number | undefined, min: number, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new SipError(SipErrorCode.InvalidArgument, `SrsStatusOptions.${name} must be an integer in [${min}, ${max}] (got ${String(v)})`);
  }
}

function send(req: IncomingMessage, res: ServerResponse, type: string, body: string, cache = 'no-store'): void {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(200, { ...securityHeaders(), 'content-type': type, 'content-length': buf.length, 'cache-control': cache });
  res.end(req.method === 'HEAD' ? undefined : buf);
}

/**
 * The status page's routes for `startOperatorHttp`.
 * @param srs - the Srs (live recordings and its `settings.dir`); anything with `liveRecordings()` and `settings.dir`
 * @param options - see {@link SrsStatusOptions}
 * @throws SipError(InvalidArgument) for a page size, cache setting or base path out of range
 */
export function srsStatusRoutes(srs: SrsStatusSource, options: SrsStatusOptions = {}): HttpRoute[] {
  checkInt('pageSize', options.pageSize, 1, 1000);
  checkInt('listCacheMs', options.listCacheMs, 0, 3_600_000);
  checkInt('indexCacheEntries', options.indexCacheEntries, 1, 1_000_000);
  const base = options.basePath ?? '';
  if (!BASE_PATH.test(base) || base.split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new SipError(SipErrorCode.InvalidArgument, `SrsStatusOptions.basePath must be '' or /segment[/segment...] (got ${JSON.stringify(base)})`);
  }
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? SRS_STATUS_DEFAULTS.pageSize;
  const root = options.dir ?? srs.settings.dir;
  const list = new RecordingList(root, {
    listCacheMs: options.listCacheMs ?? SRS_STATUS_DEFAULTS.listCacheMs,
    maxEntries: Math.max(pageSize, options.indexCacheEntries ?? SRS_STATUS_DEFAULTS.indexCacheEntries),
    now,
  });
  const ctx: ReportContext = { list, pageSize, base, now };
  const title = options.title ?? SRS_STATUS_DEFAULTS.title;

  const page: HttpRoute = (req, res, url) => {
    if (url.pathname !== `${base}/` && !(base !== '' && url.pathname === base)) return false;
    send(req, res, 'text/html; charset=utf-8', renderPage(buildReport(srs, ctx, pageNumberOf(url)), { title, base, ...(refreshOf(url) !== undefined ? { refreshSeconds: refreshOf(url) } : {}) }));
    return true;
  };
  const json: HttpRoute = (req, res, url) => {
    if (url.pathname !== `${base}/recordings.json`) return false;
    send(req, res, 'application/json; charset=utf-8', `${JSON.stringify(buildReport(srs, ctx, pageNumberOf(url)), null, 1)}\n`);
    return true;
  };
  const css: HttpRoute = (req, res, url) => {
    if (url.pathname !== `${base}/status.css`) return false;
    send(req, res, 'text/css; charset=utf-8', STATUS_CSS, 'public, max-age=300');
    return true;
  };
  const icon: HttpRoute = (req, res, url) => {
    if (url.pathname !== `${base}/favicon.svg`) return false;
    send(req, res, 'image/svg+xml', STATUS_ICON, 'public, max-age=86400');
    return true;
  };
  const files: HttpRoute = (req, res, url) => serveStoredFile(req, res, url, { root, base, list });
  return [page, json, css, icon, files];
}
