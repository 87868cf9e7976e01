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
import type { Dialog, DialogAssoc, Transaction } from '../../../include-types/api.js';
import type { TransportProtocol } from '../../../include-types/settings.js';
import { ConnectionState } from '../../../include-types/states.js';
import { isSipError, SipErrorCode } from '../../../include-types/errors.js';
import type { SrsEvents, SrsLimitName, SrsSessionInfo, SrsSettings } from '../../../include-types/siprec.js';
import { MediaError, MediaErrorCode, PortAllocator } from '../media/index.js';
import { buildSnapshotRequest, SNAPSHOT_REQUEST_CONTENT_TYPE } from '../metadata/index.js';
import {
  InviteDialogAssoc, MessageElements, ResponseElements, SipClient, SipConnection, type ClientTransaction, type ServerTransaction,
} from '../common/api.js';
import { ObserverBase } from '../common/observer.js';
import { freeSipPort } from '../common/ports.js';
import { splitRecordingBody } from '../body/index.js';
import { checkRecordingBody, checkRecordingInvite, policyOf, type CheckOptions } from './check-invite.js';
import { SrsSession, type SessionEnv } from './srs-session.js';
import { SrsAccess } from './access.js';
import { parseSessionExpiresHeader } from '../common/session-expires.js';
import { RecordingDir, RecordingState, recoverRecordings } from './storage/index.js';
import { bytesText, defaultStatfs, freeBytes, retryAfterSeconds, SRS_LIMIT_DEFAULTS, TokenBucket, validateSrsLimits } from './limits.js';

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
  private checkpointTimer: NodeJS.Timeout | undefined;
  /** Sessions ending (their recordings' files being written out and closed): shutdown waits for them. */
  private readonly ending = new Set<Promise<void>>();
  private diskTimer: NodeJS.Timeout | undefined;
  private diskChecking = false;
  private readonly setups: TokenBucket;
  /** Allow-list and Digest authentication of SRCs. */
  private readonly access: SrsAccess;
  private stopping = false;
  /** Recordings a crash left behind, repaired at start. */
  recovered: string[] = [];

  /**
   * @param settings - see {@link SrsSettings}
   * @throws SipError(InvalidArgument) for a limit that is negative, not a number, or not whole where it must be
   */
  constructor(readonly settings: SrsSettings) {
    super();
    validateSrsLimits(settings);
    this.access = new SrsAccess(settings.allowedSources, settings.auth);
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
    this.setups = new TokenBucket(settings.maxSetupsPerSecond ?? SRS_LIMIT_DEFAULTS.maxSetupsPerSecond);
  }

  /** Free space `dir` must keep (0: not checked; never in signalling-only mode). */
  private get minFreeDisk(): number {
    return this.settings.signalingOnly ? 0 : Math.max(0, this.settings.minFreeDiskBytes ?? SRS_LIMIT_DEFAULTS.minFreeDiskBytes);
  }

  private get diskIntervalMs(): number {
    return Math.max(1, this.settings.diskCheckIntervalMs ?? SRS_LIMIT_DEFAULTS.diskCheckIntervalMs);
  }

  /** Binds the SIP sockets and waits until the connection is Active. */
  async start(): Promise<void> {
    if (this.client) return;
    if (!this.settings.signalingOnly) {
      mkdirSync(this.settings.dir, { recursive: true });
      this.recovered = recoverRecordings(this.settings.dir);
    }
    const transports: TransportProtocol[] = this.settings.transports ?? ['udp', 'tcp'];
    const port = this.settings.port === 0 && transports.length > 1 ? await freeSipPort(this.settings.host) : this.settings.port;
    const client = new SipClient({
      uid: `tsip-srs-${process.pid}-${Math.random().toString(36).slice(2)}`,
      observer: { incomingRequest: (_iap, tx) => tx.dispose(), timedOut: () => undefined },
      settings: {
        iaps: [{ id: IAP, listen: transports.map((protocol) => ({ protocol, address: this.settings.host, port })) }],
        userAgent: this.settings.userAgent ?? 'tsip-srs',
        ...(this.settings.t1 !== undefined ? { timers: { t1: this.settings.t1 } } : {}),
        transportLimits: { maxConnections: 20000, ...this.settings.transportLimits },
        limits: { maxServerTransactions: 50000, maxClientTransactions: 50000, maxDialogs: 50000, ...this.settings.limits },
        ...(this.settings.logger ? { logger: this.settings.logger } : {}),
      },
    });
    this.client = client;
    const active = new Promise<void>((resolve, reject) => {
      const self = this;
      class SrsObserver extends ObserverBase {
        override incomingRequest(tx: ServerTransaction): void { self.onRequest(tx); }
        override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void { self.onInDialog(tx, dialog); }
        override incomingResponseInDialog(tx: ClientTransaction): void {
          if ((tx.responseElements?.statusCode ?? 0) >= 200) self.byeDone(tx);
        }
        override errorOccurredInDialog(_e: unknown, tx: Transaction, assoc: DialogAssoc): void {
          // A BYE of ours that failed is done too.
          if (tx.isClientTransaction) return self.byeDone(tx as ClientTransaction);
          // RFC 3261 §13.3.1.4: no ACK for our 2xx; the API has sent the BYE.
          if (tx.type === 'INVITE') self.ackTimedOut(assoc.dialog);
        }
        override connectionStateChanged(s: ConnectionState): void {
          if (s === ConnectionState.Active) resolve();
          else if (s === ConnectionState.Unavailable) reject(new Error('SRS could not bind its SIP sockets'));
        }
      }
      this.connection = new SipConnection(client, IAP, new SrsObserver());
    });
    await active;
    this.checkpointTimer = setInterval(() => { for (const s of this.sessions.values()) s.write(() => s.rec?.checkpoint()); }, 5000);
    this.checkpointTimer.unref();
    if (this.minFreeDisk > 0) {
      this.diskTimer = setInterval(() => void this.checkDisk(), this.diskIntervalMs);
      this.diskTimer.unref();
    }
  }

  /**
   * The periodic free-space check: below `minFreeDiskBytes` every live recording is ended (files
   * closed, index partial with the reason, BYE) before a write can fail half-way. Exposed for
   * tests; resolves with the free bytes seen (undefined when the probe failed or nothing is live).
   */
  async checkDisk(): Promise<number | undefined> {
    const floor = this.minFreeDisk;
    if (floor <= 0 || this.diskChecking || this.stopping || this.sessions.size === 0) return undefined;
    this.diskChecking = true;
    let free: number;
    try {
      free = await freeBytes(this.settings.dir, this.settings.statfs ?? defaultStatfs);
    } catch {
      return undefined; // unknown: keep recording; new sessions are refused until it answers
    } finally {
      this.diskChecking = false;
    }
    if (free >= floor) return free;
    const why = `free disk space ${bytesText(free)} below minFreeDiskBytes ${bytesText(floor)}`;
    await Promise.all([...this.sessions].map(([dialog, s]) => this.byeAndEnd(dialog, s, 'limit', why, 'minFreeDiskBytes', RecordingState.Partial).ended));
    return free;
  }

  /** The bound SIP sockets. */
  get addresses(): { protocol: string; address: string; port: number }[] {
    if (!this.client) return [];
    return this.client.stack.boundAddresses(IAP).map((b) => ({ protocol: b.protocol, address: b.address, port: b.port }));
  }

  /** A SIP URI of this SRS for a transport (default the first bound). */
  uri(protocol?: TransportProtocol): string {
    const b = this.addresses.find((a) => protocol === undefined || a.protocol === protocol);
    if (!b) throw new Error('SRS not started');
    const host = b.address.includes(':') ? `[${b.address}]` : b.address;
    return `sip:srs@${host}:${b.port}${b.protocol === 'udp' ? '' : `;transport=${b.protocol}`}`;
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

  /**
   * Asks the SRC of a recording for a complete metadata snapshot (RFC 7866 §9.2): an offer-less
   * re-INVITE with an application/rs-metadata-request body. The SRC answers 200 with its SDP
   * offer (answered in the ACK) and then sends the snapshot in a request of its own, which is
   * stored as the next metadata file. Resolves true on a 2xx.
   */
  requestSnapshot(recordingId: string, reason = 'SRS asks for a complete snapshot'): Promise<boolean> {
    const s = [...this.sessions.values()].find((x) => x.recordingId === recordingId);
    if (!s) return Promise.resolve(false);
    const me = new MessageElements({ headers: [['Content-Disposition', 'recording-session']] });
    me.setContent(buildSnapshotRequest(reason), SNAPSHOT_REQUEST_CONTENT_TYPE);
    let tx: ClientTransaction;
    try {
      tx = s.assoc.sendInvite(me);
    } catch {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => this.byeWaiters.set(tx, () => {
      const res = tx.responseElements;
      const ok = res !== undefined && res.isSuccess;
      if (ok) {
        // The 200 carries the SRC's offer: answer it in the ACK with the streams as they are.
        const v = checkRecordingBody(res.messageElements, this.check, true);
        const ack = new MessageElements();
        if (v.ok && v.offer) ack.setContent(s.answerFor(v.offer), 'application/sdp');
        try { s.assoc.sendAck(tx, ack); } catch { /* dialog gone */ }
      }
      resolve(ok);
    }));
  }

  /** Ends every session with BYE, closes recordings and sockets. */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    if (this.diskTimer) clearInterval(this.diskTimer);
    const ends = [...this.sessions].map(([dialog, s]) => this.byeAndEnd(dialog, s, 'shutdown'));
    await Promise.all(ends.map((e) => e.ended));
    await Promise.allSettled([...this.ending]);
    const byes = ends.map((e) => e.answered);
    // Give the SRCs a moment to answer the BYEs before the sockets close (bounded).
    await Promise.race([Promise.all(byes), new Promise((r) => setTimeout(r, 2000).unref())]);
    this.connection?.dispose();
    await this.client?.close();
    this.client = undefined;
  }

  private contact(): string {
    // RFC 7866 §6.2: the SRS marks its Contact with +sip.srs.
    return `<${this.uri()}>;+sip.srs`;
  }

  private info(s: SrsSession): SrsSessionInfo {
    return { recordingId: s.recordingId, dir: s.rec?.dir ?? '', labels: s.labels };
  }

  private respond(tx: ServerTransaction, status: number, reason?: string, headers: [string, string][] = [], sdp?: string): void {
    try {
      const me = new MessageElements({ headers });
      if (sdp !== undefined) me.setContent(sdp, 'application/sdp');
      tx.sendResponse(new ResponseElements({ statusCode: status, ...(reason !== undefined ? { reasonPhrase: reason } : {}), messageElements: me }));
    } catch {
      // the transaction ended meanwhile (CANCEL, timeout)
    }
    tx.dispose();
  }

  private onRequest(tx: ServerTransaction): void {
    if (this.stopping) return tx.type === 'INVITE' ? this.reject(tx, 503, 'Shutting down') : this.respond(tx, 503, 'Shutting down');
    if (tx.type === 'OPTIONS') return this.respond(tx, 200, undefined, [['Allow', ALLOW], ['Accept', ACCEPT], ['Supported', 'siprec, timer']]);
    if (tx.type !== 'INVITE') return this.respond(tx, 405, undefined, [['Allow', ALLOW]]);
    void this.onInvite(tx);
  }

  /**
   * Refuses a request: the response (486/503 with Retry-After, default 5 s) and `sessionRejected`.
   * `inDialog`: a re-INVITE/UPDATE of a live session, which goes on as it was.
   */
  private reject(tx: ServerTransaction, status: number, reason: string, opts: { retryAfter?: number; limit?: SrsLimitName; inDialog?: boolean; headers?: [string, string][] } = {}): void {
    const callId = tx.requestElements.callId ?? '';
    const retryAfter = opts.retryAfter ?? (status === 486 || status === 503 ? 5 : undefined);
    const headers: [string, string][] = [...(retryAfter !== undefined ? [['Retry-After', String(retryAfter)] as [string, string]] : []), ...(opts.headers ?? [])];
    this.respond(tx, status, reason, headers);
    this.emit('sessionRejected', {
      recordingId: callId, statusCode: status, reason,
      ...(retryAfter !== undefined ? { retryAfter } : {}), ...(opts.limit ? { limit: opts.limit } : {}), ...(opts.inDialog ? { inDialog: true } : {}),
    });
  }

  /** Why a new session cannot be stored now (free space below the floor, or unknown), else undefined. */
  private async diskRefusal(): Promise<string | undefined> {
    const floor = this.minFreeDisk;
    if (floor <= 0) return undefined;
    let free: number;
    try {
      free = await freeBytes(this.settings.dir, this.settings.statfs ?? defaultStatfs);
    } catch (e) {
      return `Free disk space unknown (${(e as NodeJS.ErrnoException).code ?? 'statfs failed'})`;
    }
    return free < floor ? `Insufficient disk space (${bytesText(free)} free, ${bytesText(floor)} needed)` : undefined;
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
      const full = await this.diskRefusal();
      if (full !== undefined) return this.reject(tx, 503, full, { retryAfter: retryAfterSeconds(this.diskIntervalMs), limit: 'minFreeDiskBytes' });
      if (this.stopping) return this.reject(tx, 503, 'Shutting down');
      const verdict = checkRecordingInvite(req.messageElements, this.check);
      if (!verdict.ok) return this.reject(tx, verdict.status, verdict.reason, verdict.limit ? { limit: verdict.limit } : {});
      assoc = InviteDialogAssoc.fromServerTransaction(tx, { contact: this.contact() });
      const rec = this.settings.signalingOnly ? undefined : RecordingDir.create({ root: this.settings.dir, recordingId: callId });
      session = new SrsSession(callId, assoc, rec, this.sessionEnv());
      if (verdict.metadata) session.addMetadata(verdict.metadata);
      // RFC 7866 §7.1.2: without an offer the SRS offers, one stream per metadata stream.
      const answer = verdict.offer ? await session.applyOffer(verdict.offer) : await session.makeInitialOffer(this.offerLabels(verdict.metadata));
      if (!tx.responseAllowed) {
        await session.end('canceled');
        return;
      }
      this.respond(tx, 200, undefined, [['Allow', ALLOW], ['Supported', 'siprec'], ['Accept', ACCEPT]], answer);
      this.sessions.set(assoc.dialog, session);
      this.armExpiry(assoc.dialog, session, tx);
      this.armMaxDuration(assoc.dialog, session);
      // An offer-less session starts once the SRC's answer in the ACK is applied (onAck).
      if (!session.awaitingAnswer) this.emit('sessionStarted', this.info(session));
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
      else if (full) this.reject(tx, 503, 'Insufficient disk space', { retryAfter: retryAfterSeconds(this.diskIntervalMs), limit: 'minFreeDiskBytes' });
      else if (dialogs) this.reject(tx, 503, 'Too many dialogs', { limit: 'maxDialogs' });
      else this.reject(tx, 500, 'Recording could not start');
    } finally {
      this.pending--;
    }
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
      if (initial) this.emit('sessionStarted', this.info(s));
      return;
    }
    // RFC 3261 §13.3.1.4, RFC 3264 §5: an offer left unanswered ends the session with BYE.
    void this.byeAndEnd(dialog, s, 'failed', failure).ended;
  }

  private ackTimedOut(dialog: Dialog): void {
    const s = this.sessions.get(dialog);
    // The API sent the BYE already; only the recording is left to close.
    if (s) void this.endSession(dialog, s, 'failed', true, 'no ACK for the 2xx');
  }

  private onInDialog(tx: ServerTransaction, dialog: Dialog): void {
    const s = this.sessions.get(dialog);
    if (tx.type === 'ACK') return void this.onAck(tx, dialog, s);
    if (!s) return this.respond(tx, 481);
    if (tx.type === 'BYE') {
      this.respond(tx, 200);
      void this.endSession(dialog, s, 'bye');
      return;
    }
    if (tx.type === 'INVITE' || tx.type === 'UPDATE') {
      void this.onReinvite(tx, s);
      return;
    }
    this.respond(tx, tx.type === 'OPTIONS' || tx.type === 'INFO' ? 200 : 405, undefined, [['Allow', ALLOW]]);
  }

  /**
   * RFC 4028 §10: when the SRC asked for a session timer and stops refreshing (it crashed, or the
   * network failed), the session is ended with BYE shortly before it expires, so a recording is
   * never left open forever. Re-armed by every re-INVITE/UPDATE.
   */
  private armExpiry(dialog: Dialog, s: SrsSession, tx: ServerTransaction): void {
    const se = parseSessionExpiresHeader(tx.requestElements.messageElements.header('Session-Expires'));
    if (!se) return;
    const ms = (se.interval - Math.min(32, se.interval / 3)) * 1000;
    s.setExpiry(setTimeout(() => {
      if (this.sessions.get(dialog) === s) void this.byeAndEnd(dialog, s, 'timeout').ended;
    }, ms));
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
    this.respond(tx, 200, undefined, [['Allow', ALLOW]], sdp);
    this.emit('sessionUpdated', { ...this.info(s), paused: s.paused, metadataUpdated: verdict.metadata !== undefined, pauseChanged: wasPaused !== s.paused });
  }

  /**
   * `maxRecordingSeconds`: the session is ended with BYE once it has lasted that long since its
   * 2xx; the index stays `complete` and says why.
   */
  private armMaxDuration(dialog: Dialog, s: SrsSession): void {
    const max = this.settings.maxRecordingSeconds ?? SRS_LIMIT_DEFAULTS.maxRecordingSeconds;
    if (!(max > 0)) return;
    s.setLimitTimer(setTimeout(() => {
      if (this.sessions.get(dialog) !== s) return;
      void this.byeAndEnd(dialog, s, 'limit', `maxRecordingSeconds (${max} s) reached`, 'maxRecordingSeconds').ended;
    }, max * 1000));
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
      void this.byeAndEnd(dialog, s, full ? 'limit' : 'failed', why, full ? 'minFreeDiskBytes' : undefined, RecordingState.Partial).ended;
    });
  }

  /** Ends a session from our side: BYE, files closed; the dialog is released once the BYE is answered. */
  private byeAndEnd(
    dialog: Dialog, s: SrsSession, reason: 'shutdown' | 'timeout' | 'failed' | 'limit', failure?: string,
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
    dialog: Dialog, s: SrsSession, reason: 'bye' | 'shutdown' | 'timeout' | 'failed' | 'limit', disposeDialog = true, failure?: string,
    limit?: SrsLimitName, state?: 'partial',
  ): Promise<void> {
    if (!this.sessions.delete(dialog) && s.isEnded) return;
    const info = this.info(s);
    const ending = s.end(failure ?? reason, disposeDialog, state ?? reason === 'failed');
    this.ending.add(ending);
    try { await ending; } finally { this.ending.delete(ending); }
    this.emit('sessionEnded', { ...info, reason, ...(failure !== undefined ? { failure } : {}), ...(limit ? { limit } : {}) });
  }
}
