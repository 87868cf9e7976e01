/**
 * Accepting an SRS-initiated recording session (RFC 7866 §6.2): the SRS sent an offer-less
 * INVITE; the dialog is made on its transaction, the streams are opened, and our offer (SDP +
 * complete metadata, RFC 7866 §7.1.1, §9.1) goes in the 2xx (RFC 3261 §13.3.1, RFC 3264 §4). The
 * SRS's answer then comes in the ACK, which the session reads like any other answer.
 */
import { RecordingEndReason, SrsAttemptOutcome, type SrsAttempt } from '../../../include-types/siprec.js';
import { InviteDialogAssoc, ResponseElements, type MessageElements, type ServerTransaction } from '../common/api.js';
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
}

/**
 * Takes the SRS's offer-less INVITE `tx` from `srs`: 500 when no dialog can be made on it, 503
 * when the streams cannot be opened, 480 when the app stopped meanwhile (a CANCELed INVITE was
 * answered 487 by the API), else 200 with our offer.
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
  const res = new ResponseElements({ statusCode: 200, messageElements: s.offer() });
  try {
    tx.sendResponse(res);
  } catch {
    tx.dispose();
    return s.fail(RecordingEndReason.LocalError);
  }
  tx.dispose();
  s.offered(res);
}
