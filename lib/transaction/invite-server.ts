/**
 * INVITE server transaction: RFC 3261 §17.2.1 as changed by RFC 6026 §7.1.
 *
 * States: Proceeding → Completed → Confirmed → Terminated, or Proceeding → Accepted → Terminated.
 * Inputs:
 * - 100 Trying timer (`trying100Delay`, 200 ms): the TU sent nothing yet → send 100 Trying.
 * - 1xx from TU: sent, stay Proceeding. 2xx from TU: sent → Accepted (start L).
 *   300-699 from TU: sent → Completed (start G unreliable, H).
 * - INVITE retransmission: Proceeding resends the last provisional; Completed resends the final;
 *   Accepted and Confirmed absorb it (RFC 6026: the TU retransmits 2xx).
 * - ACK: Completed → Confirmed (start I); absorbed in Confirmed; in Accepted passed to the TU.
 * - 2xx from TU in Accepted: sent (RFC 6026 §7.1: TU retransmissions and proxied forks).
 * - Timer G (unreliable only): resend the final, interval min(2^n*T1, T2).
 * - Timer H (64*T1): no ACK → Terminated, TU told Timeout.
 * - Timer I (T4 unreliable, 0 reliable): Confirmed → Terminated.
 * - Timer L (64*T1): Accepted → Terminated.
 * - Transport error: → Terminated, TU told (§17.2.4); in Accepted the TU is told and the machine
 *   stays to absorb INVITE retransmissions until L.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { MessageSource } from '../transport/types.js';
import { type SipRequest, type SipResponse, createResponse } from '../message/index.js';
import { type AbsorbResult, ServerTransactionBase } from './server-transaction.js';
import { IstState } from './states.js';
import type { ExpiryQueue, ExpiryQueueMember } from './expiry-queue.js';
import { type TerminationHook, TransactionEndReason, type TransactionContext } from './transaction.js';

type IstTimer = 'Trying100' | 'H' | 'I' | 'L';

/**
 * Timer G's place in the layer's queue for its interval (expiry-queue.ts), apart from the
 * transaction, which waits for Timer H in another queue at the same time: one object for the
 * whole of Completed, not a Node.js timer and a closure per retransmission (a refused INVITE
 * never ACKed is retransmitted a dozen times in 64*T1).
 */
class TimerG implements ExpiryQueueMember {
  expiryQueue: ExpiryQueue | undefined = undefined;
  expirySlot = -1;
  constructor(
    private readonly tx: InviteServerTransaction,
    /** The next wait, ms: T1, then doubled up to T2. */
    public interval: number,
  ) {}

  onExpiry(): void {
    this.tx.timerGFired();
  }
}

/** The RFC 3261 §17.2.1 / RFC 6026 INVITE server transaction. */
export class InviteServerTransaction extends ServerTransactionBase<IstState, IstTimer> {
  /** Which machine this is (on the prototype: no field per transaction). */
  get kind(): 'ist' {
    return 'ist';
  }
  /** True once the machine sent 100 Trying by itself. */
  sentAutomatic100 = false;
  /** Timer G, while it runs (Completed, unreliable transports only). */
  private timerG: TimerG | undefined = undefined;

  constructor(ctx: TransactionContext, request: SipRequest, source: MessageSource, onEnd?: TerminationHook) {
    super(ctx, request, source, IstState.Proceeding, onEnd);
  }

  /** RFC 3261 §17.2.1: unless the TU answers within `trying100Delay`, send 100 Trying. */
  start(): void {
    if (!this.hasResponse && !this.terminated) {
      this.startQueued('Trying100', this.ctx.queues.trying100);
    }
  }

  respond(response: SipResponse): void {
    this.checkResponse(response);
    const s = response.status;
    if (this.current === IstState.Accepted) {
      // RFC 6026 §7.1: 2xx from the TU in Accepted are sent; nothing else is allowed
      if (s < 200 || s >= 300) this.refuse(response);
      this.lastResponse = response;
      void this.send(response);
      this.forgetMessages();
      return;
    }
    if (this.current !== IstState.Proceeding) this.refuse(response);
    this.stopQueued('Trying100');
    this.lastResponse = response;
    if (s < 200) {
      void this.send(response);
    } else if (s < 300) {
      this.enter(IstState.Accepted);
      void this.send(response);
      // RFC 6026 §7.1: Timer L keeps absorbing INVITE retransmissions; matching needs only the key
      this.startQueued('L', this.ctx.queues.timeout64);
      this.forgetMessages();
    } else {
      this.enter(IstState.Completed);
      void this.send(response);
      // RFC 3261 §17.2.1: G retransmits the final response over unreliable transports; H waits for the ACK
      if (!this.reliable) this.startTimerG();
      this.startQueued('H', this.ctx.queues.timeout64);
      // Timer G and retransmitted INVITEs resend the response from its wire form
      this.releaseMessages();
    }
  }

  receiveRequest(request: SipRequest): AbsorbResult {
    if (request.method === 'ACK') {
      if (this.current === IstState.Accepted) return 'ack2xx'; // RFC 6026 §7.1: the ACK goes to the TU
      if (this.current === IstState.Completed) {
        // RFC 3261 §17.2.1: the ACK confirms the non-2xx final response
        this.stopTimerG();
        this.stopQueued('H');
        this.enter(IstState.Confirmed);
        if (this.reliable) this.finish(TransactionEndReason.Normal);
        else this.startQueued('I', this.ctx.queues.t4);
      }
      return 'absorbed';
    }
    // RFC 3261 §17.2.1: a retransmitted INVITE gets the last provisional (Proceeding) or final
    // (Completed) response again; RFC 6026: Accepted absorbs it silently
    if ((this.current === IstState.Proceeding || this.current === IstState.Completed) && this.hasResponse) this.resendLast();
    return 'absorbed';
  }

  /**
   * The timers of constant duration (100 Trying delay, H, I, L) wait in the layer's queues
   * (expiry-queue.ts) rather than each on a timer of its own; so does Timer G ({@link TimerG}).
   */
  protected override queuedTimerFired(name: IstTimer): void {
    if (name === 'Trying100') this.autoTrying();
    else if (name === 'H') this.timerH();
    else this.finish(TransactionEndReason.Normal); // I, L
  }

  private autoTrying(): void {
    if (this.current !== IstState.Proceeding || this.hasResponse) return;
    // RFC 3261 §8.2.6.1: createResponse copies Timestamp into a 100 and adds no To tag
    const trying = createResponse(this.request, 100, 'Trying');
    this.sentAutomatic100 = true;
    this.lastResponse = trying;
    void this.send(trying);
  }

  /** RFC 3261 §17.2.1: Timer G starts at T1. */
  private startTimerG(): void {
    const g = (this.timerG = new TimerG(this, this.ctx.timers.t1));
    this.ctx.queues.backoff(g.interval).add(g);
  }

  private stopTimerG(): void {
    this.timerG?.expiryQueue?.remove(this.timerG);
    this.timerG = undefined;
  }

  /** @internal RFC 3261 §17.2.1 Timer G: resend the final response, back off to T2. */
  timerGFired(): void {
    const g = this.timerG;
    const last = g !== undefined && this.current === IstState.Completed ? this.lastResponse : undefined;
    if (g === undefined || last === undefined) return;
    void this.send(last);
    g.interval = Math.min(2 * g.interval, this.ctx.timers.t2);
    this.ctx.queues.backoff(g.interval).add(g);
  }

  override get runningTimers(): number {
    return super.runningTimers + (this.timerG?.expiryQueue !== undefined ? 1 : 0);
  }

  protected override finish(reason: TransactionEndReason): boolean {
    this.stopTimerG();
    return super.finish(reason);
  }

  /** RFC 3261 §17.2.1 Timer H: the ACK never came. */
  private timerH(): void {
    if (this.current !== IstState.Completed) return;
    const err = new SipError(SipErrorCode.Timeout, 'no ACK for the final response (Timer H)');
    const cb = this.user.onTimeout;
    if (cb !== undefined) this.callUser(() => cb.call(this.user, err));
    this.finish(TransactionEndReason.Timeout);
  }

  protected override survivesTransportError(): boolean {
    // NOTE (deviation): RFC 6026 gives Accepted no transport-error transition; the TU is told, and
    // the machine keeps absorbing INVITE retransmissions until Timer L.
    return this.current === IstState.Accepted;
  }
}
