/**
 * SrcUserAgent (seed 000): the recording client towards one SRS entry. It has its own SipClient
 * (an embedded stack) with one IAP bound to the entry's local address, one SipConnection whose
 * observer routes every callback to the recording session it belongs to, the OPTIONS keep-alive,
 * and its RTP port range. Every call the manager is given gets one RecordingSession here, and so
 * does every SRS-initiated INVITE the manager's policy accepts.
 */
import type { Dialog, DialogAssoc, Transaction } from '../../../include-types/api.js';
import { contactHasFeatureTag, splitRecordingBody } from '../body/index.js';
import type { SipError } from '../../../include-types/errors.js';
import { ConnectionState } from '../../../include-types/states.js';
import {
  RecordingEndReason, type CallParams, type RecordedMessage, type RecordingChanges, type SrsEntrySettings, type SrsInitiatedRequest,
} from '../../../include-types/siprec.js';
import type { Clock } from '../../../include-types/settings.js';
import { waitAtMost } from '../common/timers.js';
import { PortAllocator, type RtpPacket } from '../media/index.js';
import type { Ng911Logger } from '../ng911/index.js';
import {
  HttpDigest, MessageElements, ResponseElements, SipClient, SipConnection, type ClientTransaction, type InviteDialogAssoc, type ServerTransaction,
} from '../common/api.js';
import { ObserverBase } from '../common/observer.js';
import { freeSipPort } from '../common/ports.js';
import { EndpointPool } from './endpoint-pool.js';
import { SrsKeepAlive } from './keepalive.js';
import { RecordingSession } from './recording-session.js';
import type { SessionMetadataLike } from './session-metadata.js';
import { parseSdp } from '../../message/index.js';
import type { RecordingSessionLike, SessionHost, SessionListener } from './session-host.js';
import { compileSkipFailover, type SkipMatcher } from './skip-failover.js';
import { srcTlsPlan, type SrcTlsPlan } from '../common/tls-settings.js';
import { srcContact, srcListen } from './src-listen.js';

/** Told when keep-alive sees an SRS change state. */
export type SrsStateCallback = (uri: string, up: boolean, statusCode?: number) => void;

/** The manager's verdict on an SRS-initiated INVITE: the call to record, or the refusal. */
export type SrsInitiatedVerdict = { call: CallParams } | { status: number; reason: string };

/** Options of {@link SrcUserAgent}. */
export interface SrcUserAgentOptions {
  /** The entry. */
  entry: SrsEntrySettings;
  /** Session events. */
  listener: SessionListener;
  /** Keep-alive events. */
  onSrsState: SrsStateCallback;
  /** User-Agent header. */
  userAgent: string;
  /** SIP T1 (ms). */
  t1: number;
  /** Time source of the session timers, keep-alive and media. */
  clock: Clock;
  /** The app's clock, given to the user agent's stack too (absent: the stack keeps its own real clock). */
  stackClock?: Clock;
  /** NG9-1-1 logger. */
  ng911?: Ng911Logger;
  /** How metadata-only updates go (default 'auto'). */
  metadataUpdateMethod?: 'reinvite' | 'update' | 'auto';
  /** Decides on an SRS-initiated INVITE (RFC 7866 §6.2); without it every INVITE gets 488. */
  srsInitiated?: (request: SrsInitiatedRequest) => SrsInitiatedVerdict;
}

function uriOf(nameAddr: string | undefined): string {
  const v = nameAddr ?? '';
  const m = /<([^>]*)>/.exec(v);
  return (m ? m[1] : v.split(';')[0]).trim();
}

function hostPart(a: string): string {
  return a.includes(':') ? `[${a}]` : a;
}

/** The SRC towards one SRS entry. */
export class SrcUserAgent implements SessionHost {
  readonly name: string;
  readonly entry: SrsEntrySettings;
  readonly allocator: PortAllocator;
  readonly endpoints: EndpointPool;
  readonly skip: SkipMatcher;
  readonly inviteTimeoutMs: number;
  readonly ng911: Ng911Logger | undefined;
  readonly listener: SessionListener;
  readonly mediaAddress: string;
  readonly metadataUpdateMethod: 'reinvite' | 'update' | 'auto';
  readonly clock: Clock;
  private client: SipClient | undefined;
  private conn: SipConnection | undefined;
  private keepAlive: SrsKeepAlive | undefined;
  private readonly sessions = new Map<string, RecordingSession>();
  /** Media totals of the recordings that ended (see mediaTotals). */
  private readonly endedMedia = { packets: 0, bytes: 0 };
  private readonly byAssoc = new Map<DialogAssoc, RecordingSessionLike>();
  private readonly byDialog = new Map<Dialog, RecordingSessionLike>();
  private readonly heldInvites = new Set<ClientTransaction>();
  private contactValue = '';
  /** SIP over TLS of this entry (checked settings), when it uses TLS. */
  private readonly tls: SrcTlsPlan | undefined;
  private fromValue = '';

  constructor(private readonly opts: SrcUserAgentOptions) {
    const e = opts.entry;
    if (e.srsUris.length === 0) throw new RangeError(`SRS entry ${e.name} has no SRS URI`);
    this.name = e.name;
    this.entry = e;
    this.listener = opts.listener;
    this.ng911 = opts.ng911;
    this.mediaAddress = e.media?.address ?? e.localAddress;
    this.allocator = new PortAllocator({ min: e.media?.portMin ?? 30000, max: e.media?.portMax ?? 39999 });
    this.endpoints = new EndpointPool(this.mediaAddress, this.allocator);
    this.skip = compileSkipFailover(e.skipFailoverCodes);
    this.inviteTimeoutMs = e.inviteTimeoutMs ?? 64 * opts.t1;
    this.metadataUpdateMethod = opts.metadataUpdateMethod ?? 'auto';
    this.clock = opts.clock;
    this.tls = srcTlsPlan(e);
  }

  /** The connection (after start). */
  get connection(): SipConnection {
    if (!this.conn) throw new Error('SrcUserAgent not started');
    return this.conn;
  }

  /** Contact of the RS dialogs, with the +sip.src feature tag. */
  get contact(): string {
    return this.contactValue;
  }

  /** From URI of the RS dialogs. */
  get fromUri(): string {
    return this.fromValue;
  }

  /** Live API objects of this user agent's client by class (a leak check: only the connection once idle). */
  liveObjects(): Record<string, number> {
    return this.client?.liveObjects() ?? {};
  }

  /** Recordings in progress. */
  get activeRecordings(): number {
    return this.sessions.size;
  }

  /**
   * RTP packets and bytes forwarded to the SRSs of this entry since start: the ended recordings'
   * totals plus the live ones' (for metrics; a session's packets are counted once, when it ends
   * they move from live to ended).
   */
  mediaTotals(): { packets: number; bytes: number } {
    let { packets, bytes } = this.endedMedia;
    for (const s of this.sessions.values()) {
      const m = s.mediaTotals();
      packets += m.packets;
      bytes += m.bytes;
    }
    return { packets, bytes };
  }

  /** The SIP stack counters of this entry's client (undefined before start or after shutdown). */
  stackStats(): ReturnType<SipClient['stack']['stats']> | undefined {
    return this.client?.stack.stats();
  }

  /** Binds the local endpoint and waits for the connection to be Active. */
  async start(): Promise<void> {
    const e = this.entry;
    const port = e.localPort ?? await freeSipPort(e.localAddress);
    const listen = srcListen(e, port, this.tls);
    const client = new SipClient({
      uid: `tsip-src-${e.name}-${process.pid}-${Math.random().toString(36).slice(2)}`,
      observer: { incomingRequest: (_iap, tx) => tx.dispose(), timedOut: () => undefined },
      settings: {
        // RFC 3261 §18.1.1: the transport switches to TCP above mtu - 200.
        iaps: [{ id: e.name, listen, ...(this.tls ? { tlsClient: this.tls.client } : {}), ...(e.maxUdpRequestSize !== undefined ? { mtu: e.maxUdpRequestSize + 200 } : {}) }],
        userAgent: this.opts.userAgent,
        timers: { t1: this.opts.t1 },
        ...(this.opts.stackClock ? { clock: this.opts.stackClock } : {}),
        transportLimits: { maxConnections: 20000 },
        limits: { maxServerTransactions: 50000, maxClientTransactions: 50000, maxDialogs: 50000 },
      },
    });
    this.client = client;
    // RFC 3261 §22.2: an SRS that authenticates SRCs gets the INVITE again with these credentials
    if (e.credentials) new HttpDigest(client).setCredentials(e.credentials.realm, e.credentials.username, e.credentials.password);
    await new Promise<void>((resolve, reject) => {
      this.conn = new SipConnection(client, e.name, this.observer(resolve, reject));
    });
    // RFC 7866 §6.1.1: the SRC MUST put +sip.src in the Contact of every RS request.
    this.contactValue = srcContact(e, client.stack.boundAddresses(e.name));
    this.fromValue = e.fromUri ?? `sip:src@${hostPart(e.localAddress)}`;
    const interval = (e.optionsIntervalSeconds ?? 0) * 1000;
    this.keepAlive = new SrsKeepAlive(this.connection, e.srsUris, interval, `<${this.fromValue}>`, (uri, up, code) => this.opts.onSrsState(uri, up, code), this.clock);
    this.keepAlive.start();
  }

  /** Starts recording a call (events follow). */
  startRecording(call: CallParams, meta?: SessionMetadataLike): void {
    if (this.sessions.has(call.callId)) return;
    const s = new RecordingSession(this, call, meta);
    this.sessions.set(call.callId, s);
    void s.begin();
  }

  /** The session of a call. */
  session(callId: string): RecordingSession | undefined {
    return this.sessions.get(callId);
  }

  /** Every live session of this entry (recordings list). */
  recordingSessions(): IterableIterator<RecordingSession> {
    return this.sessions.values();
  }

  /** Feeds one CS packet. */
  forward(callId: string, label: string, packet: RtpPacket | Uint8Array, arrivalMs?: number): boolean {
    return this.sessions.get(callId)?.forward(label, packet, arrivalMs) ?? false;
  }

  /** Feeds one CS RTCP datagram of a stream. */
  forwardRtcp(callId: string, label: string, data: Uint8Array, nowMs?: number): boolean {
    return this.sessions.get(callId)?.forwardRtcp(label, data, nowMs) ?? false;
  }

  /** Feeds one CS message of an MSRP stream (see CallRecording.forwardMessage). */
  forwardMessage(callId: string, label: string, message: RecordedMessage): boolean {
    return this.sessions.get(callId)?.forwardMessage(label, message) ?? false;
  }

  /** Pauses a call's recording. */
  pause(callId: string): Promise<boolean> {
    return this.sessions.get(callId)?.pause() ?? Promise.resolve(false);
  }

  /** Resumes it. */
  resume(callId: string): Promise<boolean> {
    return this.sessions.get(callId)?.resume() ?? Promise.resolve(false);
  }

  /** Sends a metadata/stream update. */
  update(callId: string, changes: RecordingChanges): Promise<boolean> {
    return this.sessions.get(callId)?.update(changes) ?? Promise.resolve(false);
  }

  /** Stops a call's recording (BYE). */
  stop(callId: string, reason: RecordingEndReason = RecordingEndReason.Stopped): Promise<void> {
    return this.sessions.get(callId)?.stop(reason) ?? Promise.resolve();
  }

  /** Ends every recording with BYE (bounded wait), stops keep-alive and closes the stack. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    this.keepAlive?.stop();
    const all = [...this.sessions.values()].map((s) => s.stop(RecordingEndReason.Shutdown));
    await waitAtMost(this.clock, Promise.all(all), timeoutMs);
    // Whatever did not end in time ends now: ports and timers released, events sent.
    await Promise.all([...this.sessions.values()].map((s) => s.abort(RecordingEndReason.Shutdown)));
    for (const tx of this.heldInvites) { try { tx.dispose(); } catch { /* the client disposes it */ } }
    this.heldInvites.clear();
    await this.endpoints.close();
    this.conn?.dispose();
    await this.client?.close();
    this.client = undefined;
  }

  // ---- SessionHost ----

  /** False while keep-alive has the URI down. */
  isUp(uri: string): boolean {
    return this.keepAlive?.isUp(uri) ?? true;
  }

  /** An INVITE to `uri` timed out or failed in transport. */
  markDown(uri: string): void {
    // Only keep-alive decides up/down when it runs; without it a failed INVITE says nothing lasting.
    if ((this.entry.optionsIntervalSeconds ?? 0) > 0) this.keepAlive?.mark(uri, false);
  }

  /** Routes (or stops routing) an association's callbacks to a session. */
  bind(assoc: InviteDialogAssoc, session: RecordingSessionLike | undefined): void {
    if (session) {
      this.byAssoc.set(assoc, session);
      this.byDialog.set(assoc.dialog, session);
    } else {
      this.byAssoc.delete(assoc);
      this.byDialog.delete(assoc.dialog);
    }
  }

  /** Disposes an INVITE transaction now, or at inviteCompleted if the API still needs it. */
  holdInvite(tx: ClientTransaction): void {
    // DESIGN §3: a 2xx-answered INVITE cannot be disposed before inviteCompleted while its connection
    // is up; hold it straight away rather than through dispose's throw (a SipError and its stack
    // trace per set-up, issue 15). Any other case still asks dispose.
    const st = this.conn?.state;
    if (tx.type === 'INVITE' && tx.answered && !tx.isDropped && st !== undefined && st !== ConnectionState.Inactive && st !== ConnectionState.Unavailable) {
      this.heldInvites.add(tx);
      return;
    }
    try {
      tx.dispose();
    } catch {
      this.heldInvites.add(tx); // DESIGN §3: kept until inviteCompleted
    }
  }

  /** The session of `callId` ended. */
  forget(callId: string): void {
    const s = this.sessions.get(callId);
    if (s) {
      const m = s.mediaTotals();
      this.endedMedia.packets += m.packets;
      this.endedMedia.bytes += m.bytes;
    }
    this.sessions.delete(callId);
  }

  /**
   * An INVITE outside any dialog. RFC 7866 §6.1.1: it is a request for a recording session only
   * with `Require: siprec` and `+sip.srs` on the Contact; the manager's policy then names the call
   * (or refuses), and the session answers with its offer in the 2xx, or with its answer when the
   * INVITE carried the SRS's offer. Anything else gets 488.
   */
  private srsInvite(tx: ServerTransaction): void {
    const req = tx.requestElements;
    const me = req.messageElements;
    const contacts = me.headerValues('Contact');
    const siprec = me.headerValues('Require').some((t) => t.trim().toLowerCase() === 'siprec') && contactHasFeatureTag(contacts, '+sip.srs');
    if (!siprec || !this.opts.srsInitiated) return this.refuse(tx, 488, siprec ? 'SRS-initiated recording not accepted' : 'Not a recording session');
    let sdp: string | undefined;
    try {
      sdp = splitRecordingBody(me.contentType, me.content).sdp;
    } catch {
      return this.refuse(tx, 400, 'Bad body');
    }
    // An offer (RFC 7866 §6.2: recvonly m-lines) is answered on its m-lines in the 2xx
    // (session-srs-initiated.ts); one that is not SDP is refused before any call is looked up.
    if (sdp !== undefined) {
      try {
        if (parseSdp(sdp).media.length === 0) return this.refuse(tx, 488, 'No media in the offer');
      } catch {
        return this.refuse(tx, 488, 'Bad SDP offer');
      }
    }
    const callId = req.callId ?? '';
    const verdict = this.opts.srsInitiated({
      srsName: this.name, requestUri: req.remoteUri, from: req.fromHeader ?? '', to: req.toHeader ?? '', contact: contacts[0],
      recordingId: callId, header: (n) => me.header(n), contentType: me.contentType, body: me.content, calls: [],
    });
    if ('status' in verdict) return this.refuse(tx, verdict.status, verdict.reason);
    const s = new RecordingSession(this, verdict.call);
    this.sessions.set(verdict.call.callId, s);
    void s.acceptSrs(tx, uriOf(req.fromHeader));
  }

  private refuse(tx: ServerTransaction, status: number, reason: string): void {
    try {
      tx.sendResponse(new ResponseElements({ statusCode: status, reasonPhrase: reason, messageElements: new MessageElements() }));
    } catch { /* ended */ }
    tx.dispose();
  }

  private observer(resolve: () => void, reject: (e: Error) => void): ObserverBase {
    const self = this;
    return new (class extends ObserverBase {
      override incomingRequest(tx: ServerTransaction): void {
        if (tx.type === 'INVITE') return self.srsInvite(tx);
        try {
          tx.sendResponse(new ResponseElements({ statusCode: tx.type === 'OPTIONS' ? 200 : 405 }));
        } catch { /* ended */ }
        tx.dispose();
      }
      override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void {
        const s = self.byDialog.get(dialog);
        if (s) s.onRequest(tx);
        else tx.dispose();
      }
      override incomingResponseInDialog(tx: ClientTransaction, assoc: DialogAssoc): void {
        const s = self.byAssoc.get(assoc);
        if (s) s.onResponse(tx);
        else if (tx.responseElements && tx.responseElements.statusCode >= 200) self.holdInvite(tx);
      }
      override incomingResponse(tx: ClientTransaction): void {
        self.keepAlive?.onResponse(tx);
      }
      override errorOccurred(e: SipError, tx: Transaction): void {
        if (tx.isClientTransaction) self.keepAlive?.onError(tx as ClientTransaction, e);
      }
      override errorOccurredInDialog(e: SipError, tx: Transaction, assoc: DialogAssoc): void {
        if (self.heldInvites.delete(tx as ClientTransaction)) { try { tx.dispose(); } catch { /* */ } }
        const s = self.byAssoc.get(assoc);
        if (s && tx.isClientTransaction) s.onError(e.code, tx as ClientTransaction, e.message);
        else if (s && tx.type === 'INVITE') s.onAckTimeout(); // our 2xx to an SRS-initiated INVITE
      }
      override errorOccurredInDialogRefresh(_e: SipError, assoc: DialogAssoc): void {
        self.byAssoc.get(assoc)?.onRefreshError();
      }
      override inviteCompleted(tx: ClientTransaction): void {
        if (self.heldInvites.delete(tx)) { try { tx.dispose(); } catch { /* */ } }
      }
      override connectionStateChanged(st: ConnectionState): void {
        if (st === ConnectionState.Active) resolve();
        else if (st === ConnectionState.Unavailable) reject(new Error(`SRC ${self.name} could not bind ${self.entry.localAddress}${self.conn?.startFailure ? `: ${self.conn.startFailure.message}` : ''}`));
        else if (st === ConnectionState.Inactive) {
          for (const s of [...self.sessions.values()]) void s.stop(RecordingEndReason.ConnectionLost);
        }
      }
    })();
  }
}
