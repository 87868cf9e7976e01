/**
 * Srs: a Session Recording Server on the SIP Client API (DESIGN §4, seeds 002/003). It takes
 * SIPREC INVITEs on its own SipClient/SipConnection, checks them (check-invite.ts; 486 past the
 * session limit, 503 when no RTP port is left), answers 200 with `+sip.srs` and a recvonly SDP
 * (or, for an INVITE without an offer, offers in the 200 and takes the SRC's answer from the
 * ACK), receives each stream into the recording's storage (media-plan.ts says how, per kind),
 * and follows re-INVITE/UPDATE and BYE. Its limits (limits.ts, SrsSettings): sessions (486), setup
 * rate and free disk space (503 + Retry-After), metadata size (413), recording length and disk
 * space while recording (BYE, index says why), datagrams per stream and second (dropped, counted);
 * the stack's transport and transaction limits are the app's to set.
 */
import { mkdirSync } from 'node:fs';
import { EventEmitter } from 'eventemitter3';
import type { Dialog } from '../../../include-types/api.js';
import type { Clock, TransportProtocol } from '../../../include-types/settings.js';
import { isSipError, SipErrorCode } from '../../../include-types/errors.js';
import {
  type SrsDrainOptions, type SrsDrainResult, SrsEndReason, type SrsEvents, type SrsHealth, type SrsLimitName, type SrsSessionInfo, type SrsSettings, type SrsStats,
} from '../../../include-types/siprec.js';
import type { StackStats } from '../../stack/index.js';
import { MediaError, MediaErrorCode, PortAllocator } from '../media/index.js';
import {
  InviteDialogAssoc, SipClient, SipConnection, type ClientTransaction, type ServerTransaction,
} from '../common/api.js';
import { splitRecordingBody } from '../body/index.js';
import { checkRecordingBody, checkRecordingInvite, policyOf, type CheckOptions } from './check-invite.js';
import { SrsSession, type SessionEnv } from './srs-session.js';
import { SrsAccess } from './access.js';
import { liveRecordingOf, type SrsLiveRecording } from './live-recordings.js';
import { parseSessionExpires } from '../../dialog/session-expires.js';
import { expiryMargin } from '../../dialog/session-timer.js';
import { defaultSiprecClock, epochNow, RepeatingTimer, waitAtMost } from '../common/timers.js';
import { RecordingDir, RecordingState, recoverRecordings } from './storage/index.js';
import { retryAfterSeconds, SRS_LIMIT_DEFAULTS, TokenBucket, validateSrsLimits } from './limits.js';
import { SrsCounters } from './srs-stats.js';
import { openSrsSip } from './srs-sip.js';
import { srsContact, srsUri } from './srs-contact.js';
import { srsTlsPlan } from '../common/tls-settings.js';
import { sendSnapshotRequest } from './srs-snapshot.js';
import { respond } from './srs-respond.js';
import { assessHealth, healthReasonPhrase } from './srs-health.js';
import { SrsDisk } from './srs-disk.js';
import { DEFAULT_DRAIN_TIMEOUT_MS, DrainRun } from './srs-drain.js';
import { SrsLiveAudio } from './live-audio.js';

const IAP = 'srs';
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE';
const ACCEPT = 'application/sdp, application/rs-metadata+xml, multipart/mixed';

/** The recording server. */
export class Srs extends EventEmitter<SrsEvents> {
  private client: SipClient | undefined;
  private connection: SipConnection | undefined;
  private readonly sessions = new Map<Dialog, SrsSession>();
  /** Our own requests in dialogs (BYE, snapshot re-INVITE) waiting for their final response. */
  private readonly byeWaiters = new Map<ClientTransaction, () => void>();
  private readonly allocator: PortAllocator;
  private readonly check: CheckOptions;
  /** What the sessions share (see {@link sessionEnv}). */
  private env: SessionEnv | undefined;
  private pending = 0;
  /**
   * Sessions ending (their recordings' files being written out and closed): still live for a
   * drain, and shutdown waits for them.
   */
  private readonly ending = new Set<Promise<void>>();
  private checkpointTimer: RepeatingTimer | undefined;
  private diskTimer: RepeatingTimer | undefined;
  /** Time source of every timer (SrsSettings.clock, else real time). */
  private readonly clock: Clock;
  /** Epoch ms on that clock (Date.now without an app clock). */
  private readonly now: () => number;
  private readonly setups: TokenBucket;
  /** Allow-list and Digest authentication of SRCs. */
  private readonly access: SrsAccess;
  private stopping = false;
  /** Outcome and media counters (see {@link stats}). */
  private readonly counters = new SrsCounters();
  /** The drain in progress or done, once `drain()` was called. */
  private drainRun: DrainRun | undefined;
  /** Free-space checks of `dir` (`minFreeDiskBytes`). */
  private readonly disk: SrsDisk;
  /** Recordings a crash left behind, repaired at start. */
  recovered: string[] = [];

  /**
   * @param settings - see {@link SrsSettings}
   * @throws SipError(InvalidArgument) for a limit that is negative, not a number, or not whole where it must be,
   *   or for TLS settings that cannot be used (see {@link SrsSettings.tls})
   */
  constructor(readonly settings: SrsSettings) {
    super();
    validateSrsLimits(settings);
    srsTlsPlan(settings); // SipError(InvalidArgument) for bad TLS settings
    this.clock = settings.clock ?? defaultSiprecClock();
    this.now = epochNow(settings.clock);
    this.access = new SrsAccess(settings.allowedSources, settings.auth, this.now);
    this.allocator = new PortAllocator({ min: settings.rtpPortMin ?? 40000, max: settings.rtpPortMax ?? 49999 });
    const kinds = settings.mediaKinds ?? ['audio', 'video', 'text', 'message'];
    this.check = {
      codecs: settings.codecs ?? ['PCMU', 'PCMA'], requireMetadata: settings.requireMetadata ?? false,
      maxMetadataBytes: settings.maxMetadataBytes ?? SRS_LIMIT_DEFAULTS.maxMetadataBytes,
      media: {
        kinds, msrp: kinds.includes('message'),
        ...(settings.rawCodecs ? { rawCodecs: settings.rawCodecs } : {}), ...(settings.codecs ? { audioCodecs: settings.codecs } : {}),
        ...(settings.srtp ? { srtp: settings.srtp } : {}),
      },
    };
    this.setups = new TokenBucket(settings.maxSetupsPerSecond ?? SRS_LIMIT_DEFAULTS.maxSetupsPerSecond, this.now);
    this.disk = new SrsDisk(settings, this.now);
  }

  /** A one-shot timer on the Srs's clock (the drain deadline); returns the cancel. */
  private after(ms: number, fn: () => void): () => void {
    const t = this.clock.setTimer(fn, ms);
    return () => this.clock.clearTimer(t);
  }

  /**
   * Drains the SRS gracefully: from now on new recordings are refused (OPTIONS and INVITE 503
   * with Retry-After, so a dispatcher takes this SRS out of rotation and fails the INVITE over);
   * live recordings run on to their SRC's BYE. Resolves when none is left; when `timeoutMs`
   * passes first, the SRS sends BYE to the rest and closes their files as `complete` with
   * `endReason` "drain timeout". Emits `drainStarted` and `drainEnded`. Calling it again returns
   * the same drain; the SRS stays refusing afterwards (call `shutdown()` to stop it).
   */
  drain(options: SrsDrainOptions = {}): Promise<SrsDrainResult> {
    if (this.drainRun) return this.drainRun.done;
    const timeoutMs = Math.max(0, options.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    const run = new DrainRun({
      live: () => this.sessions.size + this.pending + this.ending.size,
      cutAll: () => {
        const why = `drain timeout (${timeoutMs} ms)`;
        for (const [dialog, s] of [...this.sessions]) void this.byeAndEnd(dialog, s, SrsEndReason.Drain, why).ended;
      },
      after: (ms, fn) => this.after(ms, fn),
      now: () => this.now(),
    }, timeoutMs, (r) => this.emit('drainEnded', r));
    this.drainRun = run;
    this.emit('drainStarted', { live: run.live, timeoutMs });
    run.begin();
    return run.done;
  }

  /** True once `drain()` or `shutdown()` was called: no new recording is taken. */
  get draining(): boolean {
    return this.drainRun !== undefined || this.stopping;
  }

  /**
   * Whether the SRS takes new recordings now, and if not why (draining, low disk, no RTP ports,
   * at maxSessions). OPTIONS outside a dialog is answered 200 when healthy, else 503 with this
   * Retry-After; /healthz says the same over HTTP.
   */
  async health(): Promise<SrsHealth> {
    const disk = this.settings.signalingOnly ? undefined : { floor: this.disk.floor, ...(await this.disk.cached.read()) };
    return assessHealth({
      ...(this.draining ? { draining: { why: this.stopping ? 'shutting down' : 'draining: live recordings run to their end, new ones are refused', ...(this.drainRun ? { retryAfter: this.drainRun.retryAfterSeconds() } : {}) } } : {}),
      sessions: this.sessions.size + this.pending, maxSessions: this.settings.maxSessions ?? 1000,
      freePortPairs: this.allocator.available, portCapacity: this.allocator.capacity,
      ...(disk ? { disk } : {}), diskRetryAfter: retryAfterSeconds(this.disk.intervalMs),
    });
  }

  /** Counters and gauges since the Srs was made (the source of its /metrics). */
  stats(): SrsStats {
    return this.counters.snapshot({
      liveSessions: this.sessions.size, pendingSetups: this.pending, maxSessions: this.settings.maxSessions ?? 1000,
      draining: this.draining, ports: { capacity: this.allocator.capacity, inUse: this.allocator.inUse },
    });
  }

  /** The SIP stack's transaction, dialog and transport counters (undefined before start / after shutdown). */
  sipStats(): StackStats | undefined {
    return this.client?.stack.stats();
  }

  /** Binds the SIP sockets and waits until the connection is Active. */
  async start(): Promise<void> {
    if (this.client) return;
    if (!this.settings.signalingOnly) {
      mkdirSync(this.settings.dir, { recursive: true });
      this.recovered = recoverRecordings(this.settings.dir);
    }
    const sip = await openSrsSip(this.settings, IAP, {
      request: (tx) => this.onRequest(tx), inDialog: (tx, dialog) => this.onInDialog(tx, dialog),
      finalInDialog: (tx) => this.byeDone(tx), ackTimedOut: (dialog) => this.ackTimedOut(dialog),
    }, (client) => { this.client = client; });
    this.connection = sip.connection;
    // Each second a fifth of the live recordings rewrite their index (so each one every ~5 s),
    // and only when something was stored: an index write costs two fsyncs (~10 ms on a busy
    // disk), and all of them at once stalled the event loop for seconds at a few hundred sessions.
    let turn = 0;
    this.checkpointTimer = new RepeatingTimer(this.clock, 1000, () => {
      const mine = turn++ % 5;
      let i = 0;
      for (const s of this.sessions.values()) if (i++ % 5 === mine) s.write(() => s.rec?.checkpointIfChanged());
    });
    if (this.disk.floor > 0) this.diskTimer = new RepeatingTimer(this.clock, this.disk.intervalMs, () => void this.checkDisk());
  }

  /**
   * The periodic free-space check: below `minFreeDiskBytes` every live recording is ended (files
   * closed, index partial with the reason, BYE) before a write can fail half-way. Exposed for
   * tests; resolves with the free bytes seen (undefined when the probe failed or nothing is live).
   */
  async checkDisk(): Promise<number | undefined> {
    if (this.stopping || this.sessions.size === 0) return undefined;
    const r = await this.disk.check();
    const why = r?.low;
    if (why !== undefined) await Promise.all([...this.sessions].map(([dialog, s]) => this.byeAndEnd(dialog, s, SrsEndReason.Limit, why, 'minFreeDiskBytes', RecordingState.Partial).ended));
    return r?.free;
  }

  /** The bound SIP sockets. */
  get addresses(): { protocol: string; address: string; port: number }[] {
    if (!this.client) return [];
    return this.client.stack.boundAddresses(IAP).map((b) => ({ protocol: b.protocol, address: b.address, port: b.port }));
  }

  /**
   * A SIP URI of this SRS for a transport (default the first bound); `uri('tls', 'sips')` (or
   * `uri(undefined, 'sips')`) is its `sips:` URI (RFC 3261 §26.2.2).
   */
  uri(protocol?: TransportProtocol, scheme: 'sip' | 'sips' = 'sip'): string {
    return srsUri(this.addresses, protocol, scheme);
  }

  /** Live API objects of the server's client by class (a leak check: only the connection once idle). */
  liveObjects(): Record<string, number> {
    return this.client?.liveObjects() ?? {};
  }

  /** Sessions in progress. */
  get activeSessions(): number {
    return this.sessions.size;
  }

  /** Info on the sessions in progress. */
  sessionInfos(): SrsSessionInfo[] {
    return [...this.sessions.values()].map((s) => this.info(s));
  }

  /** The recordings being written now, each with a copy of its index and its pause state (read-only; see live-recordings.ts). */
  liveRecordings(): SrsLiveRecording[] {
    return [...this.sessions.values()].map(liveRecordingOf);
  }

  /**
   * Asks the SRC of a recording for a complete metadata snapshot (RFC 7866 §9.2): an offer-less
   * re-INVITE with an application/rs-metadata-request body. The SRC answers 200 with its SDP
   * offer (answered in the ACK) and then sends the snapshot in a request of its own, which is
   * stored as the next metadata file. Resolves true on a 2xx.
   */
  requestSnapshot(recordingId: string, reason = 'SRS asks for a complete snapshot'): Promise<boolean> {
    const s = [...this.sessions.values()].find((x) => x.recordingId === recordingId);
    return s ? sendSnapshotRequest(s, reason, this.check, this.byeWaiters) : Promise.resolve(false);
  }

  /** Ends every session with BYE, closes recordings and sockets. */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.checkpointTimer?.stop();
    this.diskTimer?.stop();
    const ends = [...this.sessions].map(([dialog, s]) => this.byeAndEnd(dialog, s, SrsEndReason.Shutdown));
    await Promise.all(ends.map((e) => e.ended));
    await Promise.allSettled([...this.ending]);
    const byes = ends.map((e) => e.answered);
    // Give the SRCs a moment to answer the BYEs before the sockets close (bounded).
    await waitAtMost(this.clock, Promise.all(byes), 2000);
    this.connection?.dispose();
    await this.client?.close();
    this.client = undefined;
  }

  private info(s: SrsSession): SrsSessionInfo {
    return { recordingId: s.recordingId, dir: s.rec?.dir ?? '', labels: s.labels };
  }

  private onRequest(tx: ServerTransaction): void {
    if (tx.type === 'INVITE') this.counters.attempt();
    if (this.stopping) return tx.type === 'INVITE' ? this.reject(tx, 503, 'Shutting down') : respond(tx, 503, 'Shutting down');
    if (tx.type === 'OPTIONS') return void this.onOptions(tx);
    if (tx.type !== 'INVITE') return respond(tx, 405, undefined, [['Allow', ALLOW]]);
    // RFC 3261 §21.5.4: 503 with Retry-After, so a dispatcher fails the INVITE over to another SRS.
    if (this.drainRun) return this.reject(tx, 503, 'Draining', { retryAfter: this.drainRun.retryAfterSeconds() });
    void this.onInvite(tx);
  }

  /** OPTIONS outside a dialog: 200 while healthy, else 503 with Retry-After (RFC 3261 §11.2, §21.5.4). */
  private async onOptions(tx: ServerTransaction): Promise<void> {
    const h = await this.health();
    const headers: [string, string][] = [['Allow', ALLOW], ['Accept', ACCEPT], ['Supported', 'siprec, timer']];
    if (h.healthy) return respond(tx, 200, undefined, headers);
    respond(tx, 503, healthReasonPhrase(h), [...(h.retryAfter !== undefined ? [['Retry-After', String(h.retryAfter)] as [string, string]] : []), ...headers]);
  }

  /**
   * Refuses a request: the response (486/503 with Retry-After, default 5 s) and `sessionRejected`.
   * `inDialog`: a re-INVITE/UPDATE of a live session, which goes on as it was.
   */
  private reject(tx: ServerTransaction, status: number, reason: string, opts: { retryAfter?: number; limit?: SrsLimitName; inDialog?: boolean; headers?: [string, string][] } = {}): void {
    const callId = tx.requestElements.callId ?? '';
    const retryAfter = opts.retryAfter ?? (status === 486 || status === 503 ? 5 : undefined);
    const headers: [string, string][] = [...(retryAfter !== undefined ? [['Retry-After', String(retryAfter)] as [string, string]] : []), ...(opts.headers ?? [])];
    respond(tx, status, reason, headers);
    if (!opts.inDialog) this.counters.reject(status);
    this.emit('sessionRejected', {
      recordingId: callId, statusCode: status, reason,
      ...(retryAfter !== undefined ? { retryAfter } : {}), ...(opts.limit ? { limit: opts.limit } : {}), ...(opts.inDialog ? { inDialog: true } : {}),
    });
  }

  private async onInvite(tx: ServerTransaction): Promise<void> {
    const req = tx.requestElements;
    const callId = req.callId ?? '';
    // Who may record first (RFC 7866 §12), then the limits: an overloaded SRS refuses before it parses anything.
    if (this.access.active) {
      const verdict = this.access.check(tx);
      if (!verdict.ok) return this.reject(tx, verdict.status, verdict.reason, { headers: verdict.headers });
    }
    if (this.sessions.size + this.pending >= (this.settings.maxSessions ?? 1000)) return this.reject(tx, 486, 'Too many recording sessions', { limit: 'maxSessions' });
    if (!this.setups.take()) {
      return this.reject(tx, 503, 'Too many recording setups per second', { retryAfter: retryAfterSeconds(this.setups.msUntilNext()), limit: 'maxSetupsPerSecond' });
    }
    this.pending++;
    let assoc: InviteDialogAssoc | undefined;
    let session: SrsSession | undefined;
    try {
      const full = await this.disk.refusal();
      if (full !== undefined) return this.reject(tx, 503, full, { retryAfter: retryAfterSeconds(this.disk.intervalMs), limit: 'minFreeDiskBytes' });
      if (this.stopping) return this.reject(tx, 503, 'Shutting down');
      if (this.drainRun) return this.reject(tx, 503, 'Draining', { retryAfter: this.drainRun.retryAfterSeconds() });
      const verdict = checkRecordingInvite(req.messageElements, this.check);
      if (!verdict.ok) return this.reject(tx, verdict.status, verdict.reason, verdict.limit ? { limit: verdict.limit } : {});
      assoc = InviteDialogAssoc.fromServerTransaction(tx, { contact: srsContact(this.addresses, tx.remote?.protocol, req.remoteUri) });
      const rec = this.settings.signalingOnly ? undefined : RecordingDir.create({ root: this.settings.dir, recordingId: callId, now: this.now });
      session = new SrsSession(callId, assoc, rec, this.sessionEnv());
      this.counters.track(session);
      if (verdict.metadata) session.addMetadata(verdict.metadata);
      // RFC 7866 §7.1.2: without an offer the SRS offers, one stream per metadata stream.
      const answer = verdict.offer ? await session.applyOffer(verdict.offer) : await session.makeInitialOffer(this.offerLabels(verdict.metadata));
      if (!tx.responseAllowed) {
        await session.end('canceled');
        return;
      }
      respond(tx, 200, undefined, [['Allow', ALLOW], ['Supported', 'siprec'], ['Accept', ACCEPT]], answer);
      this.sessions.set(assoc.dialog, session);
      this.armExpiry(assoc.dialog, session, tx);
      this.armMaxDuration(assoc.dialog, session);
      // An offer-less session starts once the SRC's answer in the ACK is applied (onAck).
      if (!session.awaitingAnswer) this.started(session);
      // Set up while a drain's timeout passed: cut like the rest.
      if (this.drainCutting()) void this.byeAndEnd(assoc.dialog, session, SrsEndReason.Drain, 'drain timeout').ended;
    } catch (e) {
      const ports = e instanceof MediaError && e.code === MediaErrorCode.PortsExhausted;
      const code = (e as NodeJS.ErrnoException)?.code;
      const full = code === 'ENOSPC' || code === 'EDQUOT';
      // The stack's limits.maxDialogs: refused like the SRS's own session limit, to be retried.
      const dialogs = isSipError(e, SipErrorCode.LimitExceeded);
      await session?.end(ports ? 'no ports' : full ? 'disk full' : 'error', true, full ? 'partial' : false);
      if (!session) assoc?.dispose();
      if (!tx.responseAllowed) tx.dispose();
      else if (ports) this.reject(tx, 503, 'No media ports available', { limit: 'rtpPorts' });
      else if (full) this.reject(tx, 503, 'Insufficient disk space', { retryAfter: retryAfterSeconds(this.disk.intervalMs), limit: 'minFreeDiskBytes' });
      else if (dialogs) this.reject(tx, 503, 'Too many dialogs', { limit: 'maxDialogs' });
      else this.reject(tx, 500, 'Recording could not start');
    } finally {
      this.pending--;
      this.drainRun?.check();
    }
  }

  /** True once a drain's timeout passed (read after an await: the field may have changed). */
  private drainCutting(): boolean {
    return this.drainRun?.timedOut === true;
  }

  private started(s: SrsSession): void {
    this.counters.start();
    this.emit('sessionStarted', this.info(s));
  }

  /** Labels of the streams the SRS offers for an offer-less INVITE: the metadata's, else 1..n. */
  private offerLabels(metadata: { parsed: { streams: { label?: string }[] } } | undefined): string[] {
    const labels: string[] = [];
    for (const st of metadata?.parsed.streams ?? []) if (st.label !== undefined && st.label !== '' && !labels.includes(st.label)) labels.push(st.label);
    if (labels.length > 0) return labels;
    return Array.from({ length: Math.max(1, this.settings.offerlessStreams ?? 2) }, (_, i) => String(i + 1));
  }

  /** The ACK of a 2xx: when it answers an offer of ours, apply it; a missing or bad answer ends the session. */
  private async onAck(tx: ServerTransaction, dialog: Dialog, s: SrsSession | undefined): Promise<void> {
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
      if (initial) this.started(s);
      return;
    }
    // RFC 3261 §13.3.1.4, RFC 3264 §5: an offer left unanswered ends the session with BYE.
    void this.byeAndEnd(dialog, s, SrsEndReason.Failed, failure).ended;
  }

  private ackTimedOut(dialog: Dialog): void {
    const s = this.sessions.get(dialog);
    // The API sent the BYE already; only the recording is left to close.
    if (s) void this.endSession(dialog, s, SrsEndReason.Failed, true, 'no ACK for the 2xx');
  }

  private onInDialog(tx: ServerTransaction, dialog: Dialog): void {
    const s = this.sessions.get(dialog);
    if (tx.type === 'ACK') return void this.onAck(tx, dialog, s);
    if (!s) return respond(tx, 481);
    if (tx.type === 'BYE') {
      respond(tx, 200);
      void this.endSession(dialog, s, SrsEndReason.Bye);
      return;
    }
    if (tx.type === 'INVITE' || tx.type === 'UPDATE') {
      void this.onReinvite(tx, s);
      return;
    }
    respond(tx, tx.type === 'OPTIONS' || tx.type === 'INFO' ? 200 : 405, undefined, [['Allow', ALLOW]]);
  }

  /**
   * RFC 4028 §10: when the SRC asked for a session timer and stops refreshing (it crashed, or the
   * network failed), the session is ended with BYE shortly before it expires, so a recording is
   * never left open forever. Re-armed by every re-INVITE/UPDATE.
   */
  private armExpiry(dialog: Dialog, s: SrsSession, tx: ServerTransaction): void {
    const value = tx.requestElements.messageElements.header('Session-Expires');
    const se = value === undefined ? undefined : parseSessionExpires(value);
    if (!se) return;
    s.setExpiry(() => {
      if (this.sessions.get(dialog) === s) void this.byeAndEnd(dialog, s, SrsEndReason.Timeout).ended;
    }, (se.interval - expiryMargin(se.interval)) * 1000);
  }

  private async onReinvite(tx: ServerTransaction, s: SrsSession): Promise<void> {
    this.armExpiry(s.assoc.dialog, s, tx);
    const verdict = checkRecordingBody(tx.requestElements.messageElements, this.check, true);
    // RFC 3261 §14.2: a refused re-INVITE leaves the session as it was.
    if (!verdict.ok) return this.reject(tx, verdict.status, verdict.reason, { inDialog: true, ...(verdict.limit ? { limit: verdict.limit } : {}) });
    const wasPaused = s.paused;
    if (verdict.metadata) {
      const m = verdict.metadata;
      s.write(() => s.addMetadata(m));
      if (s.storageError) return this.reject(tx, 500, 'Metadata could not be stored', { inDialog: true });
    }
    // RFC 3311 §5.2: an UPDATE without an offer gets a 2xx without SDP; an offer-less re-INVITE
    // gets our offer (RFC 3261 §14.2), answered in the ACK.
    let sdp: string | undefined;
    try {
      if (verdict.offer) sdp = await s.applyOffer(verdict.offer);
      else if (tx.type === 'INVITE') sdp = s.makeReoffer();
    } catch (e) {
      const ports = e instanceof MediaError && e.code === MediaErrorCode.PortsExhausted;
      return this.reject(tx, ports ? 503 : 500, ports ? 'No media ports available' : 'Update failed', { inDialog: true, ...(ports ? { limit: 'rtpPorts' as const } : {}) });
    }
    respond(tx, 200, undefined, [['Allow', ALLOW]], sdp);
    this.emit('sessionUpdated', { ...this.info(s), paused: s.paused, metadataUpdated: verdict.metadata !== undefined, pauseChanged: wasPaused !== s.paused });
  }

  /**
   * `maxRecordingSeconds`: the session is ended with BYE once it has lasted that long since its
   * 2xx; the index stays `complete` and says why.
   */
  private armMaxDuration(dialog: Dialog, s: SrsSession): void {
    const max = this.settings.maxRecordingSeconds ?? SRS_LIMIT_DEFAULTS.maxRecordingSeconds;
    if (!(max > 0)) return;
    s.setLimitTimer(() => {
      if (this.sessions.get(dialog) !== s) return;
      void this.byeAndEnd(dialog, s, SrsEndReason.Limit, `maxRecordingSeconds (${max} s) reached`, 'maxRecordingSeconds').ended;
    }, max * 1000);
  }

  /** A write to a recording failed (ENOSPC, EIO): end it with what was written, BYE, index partial. */
  /**
   * What every session shares of the server, made once: a session keeps a reference, and an
   * object (and a closure) of its own per session would cost ~200 bytes each at 10^4 sessions.
   */
  private sessionEnv(): SessionEnv {
    this.env ??= {
      host: this.settings.host, allocator: this.allocator, media: !this.settings.signalingOnly, policy: policyOf(this.check),
      maxPacketsPerSecond: this.settings.maxRtpPacketsPerSecondPerStream ?? SRS_LIMIT_DEFAULTS.maxRtpPacketsPerSecondPerStream,
      onStorageError: (session, e) => this.storageFailed(session.assoc.dialog, e),
      clock: this.clock, now: this.now,
      onEnded: (session) => this.counters.fold(session),
      audio: new SrsLiveAudio(this, this.settings),
    };
    return this.env;
  }

  private storageFailed(dialog: Dialog, e: unknown): void {
    const s = this.sessions.get(dialog);
    if (!s) return;
    const code = (e as NodeJS.ErrnoException)?.code;
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    const why = `recording could not be written (${code ?? String(e)})`;
    // Deferred: the failed write may be inside a socket handler or a sink.
    setImmediate(() => {
      if (this.sessions.get(dialog) !== s) return;
      void this.byeAndEnd(dialog, s, full ? SrsEndReason.Limit : SrsEndReason.Failed, why, full ? 'minFreeDiskBytes' : undefined, RecordingState.Partial).ended;
    });
  }

  /** Ends a session from our side: BYE, files closed; the dialog is released once the BYE is answered. */
  private byeAndEnd(
    dialog: Dialog, s: SrsSession, reason: Exclude<SrsEndReason, typeof SrsEndReason.Bye>, failure?: string,
    limit?: SrsLimitName, state?: 'partial',
  ): { answered: Promise<void>; ended: Promise<void> } {
    let answered: Promise<void> = Promise.resolve();
    try {
      const tx = s.assoc.sendBye();
      answered = new Promise<void>((resolve) => this.byeWaiters.set(tx, () => {
        tx.dispose();
        s.assoc.dispose();
        resolve();
      }));
    } catch {
      // the dialog is gone already
    }
    return { answered, ended: this.endSession(dialog, s, reason, false, failure, limit, state) };
  }

  private byeDone(tx: ClientTransaction): void {
    const w = this.byeWaiters.get(tx);
    if (!w) return;
    this.byeWaiters.delete(tx);
    w();
  }

  private async endSession(
    dialog: Dialog, s: SrsSession, reason: SrsEndReason, disposeDialog = true, failure?: string,
    limit?: SrsLimitName, state?: 'partial',
  ): Promise<void> {
    if (!this.sessions.delete(dialog) && s.isEnded) return;
    const info = this.info(s);
    const failed = state ?? reason === SrsEndReason.Failed;
    const ending = s.end(failure ?? reason, disposeDialog, failed);
    this.ending.add(ending);
    try { await ending; } finally { this.ending.delete(ending); }
    this.counters.end(reason, failed === false);
    this.drainRun?.ended(reason);
    this.emit('sessionEnded', { ...info, reason, ...(failure !== undefined ? { failure } : {}), ...(limit ? { limit } : {}) });
    this.drainRun?.check();
  }
}
