/**
 * Creating dialogs from the dialog-creating request and its response: UAC side (RFC 3261 §12.1.2)
 * and UAS side (RFC 3261 §12.1.1).
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { DialogState } from '../../include-types/states.js';
import { type NameAddr, SipUri, type SipRequest, type SipResponse, newTag } from '../message/index.js';
import { DialogCore } from './dialog.js';

/** Options of {@link createUacDialog}. */
export interface UacDialogOptions {
  /** The request went over TLS (with a SIPS Request-URI this makes the dialog secure). */
  secureTransport?: boolean;
  /** Our Contact (default: the request's first Contact). */
  localContact?: NameAddr;
}

/**
 * The UAC's dialog from the request it sent and a 101–299 response with a To tag (RFC 3261
 * §12.1.2): route set = Record-Route reversed, remote target = Contact, local CSeq = request's,
 * remote CSeq empty; 1xx → Early, 2xx → Confirmed.
 * @throws SipError(InvalidArgument) if the response is not 101–299, or a 1xx without To tag.
 */
export function createUacDialog(request: SipRequest, response: SipResponse, options: UacDialogOptions = {}): DialogCore {
  if (response.status <= 100 || response.status >= 300) throw new SipError(SipErrorCode.InvalidArgument, 'only 101-299 create a dialog');
  // RFC 3261 §12.1.2: a 2xx without a To tag (RFC 2543 peer) makes a dialog whose remote tag is
  // null (''); a tagless 1xx makes none, since forks could not be told apart.
  const remoteTag = response.to.tag ?? (response.status >= 200 ? '' : undefined);
  if (remoteTag === undefined) throw new SipError(SipErrorCode.InvalidArgument, 'provisional response has no To tag');
  const contact = response.contact[0];
  // NOTE (deviation): a response without Contact (broken peer) keeps the Request-URI as target.
  const remoteTarget = contact !== undefined && contact !== '*' ? contact.uri : request.uri;
  const mine = request.contact[0];
  return new DialogCore({
    role: 'uac',
    state: response.status < 200 ? DialogState.Early : DialogState.Confirmed,
    id: { callId: request.callId, localTag: request.from.tag ?? '', remoteTag },
    localUri: request.from,
    remoteUri: request.to,
    localSeq: request.cseq.seq,
    routeSet: [...response.recordRoute].reverse(),
    remoteTarget,
    // RFC 3261 §12.1.2: secure if the request was sent over TLS with a SIPS Request-URI.
    secure: options.secureTransport === true && isSips(request),
    localContact: options.localContact ?? (mine !== undefined && mine !== '*' ? mine : undefined),
    initial: { seq: request.cseq.seq, method: request.method },
  });
}

/** Options of {@link createUasDialog}. */
export interface UasDialogOptions {
  /** Our tag (default: a random one, RFC 3261 §19.3). Put it in every response's To. */
  localTag?: string;
  /** The request came over TLS (with a SIPS Request-URI this makes the dialog secure). */
  secureTransport?: boolean;
  /** Our Contact, for the responses and our requests in the dialog. */
  localContact?: NameAddr;
}

/**
 * The UAS's dialog from a received dialog-creating request (RFC 3261 §12.1.1), in state Init:
 * route set = Record-Route in order, remote target = Contact, remote CSeq = request's, local CSeq
 * empty, remote tag = From tag, local tag generated. Report each response to the request with
 * `responseSent` (101–199 → Early, 2xx → Confirmed, ≥300 → Terminated).
 * @throws SipError(InvalidArgument) if the request already has a To tag (it is in a dialog).
 */
export function createUasDialog(request: SipRequest, options: UasDialogOptions = {}): DialogCore {
  if (request.to.tag !== undefined) throw new SipError(SipErrorCode.InvalidArgument, 'request is already in a dialog');
  const contact = request.contact[0];
  const remoteTarget = contact !== undefined && contact !== '*' ? contact.uri : request.from.uri;
  return new DialogCore({
    role: 'uas',
    state: DialogState.Init,
    id: { callId: request.callId, localTag: options.localTag ?? newTag(), remoteTag: request.from.tag ?? '' },
    localUri: request.to,
    remoteUri: request.from,
    remoteSeq: request.cseq.seq,
    routeSet: request.recordRoute,
    remoteTarget,
    // RFC 3261 §12.1.1: secure if the request arrived over TLS with a SIPS Request-URI.
    secure: options.secureTransport === true && isSips(request),
    localContact: options.localContact,
    initial: { seq: request.cseq.seq, method: request.method },
  });
}

function isSips(request: SipRequest): boolean {
  return request.uri instanceof SipUri && request.uri.scheme === 'sips';
}

/**
 * The subscriber's dialog created by a NOTIFY that arrives before the 2xx to its SUBSCRIBE or
 * REFER (RFC 6665 §4.1.2.4): Confirmed at once, local tag = NOTIFY's To tag (our From tag),
 * remote tag = NOTIFY's From tag, route set = NOTIFY's Record-Route in order (we are its UAS),
 * remote target = its Contact, local CSeq = the subscription request's, remote CSeq = NOTIFY's.
 * @throws SipError(InvalidArgument) if the NOTIFY has no From tag, or is not for this
 *   subscription (another Call-ID, or a To tag other than our From tag).
 */
export function createDialogFromNotify(subscribe: SipRequest, notify: SipRequest, options: UacDialogOptions = {}): DialogCore {
  // the NOTIFY must be for this subscription: same Call-ID, addressed to our From tag
  if (notify.callId !== subscribe.callId || (subscribe.from.tag ?? '') !== (notify.to.tag ?? '')) {
    throw new SipError(SipErrorCode.InvalidArgument, 'the NOTIFY does not match the subscription');
  }
  const remoteTag = notify.from.tag;
  if (remoteTag === undefined) throw new SipError(SipErrorCode.InvalidArgument, 'NOTIFY has no From tag');
  const contact = notify.contact[0];
  const mine = subscribe.contact[0];
  return new DialogCore({
    role: 'uac',
    state: DialogState.Confirmed,
    id: { callId: subscribe.callId, localTag: subscribe.from.tag ?? '', remoteTag },
    localUri: subscribe.from,
    remoteUri: subscribe.to,
    localSeq: subscribe.cseq.seq,
    remoteSeq: notify.cseq.seq,
    routeSet: notify.recordRoute,
    remoteTarget: contact !== undefined && contact !== '*' ? contact.uri : notify.from.uri,
    secure: options.secureTransport === true && isSips(subscribe),
    localContact: options.localContact ?? (mine !== undefined && mine !== '*' ? mine : undefined),
    initial: { seq: subscribe.cseq.seq, method: subscribe.method },
  });
}
