/**
 * Building a request within a dialog (RFC 3261 §12.2.1.1) from the dialog's state. No Via: the
 * transaction layer adds the one Via with a new branch when it sends the request.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { type NameAddr, SipRequest, type Uri, headerKey } from '../message/index.js';
import { computeRouting } from './route-set.js';

/** Header fields an app may add to a request within a dialog. */
export type ExtraHeaders = ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string | readonly string[]>>;

/** Options of a request within a dialog. */
export interface InDialogRequestOptions {
  /** Extra header fields (not the ones the dialog owns: Via, From, To, Call-ID, CSeq, Route, Max-Forwards). */
  headers?: ExtraHeaders;
  /** Body; give its Content-Type in `headers`. */
  body?: Buffer | string;
}

/** What the builder takes from the dialog. */
export interface DialogAddressing {
  callId: string;
  localUri: NameAddr;
  localTag: string;
  remoteUri: NameAddr;
  remoteTag: string;
  routeSet: readonly NameAddr[];
  remoteTarget: Uri;
  /** Our Contact, added to target refresh requests when the app gave none. */
  localContact?: NameAddr;
}

/** Max-Forwards of requests the dialog builds (RFC 3261 §8.1.1.6). */
export const MAX_FORWARDS = 70;

const OWNED = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'route', 'max-forwards']);

/**
 * The extra headers as pairs.
 * @throws SipError(MalformedMessage) if one is a header the dialog owns.
 */
export function extraPairs(headers: ExtraHeaders | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (headers === undefined) return out;
  const entries: ReadonlyArray<readonly [string, string | readonly string[]]> = Array.isArray(headers)
    ? (headers as ReadonlyArray<readonly [string, string]>)
    : Object.entries(headers as Record<string, string | readonly string[]>);
  for (const [name, value] of entries) {
    if (OWNED.has(headerKey(name))) {
      throw new SipError(SipErrorCode.MalformedMessage, `${name} is set by the dialog and may not be given`);
    }
    for (const v of typeof value === 'string' ? [value] : value) out.push([name, v]);
  }
  return out;
}

/**
 * Builds the request: Request-URI and Route from the route set (loose or strict), From with the
 * local tag, To with the remote tag, Call-ID, `CSeq: seq method`, Max-Forwards 70, Contact for a
 * target refresh (`addContact`), then the extra headers and the body.
 * @throws SipError(MalformedMessage) if `options.headers` holds a header the dialog owns.
 */
export function buildInDialogRequest(d: DialogAddressing, method: string, seq: number, addContact: boolean, options: InDialogRequestOptions = {}): SipRequest {
  const extra = extraPairs(options.headers);
  const { requestUri, route } = computeRouting(d.routeSet, d.remoteTarget);
  const from = d.localUri.clone();
  from.tag = d.localTag;
  const to = d.remoteUri.clone();
  // RFC 3261 §12.2.1.1: an empty remote tag (RFC 2543 peer) means no tag parameter.
  to.tag = d.remoteTag === '' ? undefined : d.remoteTag;
  const pairs: Array<[string, string]> = route.map((r) => ['Route', r.toString()] as [string, string]);
  pairs.push(['Max-Forwards', String(MAX_FORWARDS)]);
  pairs.push(['From', from.toString()]);
  pairs.push(['To', to.toString()]);
  pairs.push(['Call-ID', d.callId]);
  pairs.push(['CSeq', `${seq} ${method}`]);
  if (addContact && d.localContact !== undefined && !extra.some(([n]) => headerKey(n) === 'contact')) {
    pairs.push(['Contact', d.localContact.toString()]);
  }
  pairs.push(...extra);
  return new SipRequest({ method, uri: requestUri, headers: pairs, body: options.body });
}
