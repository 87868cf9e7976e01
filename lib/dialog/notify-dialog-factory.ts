/**
 * RFC 6665 §4.1.2.4: a NOTIFY may arrive before the 2xx to the SUBSCRIBE (or REFER, RFC 3515)
 * that asked for it; the NOTIFY then creates the subscriber's dialog. The subscriber is the UAC
 * of the dialog-creating request, so ids and URIs come from that request, while the route set
 * and remote target come from the NOTIFY as from a request received (RFC 3261 §12.1.1).
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { DialogState } from '../../include-types/states.js';
import type { NameAddr, SipRequest } from '../message/index.js';
import { DialogCore } from './dialog.js';

/**
 * The subscriber's dialog made by a NOTIFY for `subscribe` (Confirmed: a NOTIFY is a request
 * within the dialog, RFC 6665 §4.1.2.4).
 * @throws SipError(InvalidArgument) if the NOTIFY does not belong to the request (Call-ID, tags).
 */
export function createDialogFromNotify(subscribe: SipRequest, notify: SipRequest, localContact?: NameAddr): DialogCore {
  const localTag = subscribe.from.tag;
  if (notify.callId !== subscribe.callId || localTag === undefined || notify.to.tag !== localTag) {
    throw new SipError(SipErrorCode.InvalidArgument, 'the NOTIFY does not match the subscription');
  }
  const remoteTag = notify.from.tag;
  if (remoteTag === undefined) throw new SipError(SipErrorCode.InvalidArgument, 'the NOTIFY has no From tag');
  const contact = notify.contact[0];
  return new DialogCore({
    role: 'uac',
    state: DialogState.Confirmed,
    id: { callId: subscribe.callId, localTag, remoteTag },
    localUri: subscribe.from,
    remoteUri: subscribe.to,
    localSeq: subscribe.cseq.seq,
    remoteSeq: undefined,
    // RFC 6665 §4.1.2.4: the route set is the NOTIFY's Record-Route, as on the UAS side of §12.1.1
    routeSet: notify.recordRoute,
    remoteTarget: contact !== undefined && contact !== '*' ? contact.uri : notify.from.uri,
    secure: false,
    localContact,
    initial: { seq: subscribe.cseq.seq, method: subscribe.method },
  });
}
