/**
 * A live recording session's requests and timers: the ACK (with the answer to an offer of ours),
 * the SRC's BYE, re-INVITE/UPDATE (new metadata, streams added or closed, pause/resume; a refusal
 * leaves the session as it was), OPTIONS/INFO, the end of the RFC 4028 session timer (the
 * API's: see {@link SrsInDialog.sessionRefreshFailed}), `maxRecordingSeconds`, and a failed write
 * to the recording. Routing to these is srs-dispatch.ts's job.
 */
import type { Dialog } from '../../../include-types/api.js';
import { SipErrorCode, type SipError } from '../../../include-types/errors.js';
import { DialogState } from '../../../include-types/states.js';
import { SrsEndReason } from '../../../include-types/siprec.js';
import { MediaError, MediaErrorCode } from '../media/index.js';
import type { ServerTransaction } from '../common/api.js';
import { splitRecordingBody } from '../body/index.js';
import { checkRecordingBody } from './check-invite.js';
import type { SrsSession } from './srs-session.js';
import { RecordingState } from './storage/index.js';
import { SRS_LIMIT_DEFAULTS } from './limits.js';
import { ALLOW, reject, respond } from './srs-respond.js';
import type { SrsContext } from './srs-context.js';

/** In-dialog handling for one Srs. */
export class SrsInDialog {
  constructor(private readonly ctx: SrsContext) {}

  /** The ACK of a 2xx: when it answers an offer of ours, apply it; a missing or bad answer ends the session. */
  async onAck(tx: ServerTransaction, dialog: Dialog, s: SrsSession | undefined): Promise<void> {
    if (s) this.ctx.sessions.confirmed(s);
    if (!s || !s.awaitingAnswer) return tx.dispose();
    const me = tx.requestElements.messageElements;
    let sdp: string | undefined;
    let unreadable = false;
    try {
      sdp = splitRecordingBody(me.contentType, me.content).sdp;
    } catch {
      unreadable = true;
    }
    tx.dispose();
    const initial = s.awaitingInitialAnswer;
    const failure = unreadable ? 'ACK body unreadable' : await s.applyAckAnswer(sdp);
    if (s.isEnded) return;
    if (failure === undefined) {
      if (initial) this.ctx.sessions.started(s);
      return;
    }
    // RFC 3261 §13.3.1.4, RFC 3264 §5: an offer left unanswered ends the session with BYE.
    void this.ctx.sessions.byeAndEnd(dialog, s, SrsEndReason.Failed, failure).ended;
  }

  /** RFC 3261 §13.3.1.4: no ACK for our 2xx. */
  ackTimedOut(dialog: Dialog): void {
    const s = this.ctx.sessions.byDialog.get(dialog);
    // The API sent the BYE already; only the recording is left to close.
    if (s) void this.ctx.sessions.endSession(dialog, s, SrsEndReason.Failed, true, 'no ACK for the 2xx');
  }

  /**
   * The SRC's BYE: files closed, `sessionEnded` `bye` (its Reason header's text as the
   * `endDetail`), then 200. The 200 waits for the close (every queued write in its file, the
   * final index in place and, with `storage.durability: 'fsync'`, synced): an SRC whose BYE was
   * answered 200 knows the recording is complete on disk, and a crash after the 200 loses nothing
   * (crash recovery would otherwise mark that recording `partial`). RFC 3261 leaves the UAS its
   * time: the SRC's Timer F (64*T1) bounds it, and a retransmitted BYE is absorbed by the server
   * transaction while it is in Trying (§17.2.2). The dialog is released after the response.
   */
  onBye(tx: ServerTransaction, dialog: Dialog, s: SrsSession): void {
    const detail = reasonHeaderText(tx.requestElements.messageElements.header('Reason'));
    void this.ctx.sessions.endSession(dialog, s, SrsEndReason.Bye, false, undefined, undefined, undefined, detail).finally(() => {
      respond(tx, 200);
      s.assoc.dispose();
    });
  }

  /**
   * Any other request in a live session: OPTIONS and INFO 200 (RFC 6086 §4.2.2: an INFO in the
   * dialog is accepted; the SRS has no Info Package to refuse it on), the rest 405; each reported
   * as `sessionRequest` with what it carried.
   */
  onOther(tx: ServerTransaction, s: SrsSession): void {
    const status = tx.type === 'OPTIONS' || tx.type === 'INFO' ? 200 : 405;
    const me = tx.requestElements.messageElements;
    const contentType = me.contentType;
    respond(tx, status, undefined, [['Allow', ALLOW]]);
    this.ctx.events.emit('sessionRequest', {
      ...this.ctx.sessions.info(s), method: tx.type, statusCode: status,
      headers: me.userHeaders.map((h) => ({ name: h.name, value: h.value })),
      ...(contentType !== undefined ? { contentType } : {}), body: me.content ?? Buffer.alloc(0),
    });
  }

  /**
   * RFC 4028 §10, through the API's session timer: the INVITE association accepts the SRC's
   * Session-Expires (its 2xx names the refresher, §9), and every 2xx the SRS sends to a
   * re-INVITE/UPDATE restarts the timer. When the SRC is the refresher (`refresher=uac`) and stops
   * refreshing (it crashed, the network failed), the timer expires at interval − min(32 s,
   * interval/3), the API sends the BYE and reports `SessionTimerExpired` here; when the SRS is the
   * refresher, the API sends the refreshes, and one the SRC answers 408/481 or never answers ends
   * up here too. Either way the recording is closed (`complete`) with reason `timeout`, never left
   * open forever.
   */
  sessionRefreshFailed(error: SipError, dialog: Dialog): void {
    const { sessions } = this.ctx;
    const s = sessions.byDialog.get(dialog);
    if (!s) return;
    const expired = error.code === SipErrorCode.SessionTimerExpired;
    const detail = expired ? 'session timer expired: the SRC did not refresh the session (RFC 4028)' : `session refresh failed: ${error.message}`;
    // The API sent the BYE on expiry (and a dialog ended by 481/408 or a timeout takes no BYE):
    // only the recording is left to close. A refresh failure on a live dialog ends it with ours.
    if (expired || dialog.state === DialogState.Terminated) void sessions.endSession(dialog, s, SrsEndReason.Timeout, true, detail);
    else void sessions.byeAndEnd(dialog, s, SrsEndReason.Timeout, detail).ended;
  }

  /** re-INVITE / UPDATE in a live session (a 2xx to it also refreshes the API's session timer, RFC 4028 §9). */
  async onReinvite(tx: ServerTransaction, s: SrsSession): Promise<void> {
    const verdict = checkRecordingBody(tx.requestElements.messageElements, this.ctx.check, true);
    // RFC 3261 §14.2: a refused re-INVITE leaves the session as it was.
    if (!verdict.ok) return reject(this.ctx, tx, verdict.status, verdict.reason, { inDialog: true, ...(verdict.limit ? { limit: verdict.limit } : {}) });
    const wasPaused = s.paused;
    if (verdict.metadata) {
      const m = verdict.metadata;
      s.write(() => s.addMetadata(m));
      if (s.storageError) return reject(this.ctx, tx, 500, 'Metadata could not be stored', { inDialog: true });
    }
    // RFC 3311 §5.2: an UPDATE without an offer gets a 2xx without SDP; an offer-less re-INVITE
    // gets our offer (RFC 3261 §14.2), answered in the ACK.
    let sdp: string | undefined;
    try {
      if (verdict.offer) sdp = await s.applyOffer(verdict.offer);
      else if (tx.type === 'INVITE') sdp = s.makeReoffer();
    } catch (e) {
      const ports = e instanceof MediaError && e.code === MediaErrorCode.PortsExhausted;
      return reject(this.ctx, tx, ports ? 503 : 500, ports ? 'No media ports available' : 'Update failed', { inDialog: true, ...(ports ? { limit: 'rtpPorts' as const } : {}) });
    }
    respond(tx, 200, undefined, [['Allow', ALLOW]], sdp);
    this.ctx.events.emit('sessionUpdated', { ...this.ctx.sessions.info(s), paused: s.paused, metadataUpdated: verdict.metadata !== undefined, pauseChanged: wasPaused !== s.paused });
  }

  /**
   * `maxRecordingSeconds`: the session is ended with BYE once it has lasted that long since its
   * 2xx; the index stays `complete` and says why.
   */
  armMaxDuration(dialog: Dialog, s: SrsSession): void {
    const max = this.ctx.settings.maxRecordingSeconds ?? SRS_LIMIT_DEFAULTS.maxRecordingSeconds;
    if (!(max > 0)) return;
    s.setLimitTimer(() => {
      if (this.ctx.sessions.byDialog.get(dialog) !== s) return;
      void this.ctx.sessions.byeAndEnd(dialog, s, SrsEndReason.Limit, `maxRecordingSeconds (${max} s) reached`, 'maxRecordingSeconds').ended;
    }, max * 1000);
  }

  /** A write to a recording failed (ENOSPC, EIO): end it with what was written, BYE, index partial. */
  storageFailed(dialog: Dialog, e: unknown): void {
    const { sessions } = this.ctx;
    const s = sessions.byDialog.get(dialog);
    if (!s) return;
    const code = (e as NodeJS.ErrnoException)?.code;
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    const why = `recording could not be written (${code ?? String(e)})`;
    // Deferred: the failed write may be inside a socket handler or a sink.
    setImmediate(() => {
      if (sessions.byDialog.get(dialog) !== s) return;
      void sessions.byeAndEnd(dialog, s, full ? SrsEndReason.Limit : SrsEndReason.Failed, why, full ? 'minFreeDiskBytes' : undefined, RecordingState.Partial).ended;
    });
  }
}

/** Longest Reason text kept (it comes from the network and goes into index.json). */
const MAX_REASON_TEXT = 256;

/**
 * The words of a Reason header (RFC 3326 §2): the `text` parameter of the first value (quoted
 * string, unescaped), else the value as it came (`SIP ;cause=200`); undefined without one.
 */
export function reasonHeaderText(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = /;\s*text\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(value);
  const words = text ? text[1].replace(/\\(.)/g, '$1') : value.trim();
  return words.length > MAX_REASON_TEXT ? words.slice(0, MAX_REASON_TEXT) : words;
}
