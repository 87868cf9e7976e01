/**
 * CSIPClientTransaction: a request the app sent, its latest response, CANCEL for INVITE, and the
 * ownership rule for INVITE (DESIGN §3: after a 2xx it lives until `inviteCompleted` or
 * `errorOccurred`, or until its connection goes Inactive/Unavailable).
 *
 * States (include-types `TransactionState`): Constructing while the next hop resolves, then the
 * RFC 3261 §17.1 machine's (Calling/Trying → Proceeding → Completed → Terminated; an INVITE with a
 * 2xx shows Terminated at once). A 401/407 is answered here when credentials exist (RFC 3261
 * §22.2): the request goes again with the next CSeq on a new machine, and the app sees only the
 * final outcome. Without credentials the `HttpDigestChallengeObserver` is asked, if there is one.
 *
 * Its own progress (Sending, Challenged, Final, Accepted, InviteCompleted, Terminated, Failed) is
 * one internal {@link ClientTxState}; the transitions are listed in client-transaction-state.ts.
 * @module
 */
import type { ClientTransaction as ClientTransactionView, Refresh } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { TransactionState } from '../../../include-types/states.js';
import { SipRequest, type SipResponse, type SipUri } from '../../message/index.js';
import type { OutgoingRequest } from '../../stack/index.js';
import { type ClientTransactionUser, type PendingCancel, buildCancel } from '../../transaction/index.js';
import { RequestElements } from '../elements/request-elements.js';
import { ResponseElements } from '../elements/response-elements.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { answerChallenge, challengedRealms, isChallenge, nextAttempt, withCredentials } from './digest-retry.js';
import { Transaction } from './transaction.js';
import { ClientTxState, clientTxEnded, clientTxTransitionAllowed } from './client-transaction-state.js';

/** The receiver of one client transaction's events (connection, binding, dialog assoc, refresh). */
export interface ClientTxOwner {
  /** A response arrived (provisional or final; digest challenges already handled). */
  onResponse(tx: ClientTransaction, res: SipResponse): void;
  /** The request failed: timeout, transport error, resolution failure. */
  onError(tx: ClientTransaction, error: SipError): void;
  /** INVITE only: the transaction ended 64*T1 after its first 2xx: no more forked 2xx. */
  onInviteCompleted?(tx: ClientTransaction): void;
  /**
   * The request to send again after a digest challenge: same Call-ID and tags, next CSeq
   * (RFC 3261 §22.2). Default: a copy of `previous` with CSeq + 1.
   */
  rebuild?(tx: ClientTransaction, previous: SipRequest): SipRequest;
  /**
   * A final response the owner answers by sending the request again on this same transaction
   * (e.g. RFC 4028 §7.3: 422 with a larger Session-Expires). Returns the new request, or undefined.
   */
  retryOn?(tx: ClientTransaction, res: SipResponse): SipRequest | undefined;
}

/** A refresh that wants to know which of its transactions waits for credentials. */
export interface ChallengeSink {
  noteChallenge(tx: ClientTransaction): void;
}

/** Options of a client transaction. */
export interface ClientTxOptions {
  /** Send to this proxy whatever the Route/Request-URI say. */
  outboundProxy?: SipUri;
  /** The refresh the request belongs to. */
  refresh?: Refresh;
}

/** The CANCEL for an INVITE (RFC 3261 §9.1); before the INVITE has its Via (still resolving) a copy shows what would be sent. */
function cancelRequest(invite: SipRequest): SipRequest {
  if (invite.via.length > 0) return buildCancel(invite);
  const c = new SipRequest({ method: 'CANCEL', uri: invite.uri.clone() });
  for (const name of ['Route', 'Max-Forwards', 'From', 'To', 'Call-ID']) for (const v of invite.headers.getAll(name)) c.headers.append(name, v);
  c.headers.set('CSeq', `${invite.cseq.seq} CANCEL`);
  return c;
}

/** Most digest answers per transaction before the challenge goes to the app as a response. */
const MAX_AUTH_ROUNDS = 4;

/** A request the app sent; it owns the object and disposes it. */
export class ClientTransaction extends Transaction implements ClientTransactionView {
  readonly kind = 'ClientTransaction';
  private current: SipRequest;
  private out: OutgoingRequest | undefined;
  private latest: ResponseElements | undefined;
  /** Where the request is in its life (see client-transaction-state.ts). */
  private life: ClientTxState = ClientTxState.Sending;
  /** The status of the final response given to the owner, once one was. */
  private finalStatus: number | undefined;
  /** Its connection went down: latched beside the state, silences every observer call. */
  private dropped = false;
  private authRounds = 0;
  private retries = 0;
  private pendingChallenge: SipResponse | undefined;
  private pendingCancel: PendingCancel | undefined;
  private realms: Array<{ origin: 'www' | 'proxy'; realm: string }> = [];
  private readonly untrack: () => void;
  private linkedRefresh: Refresh | undefined;

  /** @internal Built by the API objects that send; the app never constructs one. */
  constructor(
    /** @internal */
    readonly connectionContext: ConnectionContext,
    private readonly owner: ClientTxOwner,
    request: SipRequest,
    private readonly options: ClientTxOptions = {},
  ) {
    super(connectionContext.client.live, request.method);
    this.current = request;
    this.linkedRefresh = options.refresh;
    this.untrack = connectionContext.track(this);
    this.track();
  }

  /** True once the request is over (its machine ended, or it failed). */
  private get ended(): boolean {
    return clientTxEnded(this.life);
  }

  /** True once a final response went to the owner. */
  private get finalSeen(): boolean {
    return this.finalStatus !== undefined;
  }

  /** True for an INVITE whose final response was a 2xx. */
  private get got2xx(): boolean {
    return this.type === 'INVITE' && this.finalStatus !== undefined && this.finalStatus < 300;
  }

  /**
   * The one place the internal state changes; staying put is no transition. A transition the
   * table does not allow is a bug in this class: it throws.
   */
  private moveTo(next: ClientTxState): void {
    if (next === this.life) return;
    if (!clientTxTransitionAllowed(this.life, next)) {
      const msg = `ClientTransaction ${this.type}: illegal state transition ${this.life} → ${next}`;
      this.connectionContext.client.logger.error(msg);
      throw new Error(msg);
    }
    this.life = next;
  }

  /**
   * @internal Sends the request. On a synchronous refusal the object is released and the error
   * thrown (the app never saw it).
   */
  start(): this {
    try {
      this.send(this.current);
    } catch (e) {
      this.forceDispose();
      throw e;
    }
    return this;
  }

  /** The request as sent (stack fields filled in), latest attempt. */
  get requestElements(): RequestElements {
    return RequestElements.fromMessage(this.current);
  }

  /** @internal The request of the latest attempt. */
  get request(): SipRequest {
    return this.current;
  }

  /** The latest response (CSIPClientTransaction::ResponseElements); each new one replaces it. */
  get responseElements(): ResponseElements | undefined {
    return this.latest;
  }

  /** The refresh this request belongs to, if any. */
  get refresh(): Refresh | undefined {
    return this.linkedRefresh;
  }

  /** @internal Ties the transaction to a refresh. */
  set refresh(r: Refresh | undefined) {
    this.linkedRefresh = r;
  }

  get isClientTransaction(): true {
    return true;
  }

  get state(): TransactionState {
    if (this.pendingCancel !== undefined) {
      if (this.pendingCancel.tx !== undefined) return this.pendingCancel.tx.state;
      return this.pendingCancel.state === 'Dropped' || this.ended ? TransactionState.Terminated : TransactionState.Trying;
    }
    if (this.out === undefined) return this.ended ? TransactionState.Terminated : TransactionState.Constructing;
    const m = this.out.transaction;
    if (m !== undefined) return m.state;
    if (this.ended || this.out.isFinished) return TransactionState.Terminated;
    return TransactionState.Constructing;
  }

  /** True for an INVITE that has had no final response yet. */
  get cancelAllowed(): boolean {
    if (this.type !== 'INVITE' || this.isDisposed || this.dropped || this.finalSeen || this.life === ClientTxState.Failed || this.life === ClientTxState.Challenged) return false;
    const m = this.out?.transaction;
    return m === undefined ? this.out !== undefined && !this.out.isFinished : m.rfcState === 'Calling' || m.rfcState === 'Proceeding';
  }

  /** @internal The realms challenged so far (to authorize later requests pre-emptively). */
  get challengedRealms(): ReadonlyArray<{ origin: 'www' | 'proxy'; realm: string }> {
    return this.realms;
  }

  /** @internal True if the INVITE got a 2xx. */
  get answered(): boolean {
    return this.got2xx;
  }

  /**
   * Cancels the INVITE (RFC 3261 §9.1). The CANCEL goes out once a provisional response arrived;
   * if the INVITE gets a final response first, nothing is sent and the CANCEL ends (Terminated).
   * @returns the CANCEL's own client transaction, which the app owns.
   * @throws SipError(MethodNotAllowed) for a non-INVITE; SipError(InvalidState) once a final
   *   response arrived; SipError(ObjectDisposed).
   */
  cancel(): ClientTransaction {
    this.assertAlive();
    if (this.type !== 'INVITE') throw new SipError(SipErrorCode.MethodNotAllowed, 'only an INVITE can be cancelled');
    if (!this.cancelAllowed || this.out === undefined) throw new SipError(SipErrorCode.InvalidState, 'the INVITE already has a final response');
    const cancelTx = new ClientTransaction(this.connectionContext, this.owner, cancelRequest(this.out.request));
    const user = cancelTx.machineUser(true);
    const pending = this.out.cancel(user);
    cancelTx.pendingCancel = pending ?? undefined;
    if (pending === undefined) cancelTx.moveTo(ClientTxState.Terminated);
    return cancelTx;
  }

  /** @internal The app gave credentials for the pending challenge: answer it now. */
  retryChallenge(): void {
    const res = this.pendingChallenge;
    if (res === undefined || this.isDisposed) return;
    this.pendingChallenge = undefined;
    if (!this.tryChallenge(res)) this.deliverFinal(res);
  }

  /** @internal The app declined the pending challenge: the 401/407 is the final response. */
  ignoreChallenge(): void {
    const res = this.pendingChallenge;
    if (res === undefined) return;
    this.pendingChallenge = undefined;
    this.deliverFinal(res);
  }

  /** @internal True while the app is asked for credentials. */
  get awaitingCredentials(): boolean {
    return this.pendingChallenge !== undefined;
  }

  /** @internal The connection went down: no more callbacks (Symbian drops silently). */
  dropSilently(): void {
    this.dropped = true;
    this.pendingChallenge = undefined;
  }

  /** @internal True once dropped with its connection. */
  get isDropped(): boolean {
    return this.dropped;
  }

  /** @internal Posts an observer call that is skipped if the app disposed the transaction meanwhile. */
  post(fn: () => void): void {
    this.connectionContext.client.events.post(() => {
      if (!this.isDisposed && !this.dropped) fn();
    });
  }

  protected override checkDisposable(): void {
    // DESIGN §3: an INVITE with a 2xx is needed for the ACK until inviteCompleted/errorOccurred.
    if (this.life === ClientTxState.Accepted && !this.dropped) {
      const s = this.connectionContext.state;
      if (s !== 'Inactive' && s !== 'Unavailable') {
        throw new SipError(SipErrorCode.InviteTransactionInUse, 'the INVITE transaction is in use until inviteCompleted or errorOccurred');
      }
    }
  }

  protected onDispose(): void {
    this.pendingChallenge = undefined;
    this.untrack();
  }

  private send(request: SipRequest): void {
    this.current = request;
    // A challenge answered: the request goes again (RFC 3261 §22.2).
    if (this.life === ClientTxState.Challenged) this.moveTo(ClientTxState.Sending);
    const ctx = this.connectionContext;
    const user = new AttemptUser(this, false);
    user.out = ctx.client.stack.send(ctx.iapId, request, user, this.options.outboundProxy === undefined ? {} : { outboundProxy: this.options.outboundProxy });
    this.out = user.out;
  }

  /** The transaction-layer user of one attempt (`cancel`: a CANCEL's). */
  private machineUser(cancel: boolean): ClientTransactionUser {
    return new AttemptUser(this, cancel);
  }

  /**
   * @internal True while `user`'s attempt is the current one (a CANCEL's always): a later attempt
   * (a challenge answered, a retry) replaces it, and a dropped transaction hears nothing more.
   */
  isCurrent(user: AttemptUser): boolean {
    return !this.dropped && (user.cancel || user.out === this.out);
  }

  /** @internal A 1xx for `user`'s attempt (AttemptUser). */
  attemptProvisional(user: AttemptUser, res: SipResponse): void {
    if (!this.isCurrent(user) || this.finalSeen) return;
    this.latest = ResponseElements.fromMessage(res);
    this.owner.onResponse(this, res);
  }

  /** @internal A final response for `user`'s attempt (AttemptUser). */
  attemptFinal(user: AttemptUser, res: SipResponse): void {
    if (!this.isCurrent(user)) return;
    if (this.type === 'INVITE' && res.status < 300 && this.got2xx) {
      this.owner.onResponse(this, res); // a retransmitted or forked 2xx (RFC 6026 Accepted)
      return;
    }
    if (isChallenge(res) && this.type !== 'CANCEL' && this.type !== 'ACK' && this.tryChallenge(res)) return;
    if (res.status >= 300 && this.retries < MAX_AUTH_ROUNDS) {
      const again = this.owner.retryOn?.(this, res);
      if (again !== undefined) {
        this.retries++;
        try {
          this.send(again);
          return;
        } catch (e) {
          this.connectionContext.client.logger.info('retry not sent', { error: String(e) });
        }
      }
    }
    this.deliverFinal(res);
  }

  /** @internal Timer B/F or a transport error for `user`'s attempt (AttemptUser). */
  attemptFailed(user: AttemptUser, err: SipError): void {
    this.fail(this.isCurrent(user), err);
  }

  /** @internal The machine of `user`'s attempt ended (AttemptUser). */
  attemptTerminated(user: AttemptUser): void {
    if (!this.isCurrent(user)) return;
    // The end of a challenged attempt's machine: the app may still answer the challenge.
    if (this.life === ClientTxState.Challenged) return;
    // RFC 6026 §7.2: the 2xx's machine ended (Timer M), even after a failure: no more forked 2xx.
    if (this.got2xx && this.life !== ClientTxState.InviteCompleted) {
      this.moveTo(ClientTxState.InviteCompleted);
      this.owner.onInviteCompleted?.(this);
      return;
    }
    if (this.life === ClientTxState.Sending || this.life === ClientTxState.Final) this.moveTo(ClientTxState.Terminated);
  }

  private deliverFinal(res: SipResponse): void {
    this.finalStatus = res.status;
    this.moveTo(this.got2xx ? ClientTxState.Accepted : ClientTxState.Final);
    this.latest = ResponseElements.fromMessage(res);
    this.owner.onResponse(this, res);
  }

  private fail(live: boolean, err: SipError): void {
    if (!live) return;
    this.moveTo(ClientTxState.Failed);
    this.owner.onError(this, err);
  }

  /** RFC 3261 §22.2: answers a challenge if it can; false when the 401/407 goes to the owner. */
  private tryChallenge(res: SipResponse): boolean {
    if (this.authRounds >= MAX_AUTH_ROUNDS) return false;
    const digest = this.connectionContext.client.digest;
    const proxy = this.options.outboundProxy?.toString();
    const answer = answerChallenge(digest.store, this.current, res, proxy);
    for (const r of challengedRealms(res)) if (!this.realms.some((x) => x.realm === r.realm && x.origin === r.origin)) this.realms.push(r);
    if (answer.kind === 'retry') {
      this.authRounds++;
      try {
        const next = this.owner.rebuild?.(this, this.current) ?? nextAttempt(this.current);
        this.send(withCredentials(next, answer));
      } catch (e) {
        this.connectionContext.client.logger.info('challenge not answered', { error: String(e) });
        return false; // the 401/407 is the final response
      }
      return true;
    }
    const observer = digest.observer;
    if (answer.kind === 'needCredentials' && observer !== undefined) {
      this.pendingChallenge = res;
      this.moveTo(ClientTxState.Challenged);
      this.latest = ResponseElements.fromMessage(res);
      const refresh = this.linkedRefresh;
      if (refresh !== undefined && refresh.transaction !== this) (refresh as Partial<ChallengeSink>).noteChallenge?.(this);
      this.post(() => (refresh !== undefined && refresh.transaction !== this ? observer.challengeReceivedInRefresh(refresh) : observer.challengeReceived(this)));
      return true;
    }
    return false;
  }
}

/**
 * The transaction-layer user of one attempt of a {@link ClientTransaction}: a class rather than an
 * object of closures made per request (issue 15: one per request sent, five closures each).
 */
export class AttemptUser implements ClientTransactionUser {
  /** The attempt's request in the stack, once `stack.send` returned it (undefined before). */
  out: OutgoingRequest | undefined;

  constructor(private readonly tx: ClientTransaction, readonly cancel: boolean) {}

  onProvisional(res: SipResponse): void {
    this.tx.attemptProvisional(this, res);
  }

  onFinal(res: SipResponse): void {
    this.tx.attemptFinal(this, res);
  }

  onTimeout(err: SipError): void {
    this.tx.attemptFailed(this, err);
  }

  onTransportError(err: SipError): void {
    this.tx.attemptFailed(this, err);
  }

  onTerminated(): void {
    this.tx.attemptTerminated(this);
  }
}
