/**
 * Stored files of recordings, served from under the recordings directory only:
 * `<base>/files/<recording dir>/<file>`.
 *
 * The path cannot leave the directory: the raw request path (before URL normalisation, which
 * would quietly resolve `..` and `%2e%2e`) must be exactly two plain names — a recording
 * directory name and a file name, from characters that need no percent-encoding, so `..`,
 * encoded slashes or backslashes and NUL never match; the file must be one the recording's
 * index names; neither the directory nor the file may be a symbolic link (lstat, then
 * `O_NOFOLLOW` on open), and the real path must lie under the real recordings directory.
 *
 * Answers: 200 with Content-Type, Content-Length, ETag, Last-Modified and Accept-Ranges; 206 for
 * one byte range (range.ts; audio elements seek with it); 416 for a malformed or unsatisfiable
 * one; 304 for a matching If-None-Match; 400 for a bad path; 404 for anything not there.
 */
import { constants, createReadStream, closeSync, fstatSync, lstatSync, openSync, realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentTypeOf, FILE_NAME, isInline } from './content-types.js';
import { FILE_CSP, securityHeaders } from './headers.js';
import { parseRange } from './range.js';
import { RECORDING_KEY, filesOf, type RecordingList } from './recording-list.js';

/** Where the files are. */
export interface FileRouteContext {
  /** The recordings directory. */
  root: string;
  /** URL prefix of the routes ('' or '/x'). */
  base: string;
  /** The recordings (for their indexes). */
  list: RecordingList;
}

/** Why a path is refused, or the two names it is made of. */
export type ParsedFilePath = { ok: true; key: string; name: string } | { ok: false };

/**
 * Checks the raw request path after `<base>/files/`: exactly `<key>/<name>`, both plain names
 * (see the module comment). Anything percent-encoded is refused: no stored name needs it.
 */
export function parseFilePath(rest: string): ParsedFilePath {
  const parts = rest.split('/');
  if (parts.length !== 2) return { ok: false };
  const [key, name] = parts;
  if (!RECORDING_KEY.test(key) || !FILE_NAME.test(name) || key.includes('..') || name.includes('..')) return { ok: false };
  return { ok: true, key, name };
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...securityHeaders(FILE_CSP), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra }).end(`${text}\n`);
}

/**
 * The real path of a file of a recording, or undefined when it is not a regular file, is (or is
 * in) a symbolic link, or resolves outside the recordings directory.
 */
export function resolveStoredFile(root: string, key: string, name: string): string | undefined {
  try {
    const realRoot = realpathSync(root);
    const dir = join(realRoot, key);
    if (!lstatSync(dir).isDirectory()) return undefined; // a link is not a directory to lstat
    const path = join(dir, name);
    if (!lstatSync(path).isFile()) return undefined;
    const real = realpathSync(path);
    return real.startsWith(realRoot + sep) && real === path ? real : undefined;
  } catch {
    return undefined;
  }
}

/** The file route: claims every request under `<base>/files/`. */
export async function serveStoredFile(req: IncomingMessage, res: ServerResponse, url: URL, ctx: FileRouteContext): Promise<boolean> {
  const prefix = `${ctx.base}/files/`;
  const raw = (req.url ?? '').split('?')[0];
  if (!raw.startsWith(prefix) && !url.pathname.startsWith(prefix)) return false;
  const parsed = raw.startsWith(prefix) ? parseFilePath(raw.slice(prefix.length)) : { ok: false as const };
  if (!parsed.ok) {
    plain(res, 400, 'bad file path');
    return true;
  }
  const rec = ctx.list.get(parsed.key);
  const path = rec && filesOf(rec.index).includes(parsed.name) ? resolveStoredFile(ctx.root, parsed.key, parsed.name) : undefined;
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: a link swapped in after the checks above is still refused.
    if (path !== undefined) fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    fd = undefined;
  }
  if (fd === undefined) {
    plain(res, 404, 'not found');
    return true;
  }
  await sendFile(req, res, fd, parsed.name);
  return true;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, fd: number, name: string): Promise<void> {
  let handedOver = false;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return plain(res, 404, 'not found');
    const size = st.size;
    const etag = `"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const lastModified = st.mtime.toUTCString();
    const type = contentTypeOf(name);
    const base = {
      ...securityHeaders(FILE_CSP), 'content-type': type, 'accept-ranges': 'bytes', etag, 'last-modified': lastModified,
      'cache-control': 'private, no-cache',
      // The name is a plain file name (FILE_NAME), safe inside quotes.
      'content-disposition': `${isInline(type) ? 'inline' : 'attachment'}; filename="${name}"`,
    };
    // RFC 9110 §13.1.2: a matching If-None-Match is 304 (GET/HEAD).
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && (inm.trim() === '*' || inm.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag))) {
      res.writeHead(304, base).end();
      return;
    }
    // RFC 9110 §13.1.5: Range counts only when If-Range names the current file.
    const ifRange = req.headers['if-range'];
    const ifRangeText = Array.isArray(ifRange) ? ifRange.join(',') : ifRange;
    const rangeHeader = ifRangeText === undefined || ifRangeText.trim() === etag || ifRangeText.trim() === lastModified ? req.headers.range : undefined;
    const verdict = parseRange(rangeHeader, size);
    if (verdict.kind === 'unsatisfiable') {
      res.writeHead(416, { ...base, 'content-type': 'text/plain; charset=utf-8', 'content-range': `bytes */${size}`, 'content-length': 0 }).end();
      return;
    }
    const start = verdict.kind === 'partial' ? verdict.start : 0;
    const end = verdict.kind === 'partial' ? verdict.end : size - 1;
    const length = size === 0 ? 0 : end - start + 1;
    res.writeHead(verdict.kind === 'partial' ? 206 : 200, {
      ...base, 'content-length': length, ...(verdict.kind === 'partial' ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    handedOver = true;
    // The stream closes the fd; a client that goes away ends the pipeline without an error thrown here.
    await pipeline(createReadStream('', { fd, start, end, autoClose: true }), res).catch(() => res.destroy());
  } finally {
    if (!handedOver) closeSync(fd);
  }
}
