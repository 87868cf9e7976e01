/**
 * What the two server machines share (RFC 3261 §17.2): where responses go, the user, the last
 * response (resent on retransmitted requests) and sending with §17.2.4 transport-error handling.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { MessageSource } from '../transport/types.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { IstState, NistState } from './states.js';
import { type TerminationHook, Transaction, TransactionEndReason, type TransactionContext, asTransportError } from './transaction.js';
import type { ServerTransactionUser } from './user.js';
import { ownString } from '../message/own-copy.js';
import { type Held, heldAvailable, heldForget, heldGet, heldRelease } from './wire.js';
import { isRfc3261Branch } from './matching.js';

const returnTrue = (): boolean => true;

/** The user of a transaction nobody gave one: shared, not an empty object per transaction. */
const NO_USER: ServerTransactionUser = Object.freeze({});

/** Methods a UAS sees all the time, as literals: no string of its own per transaction. */
const COMMON_METHODS: ReadonlyMap<string, string> = new Map(
  ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'MESSAGE', 'INFO', 'UPDATE', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'PUBLISH'].map((m) => [m, m]),
);

/** The method as a shared literal if common, else a flat copy (see {@link ownString}). */
function keptMethod(m: string): string {
  return COMMON_METHODS.get(m) ?? ownString(m);
}

/** What a server transaction did with a request the layer matched to it. */
export type AbsorbResult =
  /** A retransmission or an ACK for a non-2xx final response: nothing for the TU. */
  | 'absorbed'
  /** RFC 6026: an ACK that matched an INVITE server transaction in Accepted: for the TU. */
  | 'ack2xx';

/** Base of {@link InviteServerTransaction} and {@link NonInviteServerTransaction}. */
export abstract class ServerTransactionBase<S extends IstState | NistState, T extends string> extends Transaction<S, T> {
  /** Where the request came from; responses go back this way (RFC 3261 §18.2.2). */
  readonly source: MessageSource;
  /** Told of timeouts and transport errors; set it after the layer hands the transaction out. */
  user: ServerTransactionUser = NO_USER;
  /**
   * @internal The UAS core's bookkeeping, kept on the transaction rather than in tables keyed by
   * it, which ~10^5 answered transactions waiting out Timers J and L made large (sip-stack.ts: the
   * user that owns an INVITE, told of its CANCEL). The transaction itself never reads it.
   */
  coreOwner: unknown = undefined;
  /** @internal See {@link coreOwner}: the RFC 3261 §8.2.2.2 key the request holds until the end. */
  coreMergeKey: string | undefined = undefined;
  /** The last response sent, held as in {@link Transaction.request} once released. */
  private heldResponse: Held<SipResponse> | undefined;
  /** Status of the last response sent (kept apart so checking it parses nothing). */
  private lastStatus = 0;
  /** To tag of the final response sent (RFC 2543 ACK matching reads it per ACK). */
  private finalToTag: string | undefined;
  /**
   * Top Via branch, copied flat at creation, when the layer's key does not start with it (RFC 2543
   * keys): an RFC 3261 key is `branch \n sent-by \n method`, so the branch is read from it.
   */
  private readonly branchId: string | undefined;
  /** True if the top Via branch has the RFC 3261 magic cookie. */
  private readonly rfc3261: boolean;
  /**
   * RFC 2543 only: the To tag of the request itself (null for none), copied flat at creation. The
   * RFC 2543 ACK match needs it (§17.2.3) and nothing else of the request beyond the layer's key.
   */
  private readonly requestToTag: string | null | undefined;
  /** True if the transport the request came over is reliable. */
  protected readonly reliable: boolean;
  /** The request's CSeq, kept apart: responses are checked against it after the request is gone. */
  private readonly cseqSeq: number;
  private readonly cseqMethod: string;

  protected constructor(ctx: TransactionContext, request: SipRequest, source: MessageSource, initial: S, onEnd?: TerminationHook) {
    super(ctx, request, initial, onEnd);
    this.source = source;
    this.reliable = ctx.transport.isReliable(source.protocol);
    const branch = request.via[0]?.branch ?? '';
    this.rfc3261 = isRfc3261Branch(branch);
    this.branchId = this.rfc3261 ? undefined : ownString(branch);
    this.requestToTag = this.rfc3261 ? undefined : (ownString(request.to.tag) ?? null);
    this.cseqSeq = request.cseq.seq;
    this.cseqMethod = keptMethod(request.cseq.method);
  }

  override get branch(): string {
    if (this.branchId !== undefined) return this.branchId;
    const key = this.key;
    const end = key.indexOf('\n');
    // the layer files every server transaction before anything reads its branch; else re-read
    return end > 0 ? key.slice(0, end) : super.branch;
  }

  /**
   * The last response sent (resent on retransmitted requests and by Timer G). Once released it is
   * parsed again from its wire form; should that ever fail (a serializer/parser disagreement),
   * the response cannot be resent, so the transaction ends here with TransportError (see
   * {@link wireLost}) and this returns undefined: a timer or a retransmitted request must never
   * throw out of the machine.
   */
  get lastResponse(): SipResponse | undefined {
    const held = this.heldResponse;
    if (held === undefined || !heldAvailable(held)) return undefined;
    try {
      return heldGet(held);
    } catch (e) {
      this.wireLost(e);
      return undefined;
    }
  }

  set lastResponse(response: SipResponse | undefined) {
    this.heldResponse = response;
    this.lastStatus = response?.status ?? 0;
    this.finalToTag = response !== undefined && response.status >= 200 ? ownString(response.to.tag) : undefined;
  }

  /** True once a response was sent (cheaper than reading {@link lastResponse}). */
  protected get hasResponse(): boolean {
    return this.heldResponse !== undefined;
  }

  /** Status of the last response sent, 0 for none. */
  protected get lastResponseStatus(): number {
    return this.lastStatus;
  }

  /** The To tag of the final response sent, if any (RFC 2543 ACK matching, §17.2.3). */
  get responseToTag(): string | undefined {
    return this.finalToTag;
  }

  /**
   * The To-tag check of the RFC 2543 ACK match (§17.2.3): the ACK carries the tag of the final
   * response sent, or the INVITE's own tag when it had one (re-INVITE). Reads only what the
   * machine kept apart, so it works after the request itself is gone. Only for RFC 2543
   * transactions (an RFC 3261 one is matched by branch and does not keep the request's tag).
   */
  ackToTagMatches(ack: SipRequest): boolean {
    return ack.to.tag === (this.requestToTag ?? this.finalToTag);
  }

  /**
   * Once the final response is out, only the response is needed (to answer a retransmission,
   * RFC 3261 §17.2.1, §17.2.2): it is kept as its wire form (see wire.ts). The request is matched
   * by the layer's key alone (RFC 2543: the key plus the request's To tag, kept apart), so not
   * even its wire form is kept: a hostile or merely large request (60 kB of headers, a mangled
   * magic cookie) must not stay 32 s (Timer J/H) after its answer; whoever still holds the object
   * (the TU, the API) keeps it.
   */
  protected releaseMessages(): void {
    this.forgetRequest();
    if (this.heldResponse !== undefined) this.heldResponse = heldRelease(this.heldResponse);
  }

  /**
   * RFC 6026 Accepted: the machine only absorbs retransmitted INVITEs (matched by branch or the
   * RFC 2543 key) and passes the TU's 2xx on; the UAS core resends the 2xx itself. Neither message
   * is needed again, so not even their wire forms are kept for the 32 s of Timer L.
   */
  protected forgetMessages(): void {
    this.forgetRequest();
    if (this.heldResponse !== undefined) this.heldResponse = heldForget(this.heldResponse);
  }

  /**
   * The held response could not be parsed again: log the reason, forget it and end as on a
   * failed send (RFC 3261 §17.2.4: the TU is told TransportError).
   */
  private wireLost(e: unknown): void {
    const reason = e instanceof Error ? e.message : String(e);
    this.ctx.logger.error('server transaction: the last response cannot be parsed from its wire form; transaction ended', {
      branch: this.branch,
      state: this.current,
      error: reason,
    });
    this.heldResponse = undefined;
    this.transportFailed(new SipError(SipErrorCode.TransportError, `last response not resendable: ${reason}`, { cause: e }));
  }

  /**
   * Resends the last response (a retransmitted request, RFC 3261 §17.2.1, §17.2.2). Nothing is
   * sent if there is none, or if it was lost (see {@link lastResponse}: the machine then ended).
   */
  protected resendLast(): void {
    const last = this.lastResponse;
    if (last !== undefined) void this.send(last);
  }

  /** True if the transport in use is reliable. */
  get isReliable(): boolean {
    return this.reliable;
  }

  /**
   * Sends a response from the TU through the machine.
   * @throws SipError(InvalidState) if the machine does not accept that response now.
   * @throws SipError(InvalidArgument) if the status is outside 100..699 or the CSeq does not match.
   */
  abstract respond(response: SipResponse): void;

  /** Starts the machine's initial timers (the layer calls it once, after filing the transaction). */
  abstract start(): void;

  /** A request matched this transaction (RFC 3261 §17.2.3): a retransmission or an ACK. */
  abstract receiveRequest(request: SipRequest): AbsorbResult;

  /** Checks a response from the TU fits this request. */
  protected checkResponse(response: SipResponse): void {
    const s = response.status;
    if (!Number.isInteger(s) || s < 100 || s > 699) {
      throw new SipError(SipErrorCode.InvalidArgument, `invalid status code ${s}`);
    }
    const cseq = response.cseq;
    if (cseq.seq !== this.cseqSeq || cseq.method !== this.cseqMethod) {
      throw new SipError(SipErrorCode.InvalidArgument, 'response CSeq does not match the request');
    }
  }

  /** Throws the InvalidState error for a response the state does not allow. */
  protected refuse(response: SipResponse): never {
    throw new SipError(SipErrorCode.InvalidState, `cannot send ${response.status} in state ${this.current}`);
  }

  /**
   * Sends a response of this transaction (new or resent).
   * `undefined` (a lost {@link lastResponse}, already handled) sends nothing.
   * @returns resolves true once the transport took it, false if it failed (already handled).
   */
  protected send(response: SipResponse | undefined): Promise<boolean> {
    if (response === undefined) return Promise.resolve(false);
    let sent: Promise<unknown>;
    try {
      sent = this.ctx.transport.sendResponse(response, this.source);
    } catch (err) {
      sent = Promise.reject(err);
    }
    return sent.then(returnTrue, (err: unknown) => {
      this.transportFailed(asTransportError(err));
      return false;
    });
  }

  /** RFC 3261 §17.2.4: tell the TU; the transaction ends unless the machine says otherwise. */
  protected transportFailed(error: SipError): void {
    if (this.terminated) {
      this.ctx.logger.debug('transport error after termination', { branch: this.branch, error: error.message });
      return;
    }
    this.ctx.logger.warn('server transaction transport error', { branch: this.branch, error: error.message });
    const cb = this.user.onTransportError;
    if (cb !== undefined) this.callUser(() => cb.call(this.user, error));
    if (this.survivesTransportError()) return;
    this.finish(TransactionEndReason.TransportError);
  }

  /** True if a transport error in the present state leaves the machine running. */
  protected survivesTransportError(): boolean {
    return false;
  }

  protected notifyTerminated(): void {
    const cb = this.user.onTerminated;
    if (cb !== undefined) this.callUser(() => cb.call(this.user));
  }
}
