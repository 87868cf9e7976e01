/**
 * Accepting an SRS-initiated recording session (RFC 7866 §6.2): the dialog is made on the SRS's
 * INVITE transaction and the streams are opened. An offer-less INVITE gets our offer (SDP +
 * complete metadata, RFC 7866 §7.1.1, §9.1) in the 2xx (RFC 3261 §13.3.1, RFC 3264 §4) and the
 * SRS's answer comes in the ACK, which the session reads like any other answer. An INVITE with
 * the SRS's offer (recvonly m-lines) gets our answer in the 2xx (sendonly, same m-lines, RFC 3264
 * §6; body/src-answer.ts) with the complete metadata; the ACK then points the fork at the SRS
 * (session-answer.ts), or 488 when no offered stream can be served.
 */
import { RecordingEndReason, SrsAttemptOutcome, type SrsAttempt } from '../../../include-types/siprec.js';
import { InviteDialogAssoc, MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import { buildSrcAnswer, noStreamReason, splitRecordingBody, type SrcAnswer } from '../body/index.js';
import { sessionElements, srsInitiatedHeaders } from './session-offer.js';
import type { SessionHost } from './session-host.js';
import type { SessionLog } from './session-log.js';

/** What accepting needs from the session. */
export interface SrsInitiatedSession {
  readonly host: SessionHost;
  readonly log: SessionLog;
  /** Set when the app stopped the recording meanwhile. */
  readonly stopRequested: RecordingEndReason | undefined;
  /** The dialog made on the SRS's INVITE (the session routes its callbacks from now on). */
  adopt(assoc: InviteDialogAssoc): void;
  /** Opens every stream of the call (throws when ports run out). */
  openStreams(): Promise<void>;
  /** Our offer for the 2xx: SDP and complete metadata with the SRS-initiated headers. */
  offer(): MessageElements;
  /** Records a failed attempt. */
  attempt(a: SrsAttempt): void;
  /** Answers the INVITE with an error (and disposes it). */
  reply(tx: ServerTransaction, status: number): void;
  /** The session ends before it started. */
  fail(reason: RecordingEndReason): Promise<void>;
  /** The 2xx with our offer went out. */
  offered(res: ResponseElements): void;
  /** The INVITE carried the SRS's offer and the 2xx our answer on its m-lines: read at the ACK. */
  answeredOffer(answer: SrcAnswer): void;
}

/**
 * Takes the SRS's INVITE `tx` from `srs`: 500 when no dialog can be made on it, 503 when the
 * streams cannot be opened, 480 when the app stopped meanwhile (a CANCELed INVITE was answered
 * 487 by the API), 488 when the SRS's offer has no stream we can send, else 200 with our offer,
 * or our answer to the SRS's offer.
 */
export async function acceptSrsInvite(s: SrsInitiatedSession, tx: ServerTransaction, srs: string): Promise<void> {
  s.log.got(tx.requestElements);
  let assoc: InviteDialogAssoc;
  try {
    assoc = InviteDialogAssoc.fromServerTransaction(tx, { contact: s.host.contact });
  } catch {
    s.reply(tx, 500);
    return s.fail(RecordingEndReason.LocalError);
  }
  s.adopt(assoc);
  try {
    await s.openStreams();
  } catch {
    s.reply(tx, 503);
    return s.fail(RecordingEndReason.LocalError);
  }
  if (s.stopRequested || !tx.responseAllowed) {
    // Stopped meanwhile, or the SRS CANCELed (the API answered 487).
    if (tx.responseAllowed) s.reply(tx, 480);
    else tx.dispose();
    s.attempt({ srs, outcome: SrsAttemptOutcome.Response, statusCode: 487 });
    return s.fail(s.stopRequested ?? RecordingEndReason.Rejected);
  }
  const offer = srsOffer(tx);
  let body = s.offer();
  let answer: SrcAnswer | undefined;
  if (offer !== undefined) {
    // RFC 3264 §6: our answer on the SRS's m-lines, from what our own offer would have been.
    const ours = splitRecordingBody(body.contentType, body.content);
    try {
      answer = buildSrcAnswer(offer, ours.sdp ?? '');
    } catch {
      answer = undefined;
    }
    if (!answer || !answer.layout.some((j) => j !== undefined)) {
      const reason = answer ? noStreamReason(answer) : 'Bad SDP offer';
      try {
        tx.sendResponse(new ResponseElements({ statusCode: 488, reasonPhrase: reason, messageElements: new MessageElements() }));
      } catch { /* ended */ }
      tx.dispose();
      s.attempt({ srs, outcome: SrsAttemptOutcome.Response, statusCode: 488 });
      return s.fail(RecordingEndReason.NoStreamsAccepted);
    }
    body = sessionElements(srsInitiatedHeaders(), answer.sdp, ours.metadata?.toString('utf8'));
  }
  const res = new ResponseElements({ statusCode: 200, messageElements: body });
  if (answer) s.answeredOffer(answer); // read at the ACK
  try {
    tx.sendResponse(res);
  } catch {
    tx.dispose();
    return s.fail(RecordingEndReason.LocalError);
  }
  tx.dispose();
  s.offered(res);
}

/** The SDP offer of the SRS's INVITE, if any (the caller checked that the body splits). */
function srsOffer(tx: ServerTransaction): string | undefined {
  const me = tx.requestElements.messageElements;
  try {
    return splitRecordingBody(me.contentType, me.content).sdp;
  } catch {
    return undefined;
  }
}
