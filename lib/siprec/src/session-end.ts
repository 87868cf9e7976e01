/**
 * How a recording session ends. The app's stop while Starting: the INVITE is CANCELed and the
 * start ends with the stop reason (`recordingFailed`). Once Active: the fork stops, MSRP queues
 * drain (bounded), the CS stop-time (or, stopped by a participant's preference, the RS
 * disassociation) reaches the SRS in metadata before the BYE (RFC 7866 §9.1), then
 * `recordingStopped` with the BYE's status. Also: the abort past the shutdown bound (nothing
 * awaited), the loss of the dialog (BYE, best effort), and the two last events with the ports closed.
 */
import { RecordingEndReason } from '../../../include-types/siprec.js';
import { SessionState, type SessionCore } from './session-core.js';
import { sessionElements } from './session-offer.js';

/** What ending uses of its session. */
export type EndingSession = Pick<SessionCore,
  'host' | 'call' | 'media' | 'meta' | 'log' | 'requests' | 'attempts' | 'state' | 'paused' | 'assoc' | 'stopRequested' | 'lastStatus' |
  'base' | 'enqueue' | 'cancelInvite' | 'clearInviteTimer'>;

/** Ends the recording: BYE when established, CANCEL/abandon while starting. */
export function stopSession(s: EndingSession, reason: RecordingEndReason): Promise<void> {
  if (s.state === SessionState.Ended || s.state === SessionState.Stopping) return Promise.resolve();
  if (s.state === SessionState.Starting) {
    s.stopRequested = reason;
    s.cancelInvite();
    return Promise.resolve();
  }
  s.state = SessionState.Stopping;
  s.media.setRtpPaused(true);
  return s.enqueue(async () => {
    let status: number | undefined;
    // MSRP: what the app fed goes out first (bounded), a message half-way is ended with '#'.
    await s.media.closeMessages();
    if (s.host.entry.stopMetadata ?? true) {
      // SIPREC-NOTES SRC-18 / RFC 7866 §9.1: the CS stop-time reaches the SRS before the BYE;
      // stopped by a participant's preference, the CS goes on: only the RS disassociation.
      const xml = reason === RecordingEndReason.Stopped ? s.meta.endedXml('call ended')
        : reason === RecordingEndReason.PreferenceOff ? s.meta.disassociatedXml() : undefined;
      if (xml !== undefined) await s.requests.send(s.paused, xml, false, true);
    }
    try {
      const tx = s.assoc!.sendBye(sessionElements([], undefined, undefined));
      s.log.sent(tx);
      status = await s.requests.await(tx);
    } catch {
      status = undefined;
    }
    await finishSession(s, reason, status);
  });
}

/** Ends at once without waiting for the SRS (shutdown past its bound): ports closed, event sent. */
export async function abortSession(s: EndingSession, reason: RecordingEndReason): Promise<void> {
  if (s.state === SessionState.Starting) return failSession(s, reason);
  s.requests.drop();
  await finishSession(s, reason, undefined);
}

/** The session failed in the dialog: BYE (best effort) and end. */
export async function loseSession(s: EndingSession, reason: RecordingEndReason): Promise<void> {
  if (s.state === SessionState.Ended) return;
  try { s.assoc?.sendBye().dispose(); } catch { /* dialog gone */ }
  await finishSession(s, reason, undefined);
}

/** An Active (or Stopping) session ended: ports closed, `recordingStopped`. */
export async function finishSession(s: EndingSession, reason: RecordingEndReason, byeStatus: number | undefined): Promise<void> {
  if (s.state === SessionState.Ended) return;
  s.state = SessionState.Ended;
  s.requests.stopRefreshing();
  const packets = s.media.fork.packetsSent();
  const messages = s.media.messageStats();
  await s.media.close();
  if (s.assoc) {
    s.host.bind(s.assoc, undefined);
    s.assoc.dispose();
  }
  s.host.forget(s.call.callId);
  s.log.ended(s.media.streams.map((m) => m.params.label));
  s.host.listener.stopped({ ...s.base(), reason, packetsSent: packets, ...(messages ? { messages } : {}), ...(byeStatus !== undefined ? { byeStatusCode: byeStatus } : {}) });
}

/** The session never got Active: ports closed, `recordingFailed` with every attempt. */
export async function failSession(s: EndingSession, reason: RecordingEndReason, status?: number): Promise<void> {
  if (s.state === SessionState.Ended) return;
  s.state = SessionState.Ended;
  s.clearInviteTimer();
  await s.media.close();
  if (s.assoc) {
    s.host.bind(s.assoc, undefined);
    try { s.assoc.dispose(); } catch { /* gone */ }
  }
  s.host.forget(s.call.callId);
  const st = status ?? s.lastStatus;
  s.host.listener.failed({ ...s.base(), reason, attempts: [...s.attempts], ...(st !== undefined ? { statusCode: st } : {}) });
}
