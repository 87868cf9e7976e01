/**
 * Building requests outside any dialog from what the app gave (RFC 3261 §8.1.1): the stack fills
 * in From's tag, Call-ID, CSeq, Max-Forwards and User-Agent; Via is the transaction layer's.
 * @module
 */
import { randomInt } from 'node:crypto';
import { NameAddr, SipRequest, newTag, parseUri } from '../../message/index.js';
import { randomToken } from '../../message/random-pool.js';
import { applyElements } from '../elements/message-elements.js';
import type { MessageElementsView } from '../../../include-types/api.js';

/** Max-Forwards of every request the API builds (RFC 3261 §8.1.1.6). */
export const MAX_FORWARDS = '70';

/** What a request outside a dialog is built from. */
export interface OutOfDialogParts {
  method: string;
  remoteUri: string;
  from: NameAddr;
  to: NameAddr;
  /** Default: a new one. */
  callId?: string;
  /** Default: a random start (RFC 3261 §8.1.1.5). */
  cseq?: number;
  /** Preloaded Route values (RFC 3608 Service-Route, an outbound proxy with `lr`). */
  route?: readonly string[];
  contact?: NameAddr;
  elements?: MessageElementsView;
  userAgent: string;
}

/**
 * A new Call-ID (RFC 3261 §8.1.1.4: globally unique): 128 random bits in hex, from the pooled
 * random bytes the tags and branches use (lib/message/random-pool.ts), not a call into the
 * CSPRNG per dialog (issue 15: one per SIPREC set-up).
 */
export function newCallId(): string {
  return randomToken(16, 'hex') + '@tsip';
}

/** A first CSeq number (RFC 3261 §8.1.1.5: below 2**31). */
export function firstCSeq(): number {
  return randomInt(1, 0x10000);
}

/** Builds the request. From gets a new tag unless it has one; To keeps none. */
export function buildOutOfDialogRequest(p: OutOfDialogParts): SipRequest {
  const from = p.from.clone();
  from.tag ??= newTag();
  const to = p.to.clone();
  to.tag = undefined;
  const req = new SipRequest({ method: p.method, uri: parseUri(p.remoteUri) });
  for (const r of p.route ?? []) req.headers.append('Route', r);
  req.headers.set('Max-Forwards', MAX_FORWARDS);
  req.headers.set('From', from.toString());
  req.headers.set('To', to.toString());
  req.headers.set('Call-ID', p.callId ?? newCallId());
  req.headers.set('CSeq', `${p.cseq ?? firstCSeq()} ${p.method}`);
  if (p.contact !== undefined && p.elements?.header('Contact') === undefined) req.headers.set('Contact', p.contact.toString());
  if (p.elements?.header('User-Agent') === undefined) req.headers.set('User-Agent', p.userAgent);
  applyElements(req, p.elements);
  return req;
}

/** Parses a name-addr the app gave (From, To, AOR). */
export function nameAddr(text: string): NameAddr {
  return NameAddr.parse(text);
}
