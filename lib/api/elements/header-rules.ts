/**
 * Which header fields the app may set in which message (DESIGN §3: the stack fills in Via,
 * Call-ID, CSeq, tags, Max-Forwards and Content-Length). Checked when elements are handed over.
 * @module
 */
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { headerKey } from '../../message/index.js';

/** Headers the stack always writes itself (RFC 3261 §8.1.1, §20.14). */
const STACK_OWNED = new Set(['via', 'call-id', 'cseq', 'max-forwards', 'content-length', 'from', 'to']);

/** Where a set of headers is going. */
export type HeaderUse =
  /** A stand-alone request (`SipConnection.sendRequest`): Route (preloaded) and Contact allowed. */
  | 'standalone'
  /** A REGISTER of a binding: Contact and Expires belong to the binding (Symbian KErrSIPMalformedMessage). */
  | 'register'
  /** A request inside a dialog: the route set is the dialog's. */
  | 'dialog'
  /** A dialog-creating request (INVITE, SUBSCRIBE, REFER): Route allowed, Contact allowed. */
  | 'dialog-creating'
  /** A response. */
  | 'response';

const EXTRA: Record<HeaderUse, ReadonlySet<string>> = {
  standalone: new Set(),
  register: new Set(['contact', 'expires']),
  dialog: new Set(['route', 'record-route']),
  'dialog-creating': new Set(['record-route']),
  response: new Set(['route', 'record-route']),
};

/**
 * Throws if a header belongs to the stack for this use.
 * @throws SipError(MalformedMessage) naming the header.
 */
export function checkUserHeaders(names: Iterable<string>, use: HeaderUse): void {
  for (const name of names) {
    const key = headerKey(name);
    if (STACK_OWNED.has(key) || EXTRA[use].has(key)) {
      throw new SipError(SipErrorCode.MalformedMessage, `the ${name} header is filled in by the stack here`);
    }
    if (key === 'content-type') throw new SipError(SipErrorCode.MalformedMessage, 'give Content-Type with the content, not as a header');
  }
}
