/**
 * Admission of a new recording: whether the SRS takes an INVITE outside a dialog, in the order of
 * the README's table (the load: shutting down, draining, `maxSessions`, `maxUnconfirmedSessions`,
 * the setup rate, asked by the stack before any transaction and again here; then access control,
 * free disk space, the body checks of check-invite.ts), then its set-up (the session, its answer
 * or offer, the 200) and the refusal of a set-up that failed (no port, full disk, the stack's
 * dialog limit). Also OPTIONS outside a dialog, answered with the health verdict.
 */
import { isSipError, SipErrorCode } from '../../../include-types/errors.js';
import { SrsEndReason } from '../../../include-types/siprec.js';
import { MediaError, MediaErrorCode } from '../media/index.js';
import { InviteDialogAssoc, type ServerTransaction } from '../common/api.js';
import { checkRecordingInvite } from './check-invite.js';
import { SrsSession } from './srs-session.js';
import { RecordingDir } from './storage/index.js';
import { retryAfterSeconds, SRS_LIMIT_DEFAULTS, storageQueue } from './limits.js';
import { healthReasonPhrase } from './srs-health.js';
import type { SrsHealth, SrsLimitName } from '../../../include-types/siprec.js';
import type { AdmissionRefusal, NewRequestInfo } from '../../../include-types/settings.js';
import { ACCEPT, ALLOW, countRefusal, reject, respond, type RejectOptions } from './srs-respond.js';
import type { SrsContext } from './srs-context.js';
import type { SrsInDialog } from './srs-in-dialog.js';

/** A refusal the SRS's load decides (see `SrsAdmission.loadVerdict`). */
interface LoadVerdict {
  status: number;
  reason: string;
  retryAfter?: number;
  limit?: SrsLimitName;
}

/** Takes or refuses new recordings for one Srs. */
export class SrsAdmission {
  constructor(
    private readonly ctx: SrsContext,
    private readonly inDialog: SrsInDialog,
    private readonly health: () => Promise<SrsHealth>,
  ) {}

  private reject(tx: ServerTransaction, status: number, reason: string, opts: RejectOptions = {}): void {
    reject(this.ctx, tx, status, reason, opts);
  }

  /** OPTIONS outside a dialog: 200 while healthy, else 503 with Retry-After (RFC 3261 §11.2, §21.5.4). */
  async options(tx: ServerTransaction): Promise<void> {
    const h = await this.health();
    const headers: [string, string][] = [['Allow', ALLOW], ['Accept', ACCEPT], ['Supported', 'siprec, timer']];
    if (h.healthy) return respond(tx, 200, undefined, headers);
    respond(tx, 503, healthReasonPhrase(h), [...(h.retryAfter !== undefined ? [['Retry-After', String(h.retryAfter)] as [string, string]] : []), ...headers]);
  }

  /**
   * The stack's admission (`SipStackSettings.admission`), asked about each new request outside a
   * dialog before any transaction is made for it: a new INVITE the SRS has no room for now
   * (shutting down, draining, `maxSessions`, `maxUnconfirmedSessions`, `maxSetupsPerSecond`) is
   * refused statelessly, with the status, reason and Retry-After it always had, counted and
   * reported as `sessionRejected` like any refusal. In a burst the SRS refuses thousands of
   * INVITEs a second; a transaction and an API object for each (held 32 s, its 503 resent by
   * Timer G) took CPU from the set-ups it could still take. These checks come before access
   * control: under load a source not allowed gets the 503 or 486, and its 403 once there is room.
   */
  loadRefusal(info: NewRequestInfo): AdmissionRefusal | undefined {
    if (info.method !== 'INVITE') return undefined;
    const load = this.loadVerdict();
    if (load === undefined) return undefined;
    const { ctx } = this;
    ctx.counters.attempt();
    const { retryAfter, event } = countRefusal(ctx, info.callId, load.status, load.reason, load);
    // after the stack's receive path: an app's listener is not the stack's business
    queueMicrotask(() => ctx.events.emit('sessionRejected', event));
    return { status: load.status, reason: load.reason, ...(retryAfter !== undefined ? { retryAfter } : {}) };
  }

  /**
   * A refusal the load decides, or undefined: shutting down, draining, `maxSessions` (486),
   * `maxUnconfirmedSessions`, an empty `maxSetupsPerSecond` bucket (503). Reads only: the setup
   * token is taken by {@link onInvite}.
   */
  private loadVerdict(): LoadVerdict | undefined {
    const closing = this.closingVerdict();
    if (closing) return closing;
    const { settings, sessions } = this.ctx;
    if (sessions.size + sessions.pending >= (settings.maxSessions ?? 1000)) return { status: 486, reason: 'Too many recording sessions', limit: 'maxSessions' };
    // A flood of INVITEs never ACKed (a spoofed source never sees the 2xx) holds its sessions until
    // Timer H: at most this many at once (RFC 3261 §21.5.4: 503 with Retry-After).
    const maxUnconfirmed = settings.maxUnconfirmedSessions ?? SRS_LIMIT_DEFAULTS.maxUnconfirmedSessions;
    if (maxUnconfirmed > 0 && sessions.unconfirmed >= maxUnconfirmed) return { status: 503, reason: 'Too many recording set-ups awaiting their ACK', limit: 'maxUnconfirmedSessions' };
    const wait = this.ctx.setups.msUntilNext();
    if (wait > 0) return { status: 503, reason: 'Too many recording setups per second', retryAfter: retryAfterSeconds(wait), limit: 'maxSetupsPerSecond' };
    return undefined;
  }

  /** Shutting down (503), or draining (RFC 3261 §21.5.4: 503 with Retry-After, so a dispatcher fails the INVITE over to another SRS). */
  private closingVerdict(): LoadVerdict | undefined {
    if (this.ctx.stopping()) return { status: 503, reason: 'Shutting down' };
    const drain = this.ctx.drainRun();
    return drain ? { status: 503, reason: 'Draining', retryAfter: drain.retryAfterSeconds() } : undefined;
  }

  /** An INVITE outside a dialog (the SRS is not shutting down). */
  admit(tx: ServerTransaction): void {
    void this.onInvite(tx);
  }

  private async onInvite(tx: ServerTransaction): Promise<void> {
    const { ctx } = this;
    const { settings, sessions } = ctx;
    const req = tx.requestElements;
    const callId = req.callId ?? '';
    // The load first, as the stack's loadRefusal() did (no transaction for those refusals), asked
    // again because several INVITEs may pass it before the first of them gets here; then who may
    // record (RFC 7866 §12): an overloaded SRS refuses before it parses anything.
    const load = this.loadVerdict();
    if (load) return this.reject(tx, load.status, load.reason, load);
    if (ctx.access.active) {
      const verdict = ctx.access.check(tx);
      if (!verdict.ok) return this.reject(tx, verdict.status, verdict.reason, { headers: verdict.headers });
    }
    if (!ctx.setups.take()) {
      return this.reject(tx, 503, 'Too many recording setups per second', { retryAfter: retryAfterSeconds(ctx.setups.msUntilNext()), limit: 'maxSetupsPerSecond' });
    }
    sessions.pending++;
    let assoc: InviteDialogAssoc | undefined;
    let session: SrsSession | undefined;
    try {
      const full = await ctx.disk.refusal();
      if (full !== undefined) return this.reject(tx, 503, full, { retryAfter: retryAfterSeconds(ctx.disk.intervalMs), limit: 'minFreeDiskBytes' });
      // stopping or draining may have begun while the disk was asked
      const closing = this.closingVerdict();
      if (closing) return this.reject(tx, closing.status, closing.reason, closing);
      const verdict = checkRecordingInvite(req.messageElements, ctx.check);
      if (!verdict.ok) return this.reject(tx, verdict.status, verdict.reason, verdict.limit ? { limit: verdict.limit } : {});
      // The association runs the RFC 4028 session timer the SRC asks for (srs-in-dialog.ts, sessionRefreshFailed).
      assoc = InviteDialogAssoc.fromServerTransaction(tx, { contact: ctx.contact(tx.remote?.protocol, req.remoteUri) });
      // Off the event loop (storage/recording-dir.ts): a burst of set-ups must not stall live RTP.
      const rec = settings.signalingOnly ? undefined : await RecordingDir.create({ root: settings.dir, recordingId: callId, now: ctx.now, queue: storageQueue(settings.storage) });
      session = new SrsSession(callId, assoc, rec, ctx.sessionEnv());
      ctx.counters.track(session);
      if (verdict.metadata) session.addMetadata(verdict.metadata);
      // RFC 7866 §7.1.2: without an offer the SRS offers, one stream per metadata stream.
      const answer = verdict.offer ? await session.applyOffer(verdict.offer) : await session.makeInitialOffer(this.offerLabels(verdict.metadata));
      // The 200 tells the SRC it is recorded: only once an fsynced index naming the streams and
      // the metadata is on disk (a failed write, e.g. ENOSPC, refuses the session below).
      await rec?.durable();
      if (!tx.responseAllowed) {
        await session.end(SrsEndReason.Canceled);
        return;
      }
      respond(tx, 200, undefined, [['Allow', ALLOW], ['Supported', 'siprec'], ['Accept', ACCEPT]], answer);
      sessions.byDialog.set(assoc.dialog, session);
      sessions.answered(session);
      this.inDialog.armMaxDuration(assoc.dialog, session);
      // An offer-less session starts once the SRC's answer in the ACK is applied (onAck).
      if (!session.awaitingAnswer) sessions.started(session);
      // Set up while a drain's timeout passed: cut like the rest.
      if (this.drainCutting()) void sessions.byeAndEnd(assoc.dialog, session, SrsEndReason.Drain, 'drain timeout').ended;
    } catch (e) {
      const ports = e instanceof MediaError && e.code === MediaErrorCode.PortsExhausted;
      const code = (e as NodeJS.ErrnoException)?.code;
      const full = code === 'ENOSPC' || code === 'EDQUOT';
      // The stack's limits.maxDialogs: refused like the SRS's own session limit, to be retried.
      const dialogs = isSipError(e, SipErrorCode.LimitExceeded);
      const detail = ports ? 'no media ports available' : full ? `disk full (${code})` : `set-up failed: ${e instanceof Error ? e.message : String(e)}`;
      // The index says what happened: `partial` for a full disk, `failed` otherwise (it never started).
      await session?.end(full ? SrsEndReason.Limit : SrsEndReason.Failed, true, full ? 'partial' : true, detail);
      if (!session) assoc?.dispose();
      if (!tx.responseAllowed) tx.dispose();
      else if (ports) this.reject(tx, 503, 'No media ports available', { limit: 'rtpPorts' });
      else if (full) this.reject(tx, 503, 'Insufficient disk space', { retryAfter: retryAfterSeconds(ctx.disk.intervalMs), limit: 'minFreeDiskBytes' });
      else if (dialogs) this.reject(tx, 503, 'Too many dialogs', { limit: 'maxDialogs' });
      else this.reject(tx, 500, 'Recording could not start');
    } finally {
      sessions.pending--;
      ctx.drainRun()?.check();
    }
  }

  /** True once a drain's timeout passed (read after an await: the field may have changed). */
  private drainCutting(): boolean {
    return this.ctx.drainRun()?.timedOut === true;
  }

  /** Labels of the streams the SRS offers for an offer-less INVITE: the metadata's, else 1..n. */
  private offerLabels(metadata: { parsed: { streams: { label?: string }[] } } | undefined): string[] {
    const labels: string[] = [];
    for (const st of metadata?.parsed.streams ?? []) if (st.label !== undefined && st.label !== '' && !labels.includes(st.label)) labels.push(st.label);
    if (labels.length > 0) return labels;
    return Array.from({ length: Math.max(1, this.ctx.settings.offerlessStreams ?? 2) }, (_, i) => String(i + 1));
  }
}
