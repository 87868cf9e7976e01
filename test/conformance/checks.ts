/**
 * Evaluator of the RFC 4475 manifest `checks` notation (see rfc4475/README.md beside this file).
 * @module
 */
import {
  type NameAddr,
  type SipRequest,
  type SipResponse,
  type Uri,
  SipUri,
  parseMultipart,
} from '../../lib/message/index.js';

/** A resolved value: a string, `null` for a flag parameter, `undefined` when absent. */
export type Actual = string | null | undefined;

/** One parsed check. */
export interface Check {
  path: string;
  expected: string;
}

/** Splits a checks cell into path/value pairs (value = text after the first '='). */
export function parseChecks(cell: string): Check[] {
  if (cell.trim() === '') return [];
  return cell.split(' | ').map((c) => {
    const eq = c.indexOf('=');
    if (eq < 0) throw new Error(`bad check: ${c}`);
    return { path: c.slice(0, eq), expected: c.slice(eq + 1) };
  });
}

/** Decodes `\xHH` escapes; any other backslash is literal. */
export function decodeValue(v: string): string {
  return v.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** True if `actual` satisfies the expected notation ((flag), (empty), (none) or text). */
export function matches(expected: string, actual: Actual): boolean {
  if (expected === '(flag)') return actual === null;
  if (expected === '(none)') return actual === undefined;
  if (expected === '(empty)') return actual === '';
  return actual === decodeValue(expected);
}

function str(v: number | string | undefined): Actual {
  return v === undefined ? undefined : String(v);
}

function uriPath(uri: Uri, sub: string): Actual {
  if (sub === '') return uri.toString();
  if (sub === 'scheme') return uri.scheme;
  if (!(uri instanceof SipUri)) return undefined;
  if (sub === 'user') return uri.user;
  if (sub === 'password') return uri.password;
  if (sub === 'host') return uri.host;
  if (sub === 'port') return str(uri.port);
  if (sub.startsWith('param.')) {
    const k = sub.slice(6).toLowerCase();
    return uri.params.has(k) ? uri.params.get(k) : undefined;
  }
  if (sub.startsWith('header.')) {
    const k = sub.slice(7).toLowerCase();
    for (const [name, value] of uri.headers) if (name.toLowerCase() === k) return value;
    return undefined;
  }
  throw new Error(`unknown URI path ${sub}`);
}

function addrPath(a: NameAddr | '*', sub: string): Actual {
  if (a === '*') return sub === '' ? '*' : undefined;
  if (sub === 'display') return a.displayName;
  if (sub === 'tag') return a.tag;
  if (sub === 'uri') return a.uri.toString();
  if (sub.startsWith('uri.')) return uriPath(a.uri, sub.slice(4));
  if (sub.startsWith('param.')) {
    const k = sub.slice(6).toLowerCase();
    return a.params.has(k) ? a.params.get(k) : undefined;
  }
  throw new Error(`unknown address path ${sub}`);
}

function indexed(path: string, name: string): [number, string] | undefined {
  const m = new RegExp(`^${name}\\[(\\d+)\\]\\.?(.*)$`).exec(path);
  return m === null ? undefined : [Number(m[1]), m[2]];
}

/** Resolves a check path on a parsed message. */
export function resolvePath(msg: SipRequest | SipResponse, path: string): Actual {
  if (path.startsWith('header(')) {
    const close = path.lastIndexOf(')');
    const name = path.slice(7, close);
    const rest = path.slice(close + 1);
    if (rest === '.count') return String(msg.headers.getAll(name).length);
    const lines = msg.headers.getLines(name);
    return lines.length === 0 ? undefined : lines.join(', ');
  }
  switch (path) {
    case 'method': return msg.isRequest() ? msg.method : undefined;
    case 'status': return msg.isResponse() ? String(msg.status) : undefined;
    case 'reason': return msg.isResponse() ? msg.reason : undefined;
    case 'call-id': return msg.callId;
    case 'max-forwards': return str(msg.maxForwards);
    case 'content-length': return str(msg.contentLength);
    case 'cseq.seq': return String(msg.cseq.seq);
    case 'cseq.method': return msg.cseq.method;
    case 'content-type': return msg.contentType?.essence;
    case 'contact.count': return String(msg.contact.length);
    case 'route.count': return String(msg.route.length);
    case 'record-route.count': return String(msg.recordRoute.length);
    case 'via.count': return String(msg.via.length);
    case 'body.length': return String(msg.body.length);
    case 'part.count': return String(parts(msg).length);
  }
  if (path.startsWith('content-type.param.')) return msg.contentType?.params.get(path.slice(19).toLowerCase());
  if (path === 'ruri' || path.startsWith('ruri.')) {
    if (!msg.isRequest()) return undefined;
    return uriPath(msg.uri, path.slice(5));
  }
  if (path === 'to' || path.startsWith('to.')) return addrPath(msg.to, path.slice(3));
  if (path === 'from' || path.startsWith('from.')) return addrPath(msg.from, path.slice(5));
  let ix = indexed(path, 'contact');
  if (ix !== undefined) return addrPath(msg.contact[ix[0]], ix[1]);
  ix = indexed(path, 'route');
  if (ix !== undefined) return addrPath(msg.route[ix[0]], ix[1]);
  ix = indexed(path, 'via');
  if (ix !== undefined) {
    const v = msg.via[ix[0]];
    switch (ix[1]) {
      case 'transport': return v.transport;
      case 'host': return v.host;
      case 'port': return str(v.port);
      case 'branch': return v.branch;
      case 'received': return v.received;
    }
  }
  ix = indexed(path, 'part');
  if (ix !== undefined) {
    const p = parts(msg)[ix[0]];
    if (ix[1] === 'content-type') return p.contentType?.essence;
    if (ix[1] === 'body') return p.body.toString('utf8');
  }
  throw new Error(`unknown check path ${path}`);
}

function parts(msg: SipRequest | SipResponse) {
  const ct = msg.contentType;
  if (ct === undefined) throw new Error('no Content-Type for part checks');
  return parseMultipart(msg.body, ct);
}
