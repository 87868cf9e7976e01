/**
 * A live recording session's requests and timers: the ACK (with the answer to an offer of ours),
 * the SRC's BYE, re-INVITE/UPDATE (new metadata, streams added or closed, pause/resume; a refusal
 * leaves the session as it was), OPTIONS/INFO, the RFC 4028 expiry and `maxRecordingSeconds`,
 * and a failed write to the recording. Routing to these is srs-dispatch.ts's job.
 */
import type { Dialog } from '../../../include-types/api.js';
import { SrsEndReason } from '../../../include-types/siprec.js';
import { MediaError, MediaErrorCode } from '../media/index.js';
import type { ServerTransaction } from '../common/api.js';
import { splitRecordingBody } from '../body/index.js';
import { checkRecordingBody } from './check-invite.js';
import type { SrsSession } from './srs-session.js';
import { parseSessionExpires } from '../../dialog/session-expires.js';
import { expiryMargin } from '../../dialog/session-timer.js';
import { RecordingState } from './storage/index.js';
import { SRS_LIMIT_DEFAULTS } from './limits.js';
import { ALLOW, reject, respond } from './srs-respond.js';
import type { SrsContext } from './srs-context.js';

/** In-dialog handling for one Srs. */
export class SrsInDialog {
  constructor(private readonly ctx: SrsContext) {}

  /** The ACK of a 2xx: when it answers an offer of ours, apply it; a missing or bad answer ends the session. */
  async onAck(tx: ServerTransaction, dialog: Dialog, s: SrsSession | undefined): Promise<void> {
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

  /** The SRC's BYE: 200, files closed, `sessionEnded` `bye` (its Reason header's text as the `endDetail`). */
  onBye(tx: ServerTransaction, dialog: Dialog, s: SrsSession): void {
    const detail = reasonHeaderText(tx.requestElements.messageElements.header('Reason'));
    respond(tx, 200);
    void this.ctx.sessions.endSession(dialog, s, SrsEndReason.Bye, true, undefined, undefined, undefined, detail);
  }

  /** Any other request in a live session: OPTIONS and INFO 200, the rest 405. */
  onOther(tx: ServerTransaction): void {
    respond(tx, tx.type === 'OPTIONS' || tx.type === 'INFO' ? 200 : 405, undefined, [['Allow', ALLOW]]);
  }

  /**
   * RFC 4028 §10: when the SRC asked for a session timer and stops refreshing (it crashed, or the
   * network failed), the session is ended with BYE shortly before it expires, so a recording is
   * never left open forever. Re-armed by every re-INVITE/UPDATE.
   */
  armExpiry(dialog: Dialog, s: SrsSession, tx: ServerTransaction): void {
    const value = tx.requestElements.messageElements.header('Session-Expires');
    const se = value === undefined ? undefined : parseSessionExpires(value);
    if (!se) return;
    s.setExpiry(() => {
      if (this.ctx.sessions.byDialog.get(dialog) === s) void this.ctx.sessions.byeAndEnd(dialog, s, SrsEndReason.Timeout).ended;
    }, (se.interval - expiryMargin(se.interval)) * 1000);
  }

  /** re-INVITE / UPDATE in a live session. */
  async onReinvite(tx: ServerTransaction, s: SrsSession): Promise<void> {
    this.armExpiry(s.assoc.dialog, s, tx);
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
