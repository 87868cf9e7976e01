/**
 * Non-INVITE client transaction: RFC 3261 §17.1.2.
 *
 * States: Trying → Proceeding → Completed → Terminated.
 * Inputs:
 * - 1xx: Trying → Proceeding; passed to the TU in Trying and Proceeding.
 * - 200-699: Trying/Proceeding → Completed, passed to the TU once; start K. Retransmissions of
 *   the final response in Completed are absorbed.
 * - Timer E (unreliable only): retransmit; interval min(2^n*T1, T2) in Trying, T2 in Proceeding.
 * - Timer F (64*T1): Trying/Proceeding → Terminated, TU told Timeout.
 * - Timer K (T4 unreliable, 0 reliable): Completed → Terminated.
 * - Transport error (a failed send, or the request's connection closed before a final
 *   response): → Terminated, TU told (§17.1.4).
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { SendTarget } from '../transport/types.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { ClientTransactionBase } from './client-transaction.js';
import { NictState } from './states.js';
import { type TerminationHook, TransactionEndReason, type TransactionContext } from './transaction.js';
import type { ClientTransactionUser } from './user.js';

type NictTimer = 'E' | 'F' | 'K';

/** The RFC 3261 §17.1.2 non-INVITE client transaction (also used for CANCEL). */
export class NonInviteClientTransaction extends ClientTransactionBase<NictState, NictTimer> {
  /** Which machine this is (on the prototype: no field per transaction). */
  get kind(): 'nict' {
    return 'nict';
  }
  private intervalE: number;

  constructor(ctx: TransactionContext, request: SipRequest, target: SendTarget, user: ClientTransactionUser, onEnd?: TerminationHook) {
    super(ctx, request, target, user, NictState.Trying, onEnd);
    this.intervalE = ctx.timers.t1;
  }

  /** True in Trying and Proceeding. */
  get awaitingFinal(): boolean {
    return this.current === NictState.Trying || this.current === NictState.Proceeding;
  }

  /** RFC 3261 §17.1.2.2: send the request, start E (unreliable) and F. */
  start(): void {
    void this.send(this.request);
    if (!this.reliable) this.timers.start('E', this.intervalE, () => this.timerE());
    this.timers.start('F', this.ctx.timers.timeout64, () => this.timerF());
  }

  receiveResponse(response: SipResponse): void {
    if (this.current !== NictState.Trying && this.current !== NictState.Proceeding) {
      // RFC 3261 §17.1.2.2: Completed absorbs retransmitted final responses
      return;
    }
    this.lastResponse = response;
    if (response.status < 200) {
      this.enter(NictState.Proceeding);
      this.callUser(() => this.user.onProvisional(response));
      return;
    }
    this.timers.stop('E');
    this.timers.stop('F');
    this.enter(NictState.Completed);
    this.callUser(() => this.user.onFinal(response));
    if (this.terminated) return;
    if (this.reliable) {
      // RFC 3261 §17.1.2.2: Timer K is 0 on reliable transports
      this.finish(TransactionEndReason.Normal);
    } else {
      this.timers.start('K', this.ctx.timers.t4, () => this.finish(TransactionEndReason.Normal));
    }
  }

  /** RFC 3261 §17.1.2.2 Timer E: retransmit; back off to T2 (at once in Proceeding). */
  private timerE(): void {
    if (this.current !== NictState.Trying && this.current !== NictState.Proceeding) return;
    void this.send(this.request);
    this.intervalE = this.current === NictState.Proceeding ? this.ctx.timers.t2 : Math.min(2 * this.intervalE, this.ctx.timers.t2);
    this.timers.start('E', this.intervalE, () => this.timerE());
  }

  /** RFC 3261 §17.1.2.2 Timer F: no final response in 64*T1. */
  private timerF(): void {
    const err = new SipError(SipErrorCode.Timeout, `${this.request.method} timed out (Timer F)`);
    this.callUser(() => this.user.onTimeout(err));
    this.finish(TransactionEndReason.Timeout);
  }

  protected becameReliable(): void {
    this.timers.stop('E');
  }
}
