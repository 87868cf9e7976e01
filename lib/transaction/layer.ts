/**
 * The transaction layer (RFC 3261 §17): owns the table of client and server transactions, matches
 * incoming messages to them (§17.1.3, §17.2.3), creates the right machine for each request, builds
 * and sends CANCEL (§9.1), retransmits 2xx for the UAS core on request (§13.3.1.4, RFC 6026),
 * enforces the transaction limits and reports what it cannot handle to its caller (the stack).
 *
 * Via handling: a request sent through {@link TransactionLayer.sendRequest} keeps its top Via and
 * gets a fresh `z9hG4bK` branch if that Via has none. A request without any Via gets one with the
 * target's transport and the placeholder sent-by `0.0.0.0`, which the transport overwrites
 * (TransportPort contract, RFC 3261 §18.1.1).
 *
 * Limits: beyond `maxClientTransactions` sending throws LimitExceeded; beyond
 * `maxServerTransactions` a new request is answered 503 statelessly by the layer. CANCEL is exempt
 * on both sides (it ends work) and ACK never makes a transaction.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { MessageSource, SendTarget } from '../transport/types.js';
import { BRANCH_MAGIC_COOKIE, type SipRequest, type SipResponse, Via, createResponse } from '../message/index.js';
import { randomToken } from '../message/random-pool.js';
import { CancelState, PendingCancel } from './cancel.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { LOAD_REFUSALS } from './layer-types.js';
import type {
  ClientTransaction,
  LimitRejections,
  RequestDisposition,
  ResponseDisposition,
  StatelessRefusal,
  ServerTransaction,
  TransactionLayerOptions,
  TransactionStats,
} from './layer-types.js';
import { clientKey, serverKey2543, serverKey3261 } from './matching.js';
import { ExpiryQueue, ExpiryQueuesByDuration } from './expiry-queue.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { buildCancel } from './requests.js';
import { ownString } from '../message/own-copy.js';
import { RefusedRequests } from './refused-requests.js';
import { type Retransmit2xxOptions, TwoXxRetransmitter } from './retransmit-2xx.js';
import { type TimerValues, timerValues } from './timers.js';
import { SILENT_LOGGER, type Transaction, type TransactionContext, settle } from './transaction.js';
import type { ClientTransactionUser } from './user.js';

const DEFAULT_LIMIT = 10_000;
/**
 * Default `maxUnacknowledgedInvites`: ~2.3 KB each with its INVITE transaction and dialog
 * (bench/lib/uas-heap-probe.ts NOACK=1), so ~23 MB at most; 5 000 refused a third of a 4 s burst
 * at 7 000 calls/s against a UAS sustaining ~5 000, whose ACKs then wait a second in the queue.
 */
const DEFAULT_MAX_UNACKNOWLEDGED_INVITES = 10_000;
/** Default `limitRetryAfter`, seconds: long enough for a burst's 2xx to be ACKed or given up on, short against the 32 s window. */
const DEFAULT_LIMIT_RETRY_AFTER = 5;
/** Default `unacknowledgedGiveUpAfter`, ms: T1 = 500 ms has then resent the 2xx three times without an ACK. */
const DEFAULT_UNACKNOWLEDGED_GIVE_UP_AFTER = 4000;
/** Default `maxRememberedRefusals` (~120 B each: the key, its entry and a ring slot). */
const DEFAULT_MAX_REMEMBERED_REFUSALS = 10_000;

/**
 * A limit setting that is a whole number, 0 turning its rule off.
 * @param unit words after "whole number" in the error (' of ms').
 * @throws SipError(InvalidArgument) for a fraction, a negative number or NaN.
 */
function wholeOrOff(name: string, value: number, unit: string): number {
  if (!Number.isInteger(value) || value < 0) throw new SipError(SipErrorCode.InvalidArgument, `${name} must be a whole number${unit} >= 0, not ${value}`);
  return value;
}

/** A fresh RFC 3261 branch: the magic cookie and 96 random bits (pooled, see random-pool.ts). */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomToken(12, 'base64url');
}

export type { ClientTransaction, RequestDisposition, ResponseDisposition, ServerTransaction, TransactionLayerOptions, TransactionStats };

/** The RFC 3261 §17 transaction layer. */
export class TransactionLayer {
  private readonly ctx: TransactionContext;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  /** CANCELs waiting for a provisional response. */
  private readonly cancels = new Map<InviteClientTransaction, PendingCancel>();
  /** Every CANCEL asked for, so cancel() is idempotent. */
  private readonly cancelled = new WeakMap<InviteClientTransaction, PendingCancel>();
  private readonly twoXx: TwoXxRetransmitter;
  private readonly maxClients: number;
  private readonly maxServers: number;
  private readonly maxUnacknowledged: number;
  /** See `StackLimits.unacknowledgedGiveUpAfter` (0: never). */
  private readonly giveUpAfter: number;
  /** Retry-After of a limit's 503, as header text ('' = none). */
  private readonly limitRetryAfter: string;
  private readonly rejections: LimitRejections = { serverTransactions: 0, unacknowledgedInvites: 0, retransmissions: 0, ackWaitsGivenUp: 0 };
  /** Keys of the requests a limit refused, so their retransmissions are refused too (refused-requests.ts). */
  private readonly refused: RefusedRequests;
  /** Stateless refusals sent since start, by status (the UAS core's, not the limits' 503s). */
  private readonly refusals: Record<number, number> = {};
  private closed = false;
  /** See {@link onServerTerminated}. */
  private serverEndListener: ((tx: ServerTransaction) => void) | undefined;

  /** @throws RangeError on invalid timer values. */
  constructor(options: TransactionLayerOptions) {
    const timers = timerValues(options.timers);
    // the first 2xx retransmission's wait: emptied by nearly every ACK, so its sweep lingers
    const t1 = new ExpiryQueue(options.clock, timers.t1, true);
    const backoff = new ExpiryQueuesByDuration(options.clock, [t1]);
    this.ctx = {
      transport: options.transport,
      clock: options.clock,
      timers,
      logger: options.logger ?? SILENT_LOGGER,
      queues: {
        timeout64: new ExpiryQueue(options.clock, timers.timeout64),
        t1,
        t4: new ExpiryQueue(options.clock, timers.t4),
        trying100: new ExpiryQueue(options.clock, timers.trying100Delay),
        backoff: (ms) => backoff.get(ms),
      },
    };
    this.maxClients = options.limits?.maxClientTransactions ?? DEFAULT_LIMIT;
    this.maxServers = options.limits?.maxServerTransactions ?? DEFAULT_LIMIT;
    this.maxUnacknowledged = options.limits?.maxUnacknowledgedInvites ?? DEFAULT_MAX_UNACKNOWLEDGED_INVITES;
    const retryAfter = wholeOrOff('limitRetryAfter', options.limits?.limitRetryAfter ?? DEFAULT_LIMIT_RETRY_AFTER, ' of seconds');
    this.limitRetryAfter = retryAfter > 0 ? String(retryAfter) : '';
    this.twoXx = new TwoXxRetransmitter(this.ctx);
    const remembered = wholeOrOff('maxRememberedRefusals', options.limits?.maxRememberedRefusals ?? DEFAULT_MAX_REMEMBERED_REFUSALS, '');
    this.refused = new RefusedRequests(options.clock, timers.timeout64, remembered);
    this.giveUpAfter = wholeOrOff('unacknowledgedGiveUpAfter', options.limits?.unacknowledgedGiveUpAfter ?? DEFAULT_UNACKNOWLEDGED_GIVE_UP_AFTER, ' of ms');
  }

  /** The RFC 3261 §17 timer values in force (T1, T2, T4, 64*T1, the 100 Trying delay). */
  get timers(): TimerValues {
    return this.ctx.timers;
  }

  /**
   * Sends a request on a new client transaction: INVITE gets an {@link InviteClientTransaction},
   * anything else a {@link NonInviteClientTransaction}. Fills in the branch (see the module doc).
   * @throws SipError(StackShutdown) after {@link close}; SipError(MethodNotAllowed) for ACK (the
   *   ACK for 2xx is the dialog layer's, sent straight through the transport);
   *   SipError(LimitExceeded) over `maxClientTransactions`; SipError(InvalidArgument) if Via,
   *   CSeq, Call-ID, From or To is malformed or missing, the CSeq method is not the request's
   *   (RFC 3261 §8.1.1.5), or a live transaction has the same branch and method.
   */
  sendRequest(request: SipRequest, target: SendTarget, user: ClientTransactionUser): ClientTransaction {
    if (this.closed) throw new SipError(SipErrorCode.StackShutdown, 'transaction layer closed');
    if (request.method === 'ACK') throw new SipError(SipErrorCode.MethodNotAllowed, 'ACK is not sent on a client transaction');
    if (this.clients.size >= this.maxClients) {
      throw new SipError(SipErrorCode.LimitExceeded, `client transaction limit ${this.maxClients} reached`);
    }
    const problem = unusable(request, true);
    if (problem !== undefined) throw new SipError(SipErrorCode.InvalidArgument, `request not sendable: ${problem}`);
    this.ensureBranch(request, target);
    const key = clientKey(request) ?? '';
    if (this.clients.has(key)) throw new SipError(SipErrorCode.InvalidArgument, 'a transaction with this branch and method is live');
    return this.startClient(key, request, target, user);
  }

  /**
   * Cancels an INVITE client transaction (RFC 3261 §9.1). The CANCEL is built at once and sent
   * on its own non-INVITE client transaction as soon as the INVITE has had a provisional response
   * (never synchronously inside this call). If the INVITE gets a final response or ends first, the
   * CANCEL is dropped and `user.onTerminated` alone is called. A second call returns the same
   * {@link PendingCancel}. CANCELs do not count against `maxClientTransactions` (they reduce load).
   * @throws SipError(StackShutdown) after close; SipError(InvalidState) if the INVITE already got
   *   a final response or ended.
   */
  cancel(invite: InviteClientTransaction, user: ClientTransactionUser): PendingCancel {
    if (this.closed) throw new SipError(SipErrorCode.StackShutdown, 'transaction layer closed');
    const existing = this.cancelled.get(invite);
    if (existing !== undefined) return existing;
    if (invite.rfcState !== 'Calling' && invite.rfcState !== 'Proceeding') {
      throw new SipError(SipErrorCode.InvalidState, `cannot cancel an INVITE in state ${invite.rfcState}`);
    }
    const pending = new PendingCancel(invite, buildCancel(invite.request), user);
    this.cancels.set(invite, pending);
    this.cancelled.set(invite, pending);
    invite.whenProceeding((ok) => {
      this.cancels.delete(invite);
      const key = clientKey(pending.request) ?? '';
      // RFC 3261 §9.1: only while the INVITE is still Proceeding (no final response yet)
      if (!ok || this.closed || invite.rfcState !== 'Proceeding' || this.clients.has(key)) {
        pending.state = CancelState.Dropped;
        user.onTerminated?.();
        return;
      }
      pending.state = CancelState.Sent;
      pending.tx = this.startClient(key, pending.request, invite.target, user) as NonInviteClientTransaction;
    });
    return pending;
  }

  /** RFC 3261 §17.1.3: hands a response to its client transaction, or returns it as stray. */
  receiveResponse(response: SipResponse, _source: MessageSource): ResponseDisposition {
    let key: string | undefined;
    try {
      key = this.closed ? undefined : clientKey(response);
    } catch (e) {
      this.ctx.logger.debug('unmatchable response', { error: String(e) });
    }
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (tx === undefined) {
      this.ctx.logger.debug('stray response', { status: response.status, key });
      return { kind: 'stray', response };
    }
    tx.receiveResponse(response);
    return { kind: 'matched', tx };
  }

  /**
   * RFC 3261 §17.2.3: hands a request to its server transaction, or makes a new one.
   * @param deferStart when true, a new transaction's timers (the INVITE's 100 Trying delay,
   *   §17.2.1) wait until the caller calls `tx.start()`, which it must, once it has offered the
   *   request to its TU: a TU that answers at once then costs no timer at all. The delay counts
   *   from that call (the same tick).
   * @param refuse the UAS core's stateless refusal (see {@link StatelessRefusal}), asked about a
   *   request that matched no transaction before one is made for it.
   */
  receiveRequest(request: SipRequest, source: MessageSource, deferStart = false, refuse?: StatelessRefusal): RequestDisposition {
    if (this.closed) return { kind: 'dropped', reason: 'closed' };
    const problem = request.via.length === 0 ? 'no Via' : unusable(request, false);
    if (problem !== undefined) {
      this.ctx.logger.info('request dropped', { problem });
      return { kind: 'dropped', reason: 'malformed' };
    }
    const method = request.method;
    if (method === 'ACK') {
      const tx = this.findServer(request, 'INVITE');
      if (tx instanceof InviteServerTransaction && tx.receiveRequest(request) === 'absorbed') return { kind: 'absorbed', tx };
      const retransmissionStopped = this.twoXx.ackReceived(request);
      return tx instanceof InviteServerTransaction ? { kind: 'ack2xx', inviteTx: tx, retransmissionStopped } : { kind: 'ack2xx', retransmissionStopped };
    }
    // RFC 3261 §17.2.3 (RFC 2543 fallback for branches without the cookie); the same key files a new transaction
    const key = serverKey3261(request, method) ?? serverKey2543(request, method);
    const existing = key === undefined ? undefined : this.servers.get(key);
    if (existing !== undefined) {
      existing.receiveRequest(request);
      return { kind: 'absorbed', tx: existing };
    }
    // RFC 3261 §9.2: the CANCEL matches the INVITE transaction as a request of method INVITE would
    const inviteTx = method === 'CANCEL' ? this.findServer(request, 'INVITE') : undefined;
    // a retransmission of a request refused for a limit or the load gets that 503 again, whatever
    // the load now: its client already has a final answer (refused-requests.ts); asked before the
    // stack user's admission, which would count it as a new request
    if (method !== 'CANCEL' && key !== undefined && this.refused.size > 0 && this.refused.refusedRecently(key)) {
      this.rejections.retransmissions++;
      return this.reject503(request, source, 'retransmission of a request refused for a limit: 503', undefined);
    }
    if (refuse !== undefined) {
      const refusal = this.refusal(refuse, request, inviteTx instanceof InviteServerTransaction, source);
      if (refusal !== undefined) {
        this.refusals[refusal.status] = (this.refusals[refusal.status] ?? 0) + 1;
        // refused for the load (the stack user's admission): its retransmissions get a 503 whatever
        // the load is then, as after a limit's 503 (above)
        if (key !== undefined && method !== 'CANCEL' && LOAD_REFUSALS.has(refusal.status)) this.refused.remember(key);
        return this.sendStateless(refusal, source);
      }
    }
    if (method !== 'CANCEL') {
      if (this.servers.size >= this.maxServers) return this.refuseOverLimit(request, source, key, 'serverTransactions', this.maxServers);
      // A new INVITE while too many 2xx wait for their ACK: each holds a dialog and a retransmission
      // for 64*T1 (RFC 3261 §13.3.1.4), which a flood of never-ACKed INVITEs must not multiply. It
      // may take the place of one whose ACK has stopped coming (waited unacknowledgedGiveUpAfter),
      // so the 2xx of calls lost in a burst do not refuse new calls for the rest of their 32 s;
      // holding no more, it cannot let a flood hold more either.
      if (method === 'INVITE' && request.to.tag === undefined && this.twoXx.size >= this.maxUnacknowledged) {
        if (this.giveUpAfter > 0 && this.twoXx.giveUpOldest(this.giveUpAfter)) this.rejections.ackWaitsGivenUp++;
        else return this.refuseOverLimit(request, source, key, 'unacknowledgedInvites', this.maxUnacknowledged);
      }
    }
    const tx = this.startServer(request, source, key ?? '', deferStart && method !== 'CANCEL');
    if (method === 'CANCEL') {
      const cancelTx = tx as NonInviteServerTransaction;
      return inviteTx instanceof InviteServerTransaction ? { kind: 'cancel', cancelTx, inviteTx } : { kind: 'cancel', cancelTx };
    }
    return { kind: 'new', tx };
  }

  /**
   * Sends a 2xx through an INVITE server transaction (→ RFC 6026 Accepted) and retransmits it at
   * T1, 2*T1 ... T2 until the ACK arrives through {@link receiveRequest} or 64*T1 passed
   * (RFC 3261 §13.3.1.4: then `options.onAckTimeout`, and the TU should send BYE).
   * @returns the key for {@link stop2xxRetransmission}.
   * @throws what `tx.respond` throws; SipError(InvalidArgument) if `response` is not a 2xx.
   */
  retransmit2xxUntilAck(tx: InviteServerTransaction, response: SipResponse, options: Retransmit2xxOptions = {}): string {
    if (response.status < 200 || response.status >= 300) throw new SipError(SipErrorCode.InvalidArgument, 'only a 2xx is retransmitted until ACK');
    tx.respond(response);
    return this.twoXx.start(response, tx.source, options);
  }

  /** Stops a 2xx retransmission (e.g. the dialog ended). @returns true if one was running. */
  stop2xxRetransmission(key: string): boolean {
    return this.twoXx.stop(key);
  }

  /**
   * A TCP/TLS connection closed (wire it to `TransportUser.onConnectionClosed`). Client
   * transactions whose request went over it and that have no final response yet end with
   * `onTransportError` (RFC 3261 §17.1.4), so the caller can fail over at once instead of waiting
   * for Timer B/F. Server transactions are left alone: their responses may still go over a new
   * connection (RFC 3261 §18.2.2), and a failed send is reported then.
   * @returns how many client transactions were failed.
   */
  connectionClosed(info: { connectionId: number; reason?: string }): number {
    const hit = [...this.clients.values()].filter((tx) => tx.connectionId === info.connectionId && tx.awaitingFinal);
    for (const tx of hit) {
      tx.connectionLost(new SipError(SipErrorCode.TransportError, `connection closed (${info.reason ?? 'unknown'})`));
    }
    return hit.length;
  }

  /** Requests refused with a stateless 503 for a limit since the layer started. */
  limitRejections(): LimitRejections {
    return { ...this.rejections };
  }

  /**
   * The UAS core's stateless refusals (see {@link StatelessRefusal}) since the layer started, by
   * status: an operator's view of the garbage and strays that got an answer and no transaction.
   */
  statelessRefusals(): Record<number, number> {
    return { ...this.refusals };
  }

  /** A request over one of the limits: counted, its key remembered for its retransmissions, a 503. */
  private refuseOverLimit(request: SipRequest, source: MessageSource, key: string | undefined, limit: 'serverTransactions' | 'unacknowledgedInvites', value: number): RequestDisposition {
    this.rejections[limit]++;
    if (key !== undefined) this.refused.remember(key);
    const why = limit === 'serverTransactions' ? 'server transaction limit reached: 503' : 'unacknowledged INVITE limit reached: 503';
    return this.reject503(request, source, why, value);
  }

  /**
   * RFC 3261 §21.5.4: a stateless 503 (no transaction is made for a request over a limit), with
   * Retry-After (`limitRetryAfter`) so the client may retry and a dispatcher may go elsewhere.
   */
  private reject503(request: SipRequest, source: MessageSource, why: string, limit: number | undefined): RequestDisposition {
    this.ctx.logger.warn(why, { limit, method: request.method });
    const res = createResponse(request, 503, 'Service Unavailable');
    if (this.limitRetryAfter !== '') res.headers.set('Retry-After', this.limitRetryAfter);
    return this.sendStateless(res, source);
  }

  /** Asks the caller's {@link StatelessRefusal}; one that throws is logged and refuses nothing. */
  private refusal(refuse: StatelessRefusal, request: SipRequest, inviteFound: boolean, source: MessageSource): SipResponse | undefined {
    try {
      return refuse(request, inviteFound, source);
    } catch (e) {
      this.ctx.logger.error('stateless refusal threw', { error: String(e) });
      return undefined;
    }
  }

  /** Sends a final response outside any transaction (a refusal or a limit's 503). */
  private sendStateless(res: SipResponse, source: MessageSource): RequestDisposition {
    settle(() => this.ctx.transport.sendResponse(res, source)).then(undefined, (e: unknown) => this.ctx.logger.warn('stateless response not sent', { status: res.status, error: String(e) }));
    return { kind: 'rejected', status: res.status };
  }

  /** Live objects by kind; all zero once every transaction ran its course. */
  stats(): TransactionStats {
    const s = { clientInvite: 0, clientNonInvite: 0, serverInvite: 0, serverNonInvite: 0, pendingCancels: this.cancels.size, retransmitting2xx: this.twoXx.size };
    for (const tx of this.clients.values()) tx.kind === 'ict' ? s.clientInvite++ : s.clientNonInvite++;
    for (const tx of this.servers.values()) tx.kind === 'ist' ? s.serverInvite++ : s.serverNonInvite++;
    return { ...s, total: s.clientInvite + s.clientNonInvite + s.serverInvite + s.serverNonInvite + s.pendingCancels + s.retransmitting2xx };
  }

  /**
   * Sets (or with `undefined` removes) the one listener told when a server transaction reaches
   * Terminated, for any reason ({@link close} included), once, from the machine's own termination
   * hook: before `tx.user.onTerminated` and whatever `tx.user` is, so the UAS core's bookkeeping
   * (INVITE owners, RFC 3261 §8.2.2.2 merged-request keys) does not depend on an upper layer
   * keeping a wrapped `tx.user`. A listener that throws is logged.
   */
  onServerTerminated(listener: ((tx: ServerTransaction) => void) | undefined): void {
    this.serverEndListener = listener;
  }

  /** True after {@link close}. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Stops every timer and terminates every transaction (users get `onTerminated` only); pending
   * CANCELs are dropped. Later calls to send throw StackShutdown; received messages are dropped
   * (requests) or stray (responses). Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.twoXx.stopAll();
    this.refused.clear();
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.abort();
    this.clients.clear();
    this.servers.clear();
    this.ctx.queues.t1.stopIfEmpty();
  }

  private startClient(key: string, request: SipRequest, target: SendTarget, user: ClientTransactionUser): ClientTransaction {
    const tx =
      request.method === 'INVITE'
        ? new InviteClientTransaction(this.ctx, request, target, user, this.clientEnded)
        : new NonInviteClientTransaction(this.ctx, request, target, user, this.clientEnded);
    tx.key = key;
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** One termination hook shared by every client transaction (not a closure per transaction). */
  private readonly clientEnded = (t: Transaction): void => {
    if (this.clients.get(t.key) === t) this.clients.delete(t.key);
  };

  /** One termination hook shared by every server transaction (not a closure per transaction). */
  private readonly serverEnded = (t: Transaction): void => {
    if (this.servers.get(t.key) === t) this.servers.delete(t.key);
    const listener = this.serverEndListener;
    if (listener === undefined) return;
    try {
      listener(t as ServerTransaction);
    } catch (e) {
      this.ctx.logger.error('server termination listener threw', { branch: t.branch, error: String(e) });
    }
  };

  private startServer(request: SipRequest, source: MessageSource, key: string, deferStart: boolean): ServerTransaction {
    const onEnd = this.serverEnded;
    const tx =
      request.method === 'INVITE'
        ? new InviteServerTransaction(this.ctx, request, source, onEnd)
        : new NonInviteServerTransaction(this.ctx, request, source, onEnd);
    // flat: the key is a concatenation of slices of the request's text and would pin all of it
    tx.key = ownString(key);
    this.servers.set(tx.key, tx);
    if (!deferStart) tx.start();
    return tx;
  }

  /** RFC 3261 §17.2.3 lookup, with the RFC 2543 fallback when the branch lacks the cookie. */
  private findServer(request: SipRequest, method: string): ServerTransaction | undefined {
    const k3261 = serverKey3261(request, method);
    if (k3261 !== undefined) return this.servers.get(k3261);
    if (request.method !== 'ACK') {
      const k = serverKey2543(request, method);
      return k === undefined ? undefined : this.servers.get(k);
    }
    // an ACK carries the response's To tag: the INVITE had that tag (re-INVITE) or none
    for (const tag of [request.to.tag ?? null, null]) {
      const k = serverKey2543(request, method, tag);
      const tx = k === undefined ? undefined : this.servers.get(k);
      if (tx instanceof InviteServerTransaction && tx.ackToTagMatches(request)) return tx;
    }
    return undefined;
  }

  /** Gives the top Via a branch, adding a Via if there is none (see the module doc). */
  private ensureBranch(request: SipRequest, target: SendTarget): void {
    const vias = request.via;
    if (vias.length === 0) {
      const via = new Via({ transport: target.protocol.toUpperCase(), host: '0.0.0.0', params: { branch: newBranch() } });
      request.headers.prepend('Via', via.toString());
      return;
    }
    const top = vias[0];
    if (top.branch !== undefined && top.branch !== '') return;
    const copy = top.clone();
    copy.branch = newBranch();
    const raw = request.headers.getAll('Via');
    raw[0] = copy.toString();
    request.headers.set('Via', raw);
  }
}

/**
 * What makes a request unusable for the transaction layer: a malformed Via, CSeq, Call-ID, From
 * or To (missing ones included), and for our own requests (`outgoing`) a CSeq method other than
 * the request method (a received one is the UAS core's to answer with 400). The parsers throw;
 * this turns that into a reason. `undefined` if the request is usable.
 */
function unusable(request: SipRequest, outgoing: boolean): string | undefined {
  try {
    void request.via;
    void request.callId;
    void request.from;
    void request.to;
    if (request.cseq.method !== request.method && outgoing) return 'CSeq method differs from the request method';
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
