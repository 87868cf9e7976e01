/**
 * The SipStack: the shared engine under the API. It owns the transports, the transaction layer
 * and the dialog routing table, runs the UAS core's checks (RFC 3261 §8.2) and routes every
 * incoming request to one {@link StackUser} (Symbian: the SIP server routing to CSIP clients).
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { Clock, IapSettings, Logger, Resolver, SipStackSettings } from '../../include-types/settings.js';
import { SipParseError, SipResponse, Via, validateRequest, validateResponse, type SipRequest } from '../message/index.js';
import {
  InviteServerTransaction,
  RealClock,
  TransactionLayer,
  newBranch,
  type ClientTransactionUser,
  type Retransmit2xxOptions,
  type ServerTransaction,
  type TimerValues,
} from '../transaction/index.js';
import {
  Rfc3263Resolver,
  TransportLayer,
  type BoundAddress,
  type ConnectionClosedInfo,
  type MessageSource,
  type SentInfo,
} from '../transport/index.js';
import { SILENT_LOGGER } from '../transaction/transaction.js';
import { DialogRouter } from './dialog-router.js';
import { MergedRequestDetector } from './merged-requests.js';
import { nextHopUri, resolveQuery, resolveTargets, tlsServerName } from './next-hop.js';
import { OutgoingRequest, type OutgoingRequestOptions } from './outgoing-request.js';
import type { Claim, DialogEndpoint, DialogKey, StackUser } from './stack-user.js';
import { statelessErrorFor, tooLargeReply } from './stateless-reply.js';
import { CheckContexts } from './check-contexts.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, MAX_SHUTDOWN_GRACE_MS, type ShutdownOptions, type StackEvent, type StackStats } from './stack-types.js';
import { DEFAULT_EXTENSIONS, reply } from './uas-checks.js';
import { StatelessRefusal } from './stateless-refusal.js';

/** The stack's version, sent in User-Agent/Server. */
export const TSIP_VERSION = '0.1.0';

export { DEFAULT_SHUTDOWN_GRACE_MS, MAX_SHUTDOWN_GRACE_MS, type ShutdownOptions, type StackEvent, type StackStats } from './stack-types.js';

/** The transaction layer's silent logger: the layer skips building records for it. */
const SILENT: Logger = SILENT_LOGGER;

// NOTE: no `implements TransportUser`: those members are marked internal, so the published .d.ts (stripInternal)
// would not satisfy it; `new TransportLayer({ user: this })` checks the shape instead.
/** The shared SIP engine; several API clients may use one. */
export class SipStack {
  readonly clock: Clock;
  readonly resolver: Resolver;
  readonly logger: Logger;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  /** Value of User-Agent and Server headers. */
  readonly userAgent: string;
  private readonly iapSettings: readonly IapSettings[];
  private readonly users: StackUser[] = [];
  private readonly dialogs: DialogRouter;
  /**
   * INVITE server transactions with an owner (`tx.coreOwner`, for CANCEL) not yet ended. Owners
   * and the §8.2.2.2 key each admitted request releases when its transaction ends
   * (`tx.coreMergeKey`) are kept on the transactions: no table keyed by transaction.
   */
  private pendingInvites = 0;
  private readonly merged = new MergedRequestDetector();
  private readonly supported: readonly string[];
  private readonly checkContexts: CheckContexts;
  private readonly refusal: StatelessRefusal;
  private state: 'new' | 'started' | 'stopped' = 'new';
  /** The one shutdown in progress or done. */
  private stopping: Promise<void> | undefined;
  private readonly listeners = new Set<(e: StackEvent) => void>();
  private readonly suspendedIaps = new Set<string>();

  constructor(settings: SipStackSettings) {
    if (settings.iaps.length === 0) throw new SipError(SipErrorCode.InvalidArgument, 'a stack needs at least one IAP');
    this.iapSettings = settings.iaps;
    this.clock = settings.clock ?? new RealClock();
    this.logger = settings.logger ?? SILENT;
    this.resolver = settings.resolver ?? new Rfc3263Resolver();
    this.userAgent = settings.userAgent ?? `tsip/${TSIP_VERSION}`;
    this.supported = (settings.supportedExtensions ?? DEFAULT_EXTENSIONS).map((s) => s.toLowerCase());
    this.checkContexts = new CheckContexts(this.supported, this.userAgent);
    this.dialogs = new DialogRouter(settings.limits?.maxDialogs);
    const contexts = this.checkContexts;
    this.refusal = new StatelessRefusal({ outsideDialog: () => contexts.outsideDialog(this.users), inDialog: contexts.inDialog, dialogs: this.dialogs, admission: settings.admission });
    this.transport = new TransportLayer({ iaps: [...settings.iaps], limits: settings.transportLimits, logger: this.logger, resolver: this.resolver, user: this });
    this.transactions = new TransactionLayer({
      transport: this.transport,
      clock: this.clock,
      timers: settings.timers,
      logger: this.logger,
      limits: settings.limits,
    });
    // the layer's own termination hook, not a wrapped tx.user that an upper layer may replace
    this.transactions.onServerTerminated((tx) => this.serverTransactionEnded(tx));
  }

  /** Binds every socket of every IAP. @throws what binding throws (address in use ...). */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new SipError(SipErrorCode.InvalidState, `stack already ${this.state}`);
    await this.transport.start();
    if (this.state !== 'new') return; // shut down while binding
    this.state = 'started';
    this.emit({ kind: 'started' });
  }

  /**
   * Ends every transaction, lets the sends already handed to the transport finish (bounded by
   * `options.graceMs`), then closes every socket. Idempotent: a second call returns the first
   * call's promise.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.stopping ??= this.stop(options);
    return this.stopping;
  }

  private async stop(options: ShutdownOptions): Promise<void> {
    this.state = 'stopped';
    this.emit({ kind: 'stopped' });
    this.transactions.close();
    this.merged.clear();
    this.dialogs.clear();
    // a final response (or an ACK, a BYE) handed over just before shutdown may still be resolving,
    // connecting or writing: closing the sockets now would lose it (RFC 3261 §17.2.4 never told)
    const grace = Math.min(Math.max(options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS, 0), MAX_SHUTDOWN_GRACE_MS);
    if (grace > 0 && !(await this.transport.drain(grace))) {
      this.logger.warn('shutdown: sends still in flight after the grace period; closing anyway', { graceMs: grace, sends: this.transport.sendsInFlight });
    }
    await this.transport.stop();
  }

  /** The RFC 3261 §17 timer values in force (T1 ... from `SipStackSettings.timers`, else the defaults). */
  get timers(): TimerValues {
    return this.transactions.timers;
  }

  /** True between {@link start} and {@link shutdown}. */
  get isRunning(): boolean {
    return this.state === 'started';
  }

  /** Listens to {@link StackEvent}s; returns the function that stops listening. */
  onEvent(listener: (e: StackEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Marks an IAP temporarily unusable (Symbian: the bearer is suspended) or usable again. The
   * sockets stay bound; the API refuses new requests on it while suspended.
   * @throws SipError(UnknownIap).
   */
  setIapSuspended(iapId: string, suspended: boolean): void {
    if (!this.hasIap(iapId)) throw new SipError(SipErrorCode.UnknownIap, `no IAP ${iapId}`);
    if (suspended === this.suspendedIaps.has(iapId)) return;
    if (suspended) this.suspendedIaps.add(iapId);
    else this.suspendedIaps.delete(iapId);
    this.emit(suspended ? { kind: 'iapSuspended', iapId } : { kind: 'iapResumed', iapId });
  }

  /** True while {@link setIapSuspended} holds the IAP suspended. */
  isIapSuspended(iapId: string): boolean {
    return this.suspendedIaps.has(iapId);
  }

  /** True before {@link start} was called. */
  get isNew(): boolean {
    return this.state === 'new';
  }

  /** The IAP ids this stack was configured with. */
  get iapIds(): string[] {
    return this.iapSettings.map((i) => i.id);
  }

  /** True if the stack has an IAP of that id. */
  hasIap(iapId: string): boolean {
    return this.iapSettings.some((i) => i.id === iapId);
  }

  /** The sockets an IAP listens on (ports chosen by the system included). */
  boundAddresses(iapId: string): BoundAddress[] {
    return this.transport.boundAddresses(iapId);
  }

  /** Adds a client. @throws SipError(InvalidArgument) if its UID is taken. */
  addUser(user: StackUser): void {
    if (this.users.some((u) => u.uid === user.uid)) throw new SipError(SipErrorCode.InvalidArgument, `client UID ${user.uid} already in use`);
    this.users.push(user);
  }

  /** Removes a client and every dialog it owned. */
  removeUser(user: StackUser): void {
    const i = this.users.indexOf(user);
    if (i >= 0) this.users.splice(i, 1);
    this.dialogs.removeUser(user); // its INVITEs' CANCELs are no longer its (handleCancel checks)
  }

  /**
   * Routes in-dialog traffic of `key` to `endpoint` (the stack's dialog router).
   * @throws SipError(LimitExceeded) beyond `limits.maxDialogs` (default 20000).
   */
  registerDialog(key: DialogKey, endpoint: DialogEndpoint): void {
    this.dialogs.register(key, endpoint);
  }

  /** Stops routing to a dialog or dialog set. */
  unregisterDialog(key: DialogKey): boolean {
    return this.dialogs.unregister(key);
  }

  /**
   * Sends a request on a client transaction from `iapId`, resolving and failing over
   * (the returned OutgoingRequest says where it went). The request must be complete except for Via.
   * @throws SipError(UnknownIap | StackShutdown | InvalidArgument).
   */
  send(iapId: string, request: SipRequest, user: ClientTransactionUser, options?: OutgoingRequestOptions): OutgoingRequest {
    this.checkSendable(iapId);
    const out = new OutgoingRequest({ transactions: this.transactions, resolver: this.resolver, logger: this.logger }, iapId, request, user, options);
    out.start();
    return out;
  }

  /**
   * Sends a request outside any transaction: the ACK for a 2xx (RFC 3261 §13.2.2.4, §17.1.1.3).
   * It gets a Via with a new branch unless it has one. Resolves to what the transport did.
   */
  async sendAck(iapId: string, ack: SipRequest, options: OutgoingRequestOptions = {}): Promise<SentInfo> {
    this.checkSendable(iapId);
    if (ack.via.length === 0) ack.headers.prepend('Via', new Via({ transport: 'UDP', host: '0.0.0.0', params: { branch: newBranch() } }).toString());
    const query = resolveQuery(nextHopUri(ack, options.outboundProxy));
    const targets = await resolveTargets(query, this.resolver);
    if (targets.length === 0) throw new SipError(SipErrorCode.ResolveFailed, 'no target for the ACK');
    const t = targets[0];
    const servername = tlsServerName(query); // RFC 5922 §4: a TLS hop named by its host name
    return this.transport.sendRequest(ack, { protocol: t.protocol, address: t.address, port: t.port, iapId, ...(servername !== undefined ? { servername } : {}) });
  }

  /**
   * Answers an INVITE with a 2xx and retransmits it until the ACK (RFC 3261 §13.3.1.4, RFC 6026).
   * @returns the key for {@link stop2xxRetransmission}.
   */
  send2xxUntilAck(tx: InviteServerTransaction, response: SipResponse, options?: Retransmit2xxOptions): string {
    if (!response.headers.has('Server')) response.headers.set('Server', this.userAgent);
    return this.transactions.retransmit2xxUntilAck(tx, response, options);
  }

  /** Stops a 2xx retransmission started by {@link send2xxUntilAck}. */
  stop2xxRetransmission(key: string): boolean {
    return this.transactions.stop2xxRetransmission(key);
  }

  /** Live objects by kind, for leak checks. */
  stats(): StackStats {
    const d = this.dialogs.size;
    return {
      transactions: this.transactions.stats(),
      dialogs: d.dialogs,
      dialogSets: d.dialogSets,
      users: this.users.length,
      pendingInvites: this.pendingInvites,
      requestsInProgress: this.merged.size,
      transport: this.transport.stats(),
      limitRejections: this.transactions.limitRejections(),
      statelessRefusals: this.transactions.statelessRefusals(),
    };
  }

  // ---- TransportUser ----

  /** @internal A request arrived from the transport. */
  onRequest(request: SipRequest, source: MessageSource): void {
    try {
      validateRequest(request);
    } catch (e) {
      if (e instanceof SipParseError && request.method !== 'ACK') this.replyStateless(request, e.status, e.reason, source);
      return;
    }
    // the new transaction's timers start after dispatch: a user answering at once needs no 100 Trying timer
    // requests the UAS core refuses on sight get a stateless answer and no transaction (stateless-refusal.ts)
    const d = this.transactions.receiveRequest(request, source, true, this.refusal.refuse);
    switch (d.kind) {
      case 'new':
        try {
          this.dispatchNew(d.tx, source);
        } finally {
          d.tx.start();
        }
        break;
      case 'ack2xx': {
        const ep = this.dialogs.find(request.callId, request.to.tag, request.from.tag);
        if (ep?.onAck !== undefined) this.guard(() => ep.onAck?.(request, source));
        else this.logger.debug('ACK for no dialog dropped', { callId: request.callId });
        break;
      }
      case 'cancel':
        this.handleCancel(d.cancelTx, d.inviteTx);
        break;
      default:
        break; // absorbed, rejected (503 sent), dropped (logged by the layer)
    }
  }

  /** @internal A response arrived from the transport. */
  onResponse(response: SipResponse, source: MessageSource): void {
    try {
      validateResponse(response);
    } catch (e) {
      this.logger.info('malformed response dropped', { error: String(e), from: `${source.remoteAddress}:${source.remotePort}` });
      return;
    }
    const d = this.transactions.receiveResponse(response, source);
    if (d.kind !== 'stray') return;
    // RFC 3261 §13.2.2.4: a 2xx retransmission after the INVITE transaction ended is ACKed again
    if (response.cseq.method === 'INVITE' && response.status >= 200 && response.status < 300) {
      const ep = this.dialogs.find(response.callId, response.from.tag, response.to.tag);
      if (ep?.onStrayResponse !== undefined) return this.guard(() => ep.onStrayResponse?.(response));
    }
    this.logger.debug('stray response dropped', { status: response.status, callId: response.callId }); // RFC 3261 §18.1.2
  }

  /** @internal The transport could not parse what arrived: 400 if it was a request. */
  onParseError(raw: Buffer, error: SipParseError, source: MessageSource): void {
    const res = statelessErrorFor(raw, error.status, error.reason, this.userAgent);
    if (res === undefined) return;
    this.transport.sendResponse(res, source).catch((e: unknown) => this.logger.info('stateless error response not sent', { error: String(e) }));
  }

  /**
   * @internal A request over the transport's maxMessageSize, its head only: the stateless 513
   * (RFC 3261 §21.5.14) the transport sends back, or nothing for an ACK or an invalid head.
   */
  onRequestTooLarge(request: SipRequest, source: MessageSource, size: number): SipResponse | undefined {
    const res = tooLargeReply(request, this.userAgent);
    this.logger.debug('request over maxMessageSize', { method: request.method, size, answered: res !== undefined, from: `${source.remoteAddress}:${source.remotePort}` });
    return res;
  }

  /**
   * @internal A TCP/TLS connection closed: client transactions still waiting on it fail with
   * TransportError (RFC 3261 §17.1.4) instead of waiting for Timer B/F.
   */
  onConnectionClosed(info: ConnectionClosedInfo): void {
    const failed = this.transactions.connectionClosed(info);
    if (failed > 0) this.logger.info('connection closed under live transactions', { reason: info.reason, failed });
  }

  // ---- routing ----

  /** A request past the UAS checks (the layer asked {@link StatelessRefusal} before making `tx`). */
  private dispatchNew(tx: ServerTransaction, source: MessageSource): void {
    const req = tx.request;
    const checks = this.checkContexts.outsideDialog(this.users);
    let error: SipResponse | undefined;
    try {
      if (req.to.tag !== undefined) {
        const ep = this.dialogs.find(req.callId, req.to.tag, req.from.tag);
        // RFC 3261 §12.2.2: a request for a dialog we do not have (the dialog went since) → 481
        if (ep === undefined) error = reply(req, 481, checks);
        else {
          // a re-INVITE: a CANCEL for it reaches the dialog's user like one for a new INVITE
          if (tx instanceof InviteServerTransaction) this.trackInvite(tx, ep.user);
          return this.guard(() => ep.onRequest(tx));
        }
      }
    } catch (e) {
      error = reply(req, e instanceof SipParseError ? e.status : 400, checks, e instanceof SipParseError ? e.reason : undefined);
    }
    if (error !== undefined) return this.respondSafely(tx, error);
    const mergeKey = this.merged.admit(req, tx);
    if (mergeKey === 'merged') return this.respondSafely(tx, reply(req, 482, checks, 'Merged Request')); // RFC 3261 §8.2.2.2
    const routed = this.pickUser(req, source.iapId);
    if (routed === undefined) {
      if (mergeKey !== undefined) this.merged.release(mergeKey);
      return this.respondSafely(tx, reply(req, 480, checks, 'No Client For Request'));
    }
    const [user, claim] = routed;
    if (tx instanceof InviteServerTransaction) this.trackInvite(tx, user);
    // RFC 3261 §8.2.2.2: the request is in progress until its transaction ends (serverTransactionEnded)
    if (mergeKey !== undefined) tx.coreMergeKey = mergeKey;
    this.guard(() => user.onRequest(tx, claim));
  }

  /** Remembers who owns an INVITE (for CANCEL) until its transaction ends (serverTransactionEnded). */
  private trackInvite(tx: InviteServerTransaction, user: StackUser): void {
    if (tx.coreOwner === undefined) this.pendingInvites++;
    tx.coreOwner = user;
  }

  /**
   * A server transaction ended (the transaction layer's termination hook, whatever `tx.user`
   * is now): forget its INVITE owner and release its RFC 3261 §8.2.2.2 merged-request key.
   */
  private serverTransactionEnded(tx: ServerTransaction): void {
    if (tx.coreOwner !== undefined) {
      tx.coreOwner = undefined;
      this.pendingInvites--;
    }
    const key = tx.coreMergeKey;
    if (key === undefined) return;
    tx.coreMergeKey = undefined;
    this.merged.release(key);
  }

  private pickUser(req: SipRequest, iapId: string): [StackUser, Claim] | undefined {
    let fallback: [StackUser, Claim] | undefined;
    for (const u of this.users) {
      const c = u.claim(req, iapId);
      if (c === 'connection') return [u, c];
      if (c === 'client' && fallback === undefined) fallback = [u, c];
    }
    return fallback;
  }

  private handleCancel(cancelTx: ServerTransaction, inviteTx: InviteServerTransaction | undefined): void {
    const checks = { server: this.userAgent };
    // RFC 3261 §9.2: no matching INVITE → 481; otherwise 200 to the CANCEL
    if (inviteTx === undefined) return this.respondSafely(cancelTx, reply(cancelTx.request, 481, checks));
    this.respondSafely(cancelTx, reply(cancelTx.request, 200, checks));
    if (inviteTx.rfcState !== 'Proceeding') return; // already answered: the CANCEL has no effect
    this.respondSafely(inviteTx, reply(inviteTx.request, 487, checks, undefined, inviteTx.responseToTag));
    const owner = inviteTx.coreOwner as StackUser | undefined;
    // an owner removed since (removeUser) is told nothing
    if (owner?.onInviteCanceled !== undefined && this.users.includes(owner)) this.guard(() => owner.onInviteCanceled?.(inviteTx));
  }

  private respondSafely(tx: ServerTransaction, res: SipResponse): void {
    try {
      tx.respond(res);
    } catch (e) {
      this.logger.warn('response not sent', { status: res.status, error: String(e) });
    }
  }

  private replyStateless(req: SipRequest, status: number, reason: string, source: MessageSource): void {
    let res: SipResponse;
    try {
      res = reply(req, status, { server: this.userAgent }, reason);
    } catch {
      return; // not even the headers a response copies are usable: drop (RFC 3261 §8.2)
    }
    this.transport.sendResponse(res, source).catch((e: unknown) => this.logger.info('error response not sent', { error: String(e) }));
  }

  private checkSendable(iapId: string): void {
    if (this.state === 'stopped') throw new SipError(SipErrorCode.StackShutdown, 'stack shut down');
    if (this.state !== 'started') throw new SipError(SipErrorCode.InvalidState, 'stack not started');
    if (!this.hasIap(iapId)) throw new SipError(SipErrorCode.UnknownIap, `no IAP ${iapId}`);
  }

  private emit(e: StackEvent): void {
    for (const l of [...this.listeners]) this.guard(() => l(e));
  }

  /** A user's callback that throws must not break the stack: log and go on. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.logger.error('stack user threw', { error: String(e) });
    }
  }
}
