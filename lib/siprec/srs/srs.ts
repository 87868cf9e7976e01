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
 *
 * This file keeps the public class, its settings and its life (start, drain, health, stats,
 * shutdown). Its parts, sharing an {@link SrsContext}: srs-dispatch.ts routes what the SIP
 * connection reports; srs-admission.ts takes or refuses a new INVITE; srs-in-dialog.ts follows a
 * live session (ACK, re-INVITE/UPDATE, BYE, expiry, limits); srs-sessions.ts is the live-session
 * table and how a session ends.
 */
import { mkdirSync } from 'node:fs';
import { EventEmitter } from 'eventemitter3';
import type { Clock, TransportProtocol } from '../../../include-types/settings.js';
import {
  type SrsDrainOptions, type SrsDrainResult, SrsEndReason, type SrsEvents, type SrsHealth, type SrsSessionInfo, type SrsSettings, type SrsStats,
} from '../../../include-types/siprec.js';
import type { StackStats } from '../../stack/index.js';
import { PortAllocator } from '../media/index.js';
import type { SipClient, SipConnection } from '../common/api.js';
import { policyOf, type CheckOptions } from './check-invite.js';
import type { SessionEnv } from './srs-session.js';
import { SrsAccess } from './access.js';
import { liveRecordingOf, type SrsLiveRecording } from './live-recordings.js';
import { defaultSiprecClock, epochNow, RepeatingTimer, waitAtMost } from '../common/timers.js';
import { RecordingState, recoverRecordings, type RecoveryReport } from './storage/index.js';
import { retryAfterSeconds, SRS_LIMIT_DEFAULTS, TokenBucket, validateSrsLimits } from './limits.js';
import { SrsCounters } from './srs-stats.js';
import { openSrsSip } from './srs-sip.js';
import { srsContact, srsUri } from './srs-contact.js';
import { srsTlsPlan } from '../common/tls-settings.js';
import { SrsLiveAudio } from './live-audio.js';
import { sendSnapshotRequest } from './srs-snapshot.js';
import { assessHealth } from './srs-health.js';
import { SrsDisk } from './srs-disk.js';
import { DEFAULT_DRAIN_TIMEOUT_MS, DrainRun } from './srs-drain.js';
import type { SrsContext } from './srs-context.js';
import { SrsSessions } from './srs-sessions.js';
import { SrsInDialog } from './srs-in-dialog.js';
import { SrsAdmission } from './srs-admission.js';
import { srsDispatch } from './srs-dispatch.js';

const IAP = 'srs';

/** The recording server. */
export class Srs extends EventEmitter<SrsEvents> {
  private client: SipClient | undefined;
  private connection: SipConnection | undefined;
  /** The live sessions, the set-ups in progress, and how a session ends. */
  private readonly sessions: SrsSessions;
  private readonly allocator: PortAllocator;
  private readonly check: CheckOptions;
  /** What the sessions share (see {@link sessionEnv}). */
  private env: SessionEnv | undefined;
  /** What the parts below share. */
  private readonly ctx: SrsContext;
  private readonly inDialog: SrsInDialog;
  private readonly admission: SrsAdmission;
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
  /** Of those, the ones whose index was rebuilt from their files; and the directories recovery could not mend (left as they were). */
  readonly recovery: RecoveryReport = { rebuilt: [], failed: [] };

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
    this.sessions = new SrsSessions({ counters: this.counters, events: this, drainRun: () => this.drainRun });
    this.ctx = {
      settings, check: this.check, clock: this.clock, now: this.now, allocator: this.allocator, access: this.access,
      setups: this.setups, disk: this.disk, counters: this.counters, sessions: this.sessions, events: this,
      stopping: () => this.stopping, drainRun: () => this.drainRun,
      contact: (protocol, requestUri) => srsContact(this.addresses, protocol, requestUri), sessionEnv: () => this.sessionEnv(),
    };
    this.inDialog = new SrsInDialog(this.ctx);
    this.admission = new SrsAdmission(this.ctx, this.inDialog, () => this.health());
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
      live: () => this.sessions.liveForDrain(),
      cutAll: () => {
        const why = `drain timeout (${timeoutMs} ms)`;
        for (const [dialog, s] of [...this.sessions.byDialog]) void this.sessions.byeAndEnd(dialog, s, SrsEndReason.Drain, why).ended;
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
      sessions: this.sessions.size + this.sessions.pending, maxSessions: this.settings.maxSessions ?? 1000,
      freePortPairs: this.allocator.available, portCapacity: this.allocator.capacity,
      ...(disk ? { disk } : {}), diskRetryAfter: retryAfterSeconds(this.disk.intervalMs),
    });
  }

  /** Counters and gauges since the Srs was made (the source of its /metrics). */
  stats(): SrsStats {
    return this.counters.snapshot({
      liveSessions: this.sessions.size, pendingSetups: this.sessions.pending, unconfirmedSessions: this.sessions.unconfirmed, maxSessions: this.settings.maxSessions ?? 1000,
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
      this.recovered = recoverRecordings(this.settings.dir, this.recovery);
    }
    const sip = await openSrsSip(this.settings, IAP, srsDispatch(this.ctx, this.admission, this.inDialog), (client) => { this.client = client; });
    this.connection = sip.connection;
    // Each second a fifth of the live recordings rewrite their index (so each one every ~5 s),
    // and only when something was stored: an index write costs two fsyncs (~10 ms on a busy
    // disk), and all of them at once stalled the event loop for seconds at a few hundred sessions.
    let turn = 0;
    this.checkpointTimer = new RepeatingTimer(this.clock, 1000, () => {
      const mine = turn++ % 5;
      let i = 0;
      for (const s of this.sessions.byDialog.values()) if (i++ % 5 === mine) s.write(() => s.rec?.checkpointIfChanged());
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
    if (why !== undefined) await Promise.all([...this.sessions.byDialog].map(([dialog, s]) => this.sessions.byeAndEnd(dialog, s, SrsEndReason.Limit, why, 'minFreeDiskBytes', RecordingState.Partial).ended));
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
    return [...this.sessions.byDialog.values()].map((s) => this.sessions.info(s));
  }

  /** The recordings being written now, each with a copy of its index and its pause state (read-only; see live-recordings.ts). */
  liveRecordings(): SrsLiveRecording[] {
    return [...this.sessions.byDialog.values()].map(liveRecordingOf);
  }

  /**
   * Asks the SRC of a recording for a complete metadata snapshot (RFC 7866 §9.2): an offer-less
   * re-INVITE with an application/rs-metadata-request body. The SRC answers 200 with its SDP
   * offer (answered in the ACK) and then sends the snapshot in a request of its own, which is
   * stored as the next metadata file. Resolves true on a 2xx.
   */
  requestSnapshot(recordingId: string, reason = 'SRS asks for a complete snapshot'): Promise<boolean> {
    const s = [...this.sessions.byDialog.values()].find((x) => x.recordingId === recordingId);
    return s ? sendSnapshotRequest(s, reason, this.check, this.sessions.byeWaiters) : Promise.resolve(false);
  }

  /** Ends every session with BYE, closes recordings and sockets. */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.checkpointTimer?.stop();
    this.diskTimer?.stop();
    const ends = [...this.sessions.byDialog].map(([dialog, s]) => this.sessions.byeAndEnd(dialog, s, SrsEndReason.Shutdown));
    await Promise.all(ends.map((e) => e.ended));
    await Promise.allSettled([...this.sessions.ending]);
    const byes = ends.map((e) => e.answered);
    // Give the SRCs a moment to answer the BYEs before the sockets close (bounded).
    await waitAtMost(this.clock, Promise.all(byes), 2000);
    this.connection?.dispose();
    await this.client?.close();
    this.client = undefined;
  }

  /**
   * What every session shares of the server, made once: a session keeps a reference, and an
   * object (and a closure) of its own per session would cost ~200 bytes each at 10^4 sessions.
   */
  private sessionEnv(): SessionEnv {
    this.env ??= {
      host: this.settings.host, allocator: this.allocator, media: !this.settings.signalingOnly, policy: policyOf(this.check),
      maxPacketsPerSecond: this.settings.maxRtpPacketsPerSecondPerStream ?? SRS_LIMIT_DEFAULTS.maxRtpPacketsPerSecondPerStream,
      onStorageError: (session, e) => this.inDialog.storageFailed(session.assoc.dialog, e),
      clock: this.clock, now: this.now,
      onEnded: (session) => this.counters.fold(session),
      audio: new SrsLiveAudio(this, this.settings),
    };
    return this.env;
  }
}
