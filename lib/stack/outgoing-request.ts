/**
 * A request the stack sends for its user: resolves the next hop (RFC 3263), runs the client
 * transaction, and fails over to the next target on a transport error, a timeout before any
 * response, or a 503 (RFC 3263 §4.3), each time on a new transaction with a new branch.
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { Logger, ResolvedTarget, Resolver } from '../../include-types/settings.js';
import type { SipRequest, SipResponse, SipUri } from '../message/index.js';
import type { ClientTransaction, ClientTransactionUser, PendingCancel, TransactionLayer } from '../transaction/index.js';
import type { SendTarget } from '../transport/index.js';
import { nextHopUri, resolveQuery, resolveTargets, tlsServerName } from './next-hop.js';

/** What an {@link OutgoingRequest} needs from the stack. */
export interface OutgoingRequestDeps {
  transactions: TransactionLayer;
  resolver: Resolver;
  logger: Logger;
}

/** Options of one outgoing request. */
export interface OutgoingRequestOptions {
  /** Send here instead of the Route/Request-URI host (the request itself is not changed). */
  outboundProxy?: SipUri;
  /** Fail over along the resolved targets (default true). */
  failover?: boolean;
}

/** One request on its way, across however many targets it takes. */
export class OutgoingRequest {
  /** The request of the latest attempt (the first one until a failover). */
  request: SipRequest;
  private tx: ClientTransaction | undefined;
  private targets: ResolvedTarget[] = [];
  private index = 0;
  private finished = false;
  private cancelUser: ClientTransactionUser | undefined;
  /** The next hop URI's host name, for the TLS certificate check (RFC 5922 §4). */
  private servername: string | undefined;
  private readonly failover: boolean;

  constructor(
    private readonly deps: OutgoingRequestDeps,
    private readonly iapId: string,
    request: SipRequest,
    private readonly user: ClientTransactionUser,
    private readonly options: OutgoingRequestOptions = {},
  ) {
    this.request = request;
    this.failover = options.failover ?? true;
  }

  /** The client transaction of the latest attempt; undefined while the next hop resolves. */
  get transaction(): ClientTransaction | undefined {
    return this.tx;
  }

  /** The target of the latest attempt. */
  get target(): ResolvedTarget | undefined {
    return this.targets[this.index];
  }

  /** True once the user was told the outcome (final response, timeout or error). */
  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Resolves and sends. Numeric next hops are sent before this returns; host names after DNS.
   * @throws SipError(InvalidArgument) if the request has no usable next hop.
   */
  start(): void {
    const query = resolveQuery(nextHopUri(this.request, this.options.outboundProxy));
    this.servername = tlsServerName(query);
    const resolved = resolveTargets(query, this.deps.resolver);
    if (Array.isArray(resolved)) this.begin(resolved);
    else {
      resolved.then(
        (targets) => this.begin(targets),
        (err: unknown) => this.fail(err instanceof SipError ? err : new SipError(SipErrorCode.ResolveFailed, `cannot resolve ${query.host}`, { cause: err })),
      );
    }
  }

  /**
   * RFC 3261 §9.1: cancels the INVITE. While the next hop is still resolving nothing was sent,
   * so nothing is: both users get `onTerminated` and no response is invented. Otherwise returns
   * the transaction layer's pending CANCEL.
   */
  cancel(user: ClientTransactionUser): PendingCancel | undefined {
    if (this.tx === undefined) {
      this.cancelUser = user;
      return undefined;
    }
    return this.deps.transactions.cancel(this.tx as Parameters<TransactionLayer['cancel']>[0], user);
  }

  private begin(targets: ResolvedTarget[]): void {
    if (this.cancelUser !== undefined) {
      // canceled before anything was sent (RFC 3261 §9.1: nothing to CANCEL)
      this.finished = true;
      this.cancelUser.onTerminated?.();
      this.user.onTerminated?.();
      return;
    }
    if (targets.length === 0) {
      this.fail(new SipError(SipErrorCode.ResolveFailed, 'no target for the request'));
      return;
    }
    this.targets = targets;
    this.index = 0;
    this.attempt();
  }

  private attempt(): void {
    const t = this.targets[this.index];
    const target: SendTarget = { protocol: t.protocol, address: t.address, port: t.port, iapId: this.iapId, ...(this.servername !== undefined ? { servername: this.servername } : {}) };
    try {
      this.tx = this.deps.transactions.sendRequest(this.request, target, new TargetAttemptUser(this, this.index, t));
    } catch (e) {
      // synchronous refusal (limit, shutdown): report asynchronously, never re-entrantly
      const err = e instanceof SipError ? e : new SipError(SipErrorCode.TransportError, String(e), { cause: e });
      queueMicrotask(() => this.fail(err, true));
    }
  }

  /** @internal The attempt `index` is still the one that counts. */
  isCurrent(index: number): boolean {
    return index === this.index && !this.finished;
  }

  /** A failover is allowed (another target, no response yet). */
  private canFailOver(gotResponse: boolean): boolean {
    return this.failover && this.index + 1 < this.targets.length && !gotResponse;
  }

  /** @internal A provisional response of the current attempt. */
  provisional(res: SipResponse): void {
    this.user.onProvisional(res);
  }

  /** @internal A final response of the current attempt to `t`. */
  final(res: SipResponse, t: ResolvedTarget): void {
    if (res.status === 503 && this.failover && this.index + 1 < this.targets.length) {
      this.deps.logger.info('503: trying the next target', { target: `${t.address}:${t.port}` }); // RFC 3263 §4.3
      return this.next();
    }
    if (res.status >= 200) this.finished = this.request.method !== 'INVITE' || res.status >= 300;
    this.user.onFinal(res);
  }

  /** @internal The current attempt timed out or hit a transport error. */
  attemptFailed(err: SipError, gotResponse: boolean, transport: boolean): void {
    if (this.canFailOver(gotResponse)) return this.next();
    this.fail(err, transport);
  }

  /** @internal The transaction of attempt `index` ended. */
  attemptTerminated(index: number): void {
    if (index === this.index) this.user.onTerminated?.();
  }

  private next(): void {
    this.index++;
    const retry = this.request.clone();
    retry.headers.delete('Via'); // a new transaction gets a new branch (RFC 3263 §4.3)
    this.request = retry;
    this.attempt();
  }

  private fail(err: SipError, transport = false): void {
    if (this.finished) return;
    this.finished = true;
    if (transport || err.code !== SipErrorCode.Timeout) this.user.onTransportError(err);
    else this.user.onTimeout(err);
    if (this.tx === undefined) this.user.onTerminated?.();
  }
}

/**
 * The transaction user of one attempt: a class, not an object of closures, since one is made per
 * request sent (and under tsx each named closure costs an `Object.defineProperty`, esbuild's keepNames).
 */
class TargetAttemptUser implements ClientTransactionUser {
  private gotResponse = false;

  constructor(
    private readonly out: OutgoingRequest,
    private readonly index: number,
    private readonly target: ResolvedTarget,
  ) {}

  onProvisional(res: SipResponse): void {
    this.gotResponse = true;
    if (this.out.isCurrent(this.index)) this.out.provisional(res);
  }

  onFinal(res: SipResponse): void {
    if (this.out.isCurrent(this.index)) this.out.final(res, this.target);
  }

  onTimeout(err: SipError): void {
    if (this.out.isCurrent(this.index)) this.out.attemptFailed(err, this.gotResponse, false);
  }

  onTransportError(err: SipError): void {
    if (this.out.isCurrent(this.index)) this.out.attemptFailed(err, this.gotResponse, true);
  }

  onTerminated(): void {
    this.out.attemptTerminated(this.index);
  }
}
