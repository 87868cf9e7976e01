/**
 * The recording B2BUA: answers calls on its listen address, calls the target with the caller's
 * Request-URI user, relays the media through its own ports and records both directions to an
 * SRS through a SrcManager (RFC 7866: the B2BUA is the SRC, the call is the CS).
 *
 * ```
 *  caller ──SIP/RTP──▶ B2BUA ──SIP/RTP──▶ callee
 *                        │
 *                        └──SIPREC (INVITE + metadata, forked RTP)──▶ SRS
 * ```
 * Built on the API like any app: one SipClient, one SipConnection, the observer below routes
 * what arrives to the call ({@link B2buaCall}) and leg it belongs to.
 */
import { EventEmitter } from 'eventemitter3';
import { ConnectionState } from '../../include-types/states.js';
import type { SipError } from '../../include-types/errors.js';
import {
  type ClientTransaction, DefaultConnectionObserver, DefaultSipObserver, type Dialog, type DialogAssoc, ResponseElements, type ServerTransaction,
  SipClient, SipConnection, type Transaction,
} from '../api/index.js';
import { SipUri } from '../message/index.js';
import { PortAllocator } from '../siprec/media/index.js';
import { B2buaCall, type CallHost } from './b2bua-call.js';
import type { LegName } from './rtp-relay.js';
import type { B2buaCallInfo, B2buaEndReason, B2buaEvents, B2buaOptions, B2buaRecordingState } from './types.js';
import type { RtpRelayOptions } from './rtp-relay.js';
import type { RecordingPolicyBrokenEvent, RecordingPolicySatisfiedEvent } from '../../include-types/siprec.js';

const IAP = 'b2bua';

/** The recording B2BUA. */
export class B2bua extends EventEmitter<B2buaEvents> {
  private client: SipClient | undefined;
  private connection: SipConnection | undefined;
  private readonly calls = new Map<string, B2buaCall>();
  private readonly legs = new Map<Dialog, { call: B2buaCall; leg: LegName }>();
  private readonly allocator: PortAllocator;
  private readonly target: SipUri;
  /** The recorder's requirement for a call held (its recording is up) or broke (failed, or the SRS ended it). */
  private readonly onRecStarted = (e: RecordingPolicySatisfiedEvent): void => this.calls.get(e.callId)?.recordingEvent('started');
  private readonly onRecFailed = (e: RecordingPolicyBrokenEvent): void => this.calls.get(e.callId)?.recordingEvent('failed');

  /**
   * @param options - see {@link B2buaOptions}
   * @throws RangeError for a target that is not a sip: URI or a bad port range
   */
  constructor(readonly options: B2buaOptions) {
    super();
    try {
      this.target = SipUri.parse(options.target);
    } catch (e) {
      throw new RangeError(`target must be a sip: URI (not ${options.target})`, { cause: e });
    }
    const ports = options.rtpPorts ?? { min: 40000, max: 49999 };
    this.allocator = new PortAllocator(ports);
  }

  /** Binds the SIP sockets (UDP and TCP on the listen address) and starts taking calls. */
  async start(): Promise<void> {
    if (this.client) return;
    const { address, port } = this.options.listen;
    const client = new SipClient({
      uid: `tsip-b2bua-${address}-${port}`,
      observer: new DefaultSipObserver(),
      settings: { userAgent: this.options.userAgent ?? 'tsip-b2bua', iaps: [{ id: IAP, listen: [{ protocol: 'udp', address, port }, { protocol: 'tcp', address, port }] }] },
    });
    this.client = client;
    const active = new Promise<void>((resolve, reject) => {
      this.connection = new SipConnection(client, IAP, this.observer(resolve, reject));
    });
    await active;
    const rec = this.options.recorder;
    rec?.on('recordingPolicySatisfied', this.onRecStarted);
    rec?.on('recordingPolicyBroken', this.onRecFailed); // failed, or ended by the SRS: for the call the same
  }

  /** The calls in progress. */
  get activeCalls(): B2buaCallInfo[] {
    return [...this.calls.values()].map((c) => c.info);
  }

  /** A call in progress by the caller leg's Call-ID (tests and operators look at its relay). */
  call(callId: string): B2buaCall | undefined {
    return this.calls.get(callId);
  }

  /** Ends every call (BYE both legs, 480 to the unanswered), then closes the SIP sockets. */
  async close(): Promise<void> {
    for (const c of [...this.calls.values()]) c.terminate();
    const rec = this.options.recorder;
    rec?.off('recordingPolicySatisfied', this.onRecStarted);
    rec?.off('recordingPolicyBroken', this.onRecFailed);
    await new Promise((r) => setTimeout(r, 200)); // let the BYEs leave before the sockets close
    for (const c of this.calls.values()) c.dispose();
    this.calls.clear();
    this.legs.clear();
    await this.client?.close();
    this.client = undefined;
  }

  private host(): CallHost {
    const self = this;
    const relay: RtpRelayOptions = { address: this.options.mediaAddress ?? this.options.listen.address, allocator: this.allocator };
    return {
      connection: this.connection!,
      relay,
      recorder: this.options.recorder,
      recordingRequired: [true, 'any', 'all'].includes(this.options.recordingRequired ?? false),
      recordingPolicy: this.options.recordingRequired === 'all' ? 'all' : 'any',
      recordingStartTimeoutMs: this.options.recordingStartTimeoutMs ?? 10_000,
      answerTimeoutMs: this.options.answerTimeoutMs ?? 120_000,
      calleeUri: (ruri) => self.calleeUri(ruri),
      bind: (dialog, call, leg) => self.legs.set(dialog, { call, leg }),
      changed: (call) => self.emit('callStateChanged', call.info),
      recordingChanged: (call, recording: B2buaRecordingState) => self.emit('recordingStateChanged', { callId: call.callId, recording }),
      ended: (call, reason: B2buaEndReason, statusCode?: number) => {
        self.calls.delete(call.callId);
        // the dialogs stay routed a little while: a late BYE or retransmission still finds its call
        setTimeout(() => { for (const [d, l] of self.legs) if (l.call === call) self.legs.delete(d); }, 32_000).unref();
        self.emit('callEnded', { ...call.info, reason, ...(statusCode !== undefined ? { statusCode } : {}) });
      },
    };
  }

  /** The callee leg's Request-URI: the target with the user of the caller's Request-URI. */
  private calleeUri(callerRequestUri: string): string {
    const uri = this.target.clone();
    try {
      const user = SipUri.parse(callerRequestUri).user;
      if (user !== undefined) uri.user = user;
    } catch { /* keep the target's own user */ }
    if (this.options.transport === 'tcp') uri.params.set('transport', 'tcp');
    return uri.toString();
  }

  private incomingInvite(tx: ServerTransaction): void {
    const max = this.options.maxCalls ?? 100;
    const callId = tx.requestElements.callId ?? '';
    if (this.calls.size >= max || this.calls.has(callId)) {
      tx.sendResponse(new ResponseElements({ statusCode: this.calls.has(callId) ? 482 : 503 }));
      return tx.dispose();
    }
    const call = new B2buaCall(callId, this.host());
    this.calls.set(callId, call);
    void call.start(tx);
  }

  private observer(resolve: () => void, reject: (e: Error) => void): DefaultConnectionObserver {
    const self = this;
    const legOf = (assoc: DialogAssoc) => self.legs.get(assoc.dialog);
    return new (class extends DefaultConnectionObserver {
      override connectionStateChanged(s: ConnectionState): void {
        if (s === ConnectionState.Active) resolve();
        else if (s === ConnectionState.Unavailable) reject(new Error(`B2BUA could not bind its SIP sockets${self.connection?.startFailure ? `: ${self.connection.startFailure.message}` : ''}`));
      }
      override incomingRequest(tx: ServerTransaction): void {
        if (tx.type === 'INVITE') return self.incomingInvite(tx);
        if (tx.type === 'OPTIONS') {
          tx.sendResponse(new ResponseElements({ statusCode: 200 }));
          return tx.dispose();
        }
        super.incomingRequest(tx);
      }
      override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void {
        const l = self.legs.get(dialog);
        if (l === undefined) return super.incomingRequestInDialog(tx, dialog);
        l.call.request(tx, l.leg);
      }
      override incomingResponseInDialog(tx: ClientTransaction, assoc: DialogAssoc): void {
        const l = legOf(assoc);
        if (l === undefined) return;
        if (l.leg === 'b') l.call.responseFromB(tx);
        else l.call.responseFromA(tx);
      }
      override incomingResponse(tx: ClientTransaction): void {
        // CANCEL's own response: nothing to do with it
        if ((tx.responseElements?.statusCode ?? 0) >= 200) tx.dispose();
      }
      override errorOccurred(_e: SipError, tx: Transaction): void {
        if (tx.isClientTransaction) tx.dispose();
      }
      override errorOccurredInDialog(_e: SipError, tx: Transaction, assoc: DialogAssoc): void {
        const l = legOf(assoc);
        l?.call.error(tx as ClientTransaction | ServerTransaction, l.leg);
        if (tx.isClientTransaction) {
          try {
            tx.dispose();
          } catch { /* an INVITE still needed for its ACK: freed at inviteCompleted */ }
        }
      }
      override inviteCompleted(tx: ClientTransaction): void {
        tx.dispose();
      }
      override inviteCanceled(tx: ServerTransaction): void {
        const call = self.calls.get(tx.requestElements.callId ?? '');
        if (call) call.canceledByCaller();
        else tx.dispose();
      }
    })();
  }
}
