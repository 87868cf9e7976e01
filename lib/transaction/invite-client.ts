/**
 * INVITE client transaction: RFC 3261 §17.1.1 as changed by RFC 6026 §7.2.
 *
 * States: Calling → Proceeding → Completed | Accepted → Terminated.
 * Inputs:
 * - 1xx: Calling → Proceeding (stop A, B); passed to the TU in Calling and Proceeding.
 * - 2xx: Calling/Proceeding → Accepted (start M); every 2xx in Accepted goes to the TU (forks,
 *   retransmissions); the TU sends the ACK for 2xx.
 * - 300-699: Calling/Proceeding → Completed, ACK sent (§17.1.1.3), start D; retransmissions in
 *   Completed are absorbed and the ACK resent.
 * - Timer A (unreliable only): retransmit the INVITE in Calling, doubling from T1.
 * - Timer B (64*T1): still Calling → Terminated, TU told Timeout.
 * - Timer D (max(32 s, 64*T1) unreliable; reliable: 0, i.e. as soon as the transport took the
 *   ACK): Completed → Terminated.
 * - Timer M (64*T1): Accepted → Terminated.
 * - Transport error (a failed send, or the request's connection closed before a final
 *   response): → Terminated, TU told (§17.1.4).
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { SendTarget } from '../transport/types.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { ClientTransactionBase } from './client-transaction.js';
import { buildAckForNon2xx } from './requests.js';
import { IctState } from './states.js';
import { TIMER_D_UNRELIABLE } from './timers.js';
import { type TerminationHook, TransactionEndReason, type TransactionContext } from './transaction.js';
import type { ClientTransactionUser } from './user.js';

type IctTimer = 'A' | 'B' | 'D' | 'M';

/**
 * Called once: `true` when the transaction first reaches Proceeding (a CANCEL may now be sent,
 * RFC 3261 §9.1), `false` when it left Calling for good without a provisional response.
 */
export type ProceedingWaiter = (proceeding: boolean) => void;

/** The RFC 3261 §17.1.1 / RFC 6026 INVITE client transaction. */
export class InviteClientTransaction extends ClientTransactionBase<IctState, IctTimer> {
  /** Which machine this is (on the prototype: no field per transaction). */
  get kind(): 'ict' {
    return 'ict';
  }
  /** The ACK built for the non-2xx final response, once Completed. */
  ack: SipRequest | undefined;
  private intervalA: number;
  private waiters: ProceedingWaiter[] = [];

  constructor(ctx: TransactionContext, request: SipRequest, target: SendTarget, user: ClientTransactionUser, onEnd?: TerminationHook) {
    super(ctx, request, target, user, IctState.Calling, onEnd);
    this.intervalA = ctx.timers.t1;
  }

  /** True in Calling and Proceeding. */
  get awaitingFinal(): boolean {
    return this.current === IctState.Calling || this.current === IctState.Proceeding;
  }

  /** RFC 3261 §17.1.1.2: send the INVITE, start A (unreliable) and B. */
  start(): void {
    void this.send(this.request);
    if (!this.reliable) this.timers.start('A', this.intervalA, () => this.timerA());
    this.timers.start('B', this.ctx.timers.timeout64, () => this.timerB());
  }

  /**
   * Calls `waiter(true)` once a provisional response has arrived (at once, asynchronously, if it
   * already has), or `waiter(false)` once the transaction can no longer be cancelled.
   */
  whenProceeding(waiter: ProceedingWaiter): void {
    if (this.current === IctState.Calling) {
      this.waiters.push(waiter);
      return;
    }
    const ok = this.current === IctState.Proceeding;
    queueMicrotask(() => waiter(ok));
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.current) {
      case IctState.Calling:
      case IctState.Proceeding:
        this.lastResponse = response;
        if (status < 200) {
          if (this.current === IctState.Calling) {
            // RFC 3261 §17.1.1.2: a provisional response stops retransmissions; B only guards Calling
            this.timers.stop('A');
            this.timers.stop('B');
            this.enter(IctState.Proceeding);
            this.callUser(() => this.user.onProvisional(response));
            this.releaseWaiters(true);
          } else {
            this.callUser(() => this.user.onProvisional(response));
          }
        } else if (status < 300) {
          this.accept(response);
        } else {
          this.complete(response);
        }
        return;
      case IctState.Completed:
        // RFC 3261 §17.1.1.2: retransmitted final responses are absorbed and the ACK resent
        if (status >= 300 && this.ack !== undefined) void this.send(this.ack);
        return;
      case IctState.Accepted:
        // RFC 6026 §7.2: every 2xx (retransmitted or from another fork) goes to the TU
        if (status >= 200 && status < 300) {
          this.lastResponse = response;
          this.callUser(() => this.user.onFinal(response));
        }
        return;
      case IctState.Terminated:
        return;
    }
  }

  private accept(response: SipResponse): void {
    this.timers.stop('A');
    this.timers.stop('B');
    this.enter(IctState.Accepted);
    this.releaseWaiters(false);
    // RFC 6026 §7.2: Timer M keeps the transaction for forked and retransmitted 2xx
    this.timers.start('M', this.ctx.timers.timeout64, () => this.finish(TransactionEndReason.Normal));
    this.callUser(() => this.user.onFinal(response));
  }

  private complete(response: SipResponse): void {
    this.timers.stop('A');
    this.timers.stop('B');
    this.enter(IctState.Completed);
    this.releaseWaiters(false);
    // RFC 3261 §17.1.1.3: the transaction itself ACKs a non-2xx final response
    this.ack = buildAckForNon2xx(this.request, response);
    const sent = this.send(this.ack);
    this.callUser(() => this.user.onFinal(response));
    if (this.terminated) return; // the user may have closed the layer
    if (this.reliable) {
      // RFC 3261 §17.1.1.2: Timer D is 0 on reliable transports. We end once the transport took
      // the ACK, so a failed ACK still reaches the TU (§17.1.4).
      void sent.then((ok) => ok && this.finish(TransactionEndReason.Normal));
    } else {
      // NOTE (deviation): RFC 3261 only says "> 32 s"; with a large T1 we wait as long as the
      // server may retransmit (its Timer H, 64*T1), so its retransmissions are still absorbed.
      this.timers.start('D', Math.max(TIMER_D_UNRELIABLE, this.ctx.timers.timeout64), () => this.finish(TransactionEndReason.Normal));
    }
  }

  /** RFC 3261 §17.1.1.2 Timer A: retransmit, double the interval. */
  private timerA(): void {
    if (this.current !== IctState.Calling) return;
    void this.send(this.request);
    this.intervalA *= 2;
    this.timers.start('A', this.intervalA, () => this.timerA());
  }

  /** RFC 3261 §17.1.1.2 Timer B: no response in 64*T1. */
  private timerB(): void {
    if (this.current !== IctState.Calling) return;
    this.releaseWaiters(false);
    const err = new SipError(SipErrorCode.Timeout, 'INVITE timed out (Timer B)');
    this.callUser(() => this.user.onTimeout(err));
    this.finish(TransactionEndReason.Timeout);
  }

  protected becameReliable(): void {
    this.timers.stop('A');
  }

  protected override notifyTerminated(): void {
    this.releaseWaiters(false);
    super.notifyTerminated();
  }

  private releaseWaiters(ok: boolean): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) this.callUser(() => w(ok));
  }
}
