/**
 * A request the app sends to the SRS in a recording session's dialog (`SrcManager.sendRequest`):
 * INFO, MESSAGE, OPTIONS or an extension method, sent as a non-target-refresh request (RFC 3261
 * §12.2.1.1) through the session's one-at-a-time queue (so it never crosses a re-INVITE, an
 * UPDATE or the BYE), its final response handed back whole.
 *
 * Refused before anything is sent (SipError `MethodNotAllowed`): the methods with a role in the
 * dialog the session keeps (INVITE, ACK, BYE, CANCEL, PRACK: RFC 3261 §13–15, RFC 3262) or that
 * would open another usage of it (SUBSCRIBE, NOTIFY, REFER: RFC 6665, RFC 3515; REGISTER is never
 * in a dialog), and an UPDATE that carries SDP (an offer, RFC 3311 §5.1: the session's SDP state
 * is its own). A metadata-only UPDATE is allowed.
 */
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { RecordingEndReason, type SrsRequest, type SrsResponse } from '../../../include-types/siprec.js';
import type { ResponseElementsView } from '../../../include-types/api.js';
import { splitRecordingBody } from '../body/index.js';
import { MessageElements, type ClientTransaction, type InviteDialogAssoc } from '../common/api.js';
import type { SessionRequests } from './session-requests.js';

/** Methods the session's dialog keeps for itself or that open another dialog usage. */
const DIALOG_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'REGISTER']);

/** RFC 3261 §25.1 token (a method name). */
const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** True when the body (alone or a multipart part) is SDP. */
function carriesSdp(contentType: string | undefined, body: Buffer | string | undefined): boolean {
  if (body === undefined || body.length === 0 || contentType === undefined) return false;
  if (/^\s*application\/sdp\b/i.test(contentType)) return true;
  if (!/^\s*multipart\//i.test(contentType)) return false;
  try {
    return splitRecordingBody(contentType, Buffer.from(body)).sdp !== undefined;
  } catch {
    return /application\/sdp/i.test(Buffer.from(body).toString('latin1')); // unreadable: judge by its text
  }
}

/**
 * Checks a request before it is queued.
 * @throws SipError(InvalidArgument) for a method that is not a token, or a body without a type;
 *   SipError(MethodNotAllowed) for the methods above and an UPDATE with SDP
 */
export function checkSrsRequest(req: SrsRequest): void {
  if (!TOKEN.test(req.method)) throw new SipError(SipErrorCode.InvalidArgument, `not a SIP method: ${JSON.stringify(req.method)}`);
  const method = req.method.toUpperCase();
  if (DIALOG_METHODS.has(method)) {
    throw new SipError(SipErrorCode.MethodNotAllowed, `${method} would break the recording session's dialog (the session sends it itself, or it opens another usage)`);
  }
  if (method === 'UPDATE' && carriesSdp(req.contentType, req.body)) {
    throw new SipError(SipErrorCode.MethodNotAllowed, 'an UPDATE with SDP is an offer (RFC 3311): the recording session owns its SDP');
  }
  if (req.body !== undefined && req.contentType === undefined) throw new SipError(SipErrorCode.InvalidArgument, 'a body needs a contentType');
}

/** What the request needs from its session. */
export interface SrsRequestContext {
  /** The RS dialog. */
  readonly assoc: InviteDialogAssoc | undefined;
  /** True while the session may send (Active, paused or not). */
  usable(): boolean;
  /** The session's requests (the awaited transaction). */
  readonly requests: SessionRequests;
  /** Logs the sent request (NG9-1-1). */
  sent(tx: ClientTransaction): void;
  /** The dialog is gone (481, 408, no response: RFC 3261 §12.2.1.2): end the session. */
  lost(reason: RecordingEndReason): void;
}

/** The response as the app gets it. */
function toSrsResponse(res: ResponseElementsView): SrsResponse {
  const me = res.messageElements;
  const body = me.content ?? Buffer.alloc(0);
  return {
    statusCode: res.statusCode, reasonPhrase: res.reasonPhrase, headers: me.userHeaders.map((h) => ({ name: h.name, value: h.value })), body,
    ...(body.length > 0 && me.contentType !== undefined ? { contentType: me.contentType } : {}),
  };
}

/**
 * Sends `req` (checked with {@link checkSrsRequest}) and resolves with the final response; run it
 * from the session's queue.
 * A 481 or 408 response resolves (the response) and a timeout rejects, and each ends the
 * recording first (`SessionRefreshFailed`, RFC 3261 §12.2.1.2).
 * @throws SipError(InvalidState) when the session is not Active; SipError(Timeout) when no
 *   response came by Timer F (64 × T1), SipError(TransportError) when it could not be sent
 */
export async function sendSrsRequest(ctx: SrsRequestContext, req: SrsRequest): Promise<SrsResponse> {
  const assoc = ctx.assoc;
  if (!ctx.usable() || assoc === undefined) throw new SipError(SipErrorCode.InvalidState, 'the recording session is not active');
  const elements = new MessageElements({
    headers: req.headers ?? [], ...(req.body !== undefined ? { content: req.body, contentType: req.contentType } : {}),
  });
  const method = req.method.toUpperCase();
  const tx = method === 'UPDATE' ? assoc.sendUpdate(elements) : assoc.sendNonTargetRefreshRequest(method, elements);
  ctx.sent(tx);
  const { status, response } = await ctx.requests.awaitResponse(tx);
  // RFC 3261 §12.2.1.2: a 481 or 408 to a request in the dialog, or no response at all (the
  // transaction timed out at Timer F), and the UAC SHOULD end the dialog (RFC 5057 §5.1: 481
  // says the SRS has no such dialog). The recording is lost exactly as when a refresh or a
  // metadata re-INVITE gets them (session-requests.ts): `SessionRefreshFailed` (the dialog layer
  // has ended the dialog on the 481/408, so the BYE tried is not sent then). A transport
  // error is no answer from the SRS about the dialog: the session goes on, as there.
  if (status === 481 || status === 408) ctx.lost(RecordingEndReason.SessionRefreshFailed);
  if (response === undefined) {
    const code = status === 408 ? SipErrorCode.Timeout : SipErrorCode.TransportError;
    throw new SipError(code, `no response from the SRS to ${method}${status === 408 ? ' (Timer F): the recording session ends' : ''}`, { statusCode: status });
  }
  return toSrsResponse(response);
}
