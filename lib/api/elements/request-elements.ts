/**
 * CSIPRequestElements: the method, the Request-URI, From and To of a request the app sends, and
 * for received requests what arrived. A value, copied when handed over.
 * @module
 */
import type { RequestElementsView } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { NameAddr, type SipRequest, SipUri, isToken, parseUri } from '../../message/index.js';
import { MessageElements } from './message-elements.js';
import { ownString } from '../../message/own-copy.js';

/** What a {@link RequestElements} is built from. */
export interface RequestElementsInit {
  /** The method (e.g. "MESSAGE", "OPTIONS", "INFO"). */
  method: string;
  /** The Request-URI, e.g. "sip:bob@example.com". */
  remoteUri: string;
  /** From as a name-addr without tag (default: the stack picks one from the IAP or the registration). */
  from?: string;
  /** To as a name-addr (default: the Request-URI). */
  to?: string;
  /** Headers and body. */
  messageElements?: MessageElements;
}

/** A request as the app builds it or as it arrived. */
export class RequestElements implements RequestElementsView {
  /** The method. */
  readonly method: string;
  /** The Request-URI. */
  readonly remoteUri: string;
  /** From (with tag on received requests). */
  readonly fromHeader: string | undefined;
  /** To. */
  readonly toHeader: string | undefined;
  /** Filled in on received requests and on the requests the stack sent. */
  readonly callId: string | undefined;
  /** Filled in on received requests and on the requests the stack sent. */
  readonly cseq: { seq: number; method: string } | undefined;
  /** Headers and body. */
  readonly messageElements: MessageElements;

  /** @throws SipError(InvalidArgument) for a bad method, URI, From or To. */
  constructor(init: RequestElementsInit) {
    if (!isToken(init.method)) throw new SipError(SipErrorCode.InvalidArgument, `invalid method "${init.method}"`);
    try {
      parseUri(init.remoteUri);
      if (init.from !== undefined) NameAddr.parse(init.from);
      if (init.to !== undefined) NameAddr.parse(init.to);
    } catch (e) {
      throw new SipError(SipErrorCode.InvalidArgument, `bad URI or address: ${String(e)}`, { cause: e });
    }
    this.method = init.method;
    this.remoteUri = init.remoteUri;
    this.fromHeader = init.from;
    this.toHeader = init.to;
    this.callId = undefined;
    this.cseq = undefined;
    this.messageElements = init.messageElements?.clone() ?? new MessageElements();
  }

  /** The elements of a received (or sent) request. @internal */
  static fromMessage(req: SipRequest): RequestElements {
    // Not through the constructor: it validates what the parser checked already (the method a
    // token, the Request-URI a URI: one more serialisation and parse of it) and makes an empty
    // MessageElements this replaces, for every request received (issue 15). Fields in the
    // constructor's order, so both kinds of objects share one shape.
    const r = Object.create(RequestElements.prototype) as RequestElements;
    const w = r as { -readonly [K in keyof RequestElements]: RequestElements[K] };
    w.method = req.method;
    w.remoteUri = req.uri.toString();
    w.fromHeader = undefined;
    w.toHeader = undefined;
    w.callId = undefined;
    w.cseq = undefined;
    w.messageElements = MessageElements.fromMessage(req); // a copy already
    // apps keep these for the whole call (a Call-ID as a map key): as slices of the parsed text
    // they would pin the whole message
    w.fromHeader = ownString(req.headers.get('From'));
    w.toHeader = ownString(req.headers.get('To'));
    w.callId = ownString(req.headers.get('Call-ID'));
    try {
      w.cseq = { ...req.cseq };
    } catch {
      w.cseq = undefined;
    }
    return r;
  }

  /** The Request-URI parsed. */
  get uri(): SipUri | undefined {
    const u = parseUri(this.remoteUri);
    return u instanceof SipUri ? u : undefined;
  }
}
