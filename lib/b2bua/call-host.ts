/**
 * What a B2BUA call needs from the B2BUA that runs it, and the small SIP helpers both use
 * (answering a request, the caller's INVITE with RFC 3262 reliability when it requires it).
 */
import { type Dialog, MessageElements, ResponseElements, type ServerTransaction, type SipConnection } from '../api/index.js';
import type { SrcManager } from '../siprec/src/index.js';
import type { B2buaCall } from './b2bua-call.js';
import type { LegName, RtpRelayOptions } from './rtp-relay.js';
import type { B2buaEndReason, B2buaRecordingState } from './types.js';

/**
 * The status the caller gets when `recordingRequired` and the recording cannot start: 503. The
 * cause is this server's (its recording service), not the callee's (480 would say the callee is
 * unavailable), and RFC 3261 §21.5.4 lets an upstream proxy try another server, e.g. a second
 * B2BUA whose SRS works.
 */
export const RECORDING_UNAVAILABLE_STATUS = 503;

/** What a call needs from the B2BUA that runs it. */
export interface CallHost {
  /** The SIP connection both legs use. */
  readonly connection: SipConnection;
  /** Relay port range and address. */
  readonly relay: RtpRelayOptions;
  /** The recording client, if any. */
  readonly recorder: SrcManager | undefined;
  /** See B2buaOptions: true when the answer waits for the recording (true, 'any' or 'all'). */
  readonly recordingRequired: boolean;
  /** The recorder's requirement for each call ('all' only when asked; the recording state follows its events). */
  readonly recordingPolicy: 'any' | 'all';
  readonly recordingStartTimeoutMs: number;
  readonly answerTimeoutMs: number;
  /** The callee leg's Request-URI for the caller's Request-URI. */
  calleeUri(callerRequestUri: string): string;
  /** Routes in-dialog requests of `dialog` to this call's leg. */
  bind(dialog: Dialog, call: B2buaCall, leg: LegName): void;
  /** Tells the B2BUA the call changed (state or recording). */
  changed(call: B2buaCall): void;
  recordingChanged(call: B2buaCall, state: B2buaRecordingState): void;
  /** The call is over. */
  ended(call: B2buaCall, reason: B2buaEndReason, statusCode?: number): void;
}

/** An SDP body as message elements. */
export const sdpBody = (sdp: string): MessageElements => new MessageElements({ content: sdp, contentType: 'application/sdp' });
/** The SDP body of a message, if it has one. */
export const sdpOf = (m: { contentType: string | undefined; content: Buffer | undefined }): Buffer | undefined =>
  m.content !== undefined && m.content.length > 0 && (m.contentType ?? '').toLowerCase().startsWith('application/sdp') ? m.content : undefined;
/** The leg opposite `leg`. */
export const other = (leg: LegName): LegName => (leg === 'a' ? 'b' : 'a');

/** A response with `code`, and the reason phrase and body when given. */
function response(code: number, phrase?: string, body?: MessageElements): ResponseElements {
  return new ResponseElements({ statusCode: code, ...(phrase ? { reasonPhrase: phrase } : {}), ...(body ? { messageElements: body } : {}) });
}

/** Answers a request (when it still may be) and disposes its transaction. */
export function respondTo(tx: ServerTransaction, code: number, body?: MessageElements, phrase?: string): void {
  try {
    if (tx.responseAllowed) tx.sendResponse(response(code, phrase, body));
  } catch { /* gone */ }
  tx.dispose();
}

/**
 * A response on the caller's INVITE, while one may still go; the transaction stays (its final
 * response is still to come). A caller that requires 100rel gets its 1xx reliably (RFC 3262 §3:
 * the API retransmits each until the PRACK).
 * @returns false when it could not go: the transaction ended meanwhile (CANCEL, timeout), or a
 *   reliable 1xx while the previous one still waits for its PRACK (§3: one at a time).
 */
export function respondToCaller(tx: ServerTransaction | undefined, code: number, phrase?: string, body?: MessageElements): boolean {
  if (tx === undefined || !tx.responseAllowed) return false;
  let elements = body;
  if (code > 100 && code < 200 && requires100rel(tx)) {
    elements = elements?.clone() ?? new MessageElements();
    elements.addHeader('Require', '100rel');
  }
  try {
    tx.sendResponse(response(code, phrase, elements));
    return true;
  } catch {
    return false;
  }
}

/** The request says `Require: 100rel` (RFC 3262 §3); `headerValues` gives a list header's tags one by one. */
function requires100rel(tx: ServerTransaction): boolean {
  return tx.requestElements.messageElements.headerValues('Require').some((tag) => tag.toLowerCase() === '100rel');
}
