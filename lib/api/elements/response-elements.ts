/**
 * CSIPResponseElements: status code, reason phrase, headers and body of a response the app sends,
 * and for received responses From, To, Call-ID and CSeq too. A value, copied when handed over.
 * @module
 */
import type { ResponseElementsView } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { type SipResponse, reasonPhrase } from '../../message/index.js';
import { MessageElements } from './message-elements.js';
import { ownString } from '../../message/own-copy.js';

/** What a {@link ResponseElements} is built from. */
export interface ResponseElementsInit {
  /** 100..699. */
  statusCode: number;
  /** Default: the RFC 3261 phrase for the code. */
  reasonPhrase?: string;
  /** Headers and body. */
  messageElements?: MessageElements;
}

/** A response as the app builds it or as it arrived. */
export class ResponseElements implements ResponseElementsView {
  /** 100..699. */
  readonly statusCode: number;
  /** The reason phrase. */
  readonly reasonPhrase: string;
  /** From as received. */
  readonly fromHeader: string | undefined;
  /** To as received. */
  readonly toHeader: string | undefined;
  /** Call-ID as received. */
  readonly callId: string | undefined;
  /** CSeq as received. */
  readonly cseq: { seq: number; method: string } | undefined;
  /** Headers and body. */
  readonly messageElements: MessageElements;

  /** @throws SipError(InvalidArgument) for a status outside 100..699 or a reason with a line break. */
  constructor(init: ResponseElementsInit) {
    const s = init.statusCode;
    if (!Number.isInteger(s) || s < 100 || s > 699) throw new SipError(SipErrorCode.InvalidArgument, `invalid status code ${s}`);
    if (init.reasonPhrase !== undefined && /[\r\n]/.test(init.reasonPhrase)) throw new SipError(SipErrorCode.InvalidArgument, 'reason phrase holds a line break');
    this.statusCode = s;
    this.reasonPhrase = init.reasonPhrase ?? reasonPhrase(s);
    this.fromHeader = undefined;
    this.toHeader = undefined;
    this.callId = undefined;
    this.cseq = undefined;
    this.messageElements = init.messageElements?.clone() ?? new MessageElements();
  }

  /** The elements of a received response. @internal */
  static fromMessage(res: SipResponse): ResponseElements {
    // Not through the constructor (see RequestElements.fromMessage): the parser checked the
    // status; fields in the constructor's order, one shape for both kinds of objects.
    const r = Object.create(ResponseElements.prototype) as ResponseElements;
    const w = r as { -readonly [K in keyof ResponseElements]: ResponseElements[K] };
    w.statusCode = res.status;
    w.reasonPhrase = res.reason.replace(/[\r\n]/g, ' ');
    w.fromHeader = undefined;
    w.toHeader = undefined;
    w.callId = undefined;
    w.cseq = undefined;
    w.messageElements = MessageElements.fromMessage(res); // a copy already
    // apps keep these for the whole call (a Call-ID as a map key): as slices of the parsed text
    // they would pin the whole message
    w.fromHeader = ownString(res.headers.get('From'));
    w.toHeader = ownString(res.headers.get('To'));
    w.callId = ownString(res.headers.get('Call-ID'));
    try {
      w.cseq = { ...res.cseq };
    } catch {
      w.cseq = undefined;
    }
    return r;
  }

  /** True for 2xx. */
  get isSuccess(): boolean {
    return this.statusCode >= 200 && this.statusCode < 300;
  }

  /** True for 1xx. */
  get isProvisional(): boolean {
    return this.statusCode < 200;
  }
}
