/**
 * Requests from the SRS in a recording session's dialog. ACK: for an SRS-initiated session the
 * SRS's answer to the offer of our 2xx (RFC 3264 §4, RFC 3261 §13.2.1), Starting → Active, or
 * BYE when it refuses every stream. BYE: 200, `recordingStopped` `RemoteBye`. re-INVITE or UPDATE:
 * 200 with our streams (488 for a body that does not split), as a session refresh when it carries
 * Session-Expires (RFC 4028 §9: the timer headers in the 200, 422 below our Min-SE); a metadata
 * snapshot request (RFC 7866 §9.1) is followed by a new request with the complete metadata.
 * OPTIONS 200, anything else 405.
 */
import { RecordingEndReason, SrsAttemptOutcome } from '../../../include-types/siprec.js';
import { splitRecordingBody } from '../body/index.js';
import type { ServerTransaction } from '../common/api.js';
import { SessionState, type SessionCore } from './session-core.js';

/** What answering the SRS uses of its session. */
export type InboundSession = Pick<SessionCore,
  'log' | 'meta' | 'requests' | 'attempts' | 'state' | 'paused' | 'assoc' | 'stopRequested' | 'srsOfferAnswered' | 'layout' | 'srs' |
  'srsInitiated' | 'enqueue' | 'sdp' | 'readAnswer' | 'reply' | 'established' | 'stop' | 'finish' | 'fail'>;

/** A request from the SRS in the dialog. */
export function onSrsRequest(s: InboundSession, tx: ServerTransaction): void {
  const t = tx.type;
  if (t === 'ACK') return s.srsInitiated && s.state === SessionState.Starting ? srsAck(s, tx) : tx.dispose();
  s.log.got(tx.requestElements);
  if (t === 'BYE') {
    s.reply(tx, 200);
    if (s.state === SessionState.Active || s.state === SessionState.Stopping) void s.finish(RecordingEndReason.RemoteBye, undefined);
    return;
  }
  if (t === 'INVITE' || t === 'UPDATE') return srsOffer(s, tx);
  s.reply(tx, t === 'OPTIONS' ? 200 : 405);
}

/** The SRS answered our offer from the 2xx in its ACK (SRS-initiated; RFC 3264 §4, RFC 3261 §13.2.1). */
function srsAck(s: InboundSession, tx: ServerTransaction): void {
  const me = tx.requestElements.messageElements;
  // The SRS offered and our 2xx answered: the ACK has no SDP; the session sits on its m-lines now.
  const srsSide = s.srsOfferAnswered;
  s.srsOfferAnswered = undefined;
  if (srsSide) s.layout = srsSide;
  const answered = s.readAnswer(me, srsSide?.remote);
  s.log.got(tx.requestElements);
  tx.dispose();
  if (s.stopRequested) {
    s.state = SessionState.Active;
    void s.stop(s.stopRequested);
    return;
  }
  if (!answered.some((a) => a.accepted)) {
    // No answer in the ACK, or one refusing every stream: nothing to record, the RS ends (BYE).
    s.attempts.push({ srs: s.srs, outcome: SrsAttemptOutcome.Response, statusCode: 200 });
    try { s.assoc?.sendBye().dispose(); } catch { /* gone */ }
    return void s.fail(RecordingEndReason.NoStreamsAccepted, 200);
  }
  s.established(answered, 200, me.contentText ?? '');
}

/** The SRS re-INVITEs or UPDATEs: answer with our streams; a snapshot request gets a full snapshot. */
function srsOffer(s: InboundSession, tx: ServerTransaction): void {
  const me = tx.requestElements.messageElements;
  let parts;
  try {
    parts = splitRecordingBody(me.contentType, me.content);
  } catch {
    return s.reply(tx, 488);
  }
  // RFC 4028 §9: a session refresh (the request carries Session-Expires) is answered with the
  // negotiated interval and refresher, or 422 below our Min-SE; the session timer restarts
  const timer = s.requests.srsRefresh(me);
  if (timer.status === 422) return s.reply(tx, 422, undefined, timer.headers);
  // Our answer mirrors our streams: sendonly (inactive while paused) on the same m-lines.
  s.reply(tx, 200, s.sdp(), timer.headers);
  if (parts.snapshotRequest) {
    // RFC 7866 §9.1: a snapshot request is answered with a complete snapshot in a new request.
    void s.enqueue(() => s.requests.send(s.paused, s.meta.completeXml(), false));
  }
}
