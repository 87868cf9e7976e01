/**
 * Non-INVITE server transaction: RFC 3261 §17.2.2.
 *
 * States: Trying → Proceeding → Completed → Terminated.
 * Inputs:
 * - Request retransmission: absorbed in Trying; Proceeding resends the last provisional;
 *   Completed resends the final response.
 * - 1xx from TU: sent → Proceeding. 200-699 from TU: sent → Completed (start J); further
 *   responses from the TU are refused.
 * - Timer J (64*T1 unreliable; reliable: 0, i.e. as soon as the transport took the final
 *   response): Completed → Terminated.
 * - Transport error: → Terminated, TU told (§17.2.4).
 * @module
 */
import type { MessageSource } from '../transport/types.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { type AbsorbResult, ServerTransactionBase } from './server-transaction.js';
import { NistState } from './states.js';
import { type TerminationHook, TransactionEndReason, type TransactionContext } from './transaction.js';

/** The RFC 3261 §17.2.2 non-INVITE server transaction (also used for CANCEL). */
export class NonInviteServerTransaction extends ServerTransactionBase<NistState, 'J'> {
  /** Which machine this is (on the prototype: no field per transaction). */
  get kind(): 'nist' {
    return 'nist';
  }

  constructor(ctx: TransactionContext, request: SipRequest, source: MessageSource, onEnd?: TerminationHook) {
    super(ctx, request, source, NistState.Trying, onEnd);
  }

  /** Nothing runs until the TU answers. */
  start(): void {}

  respond(response: SipResponse): void {
    this.checkResponse(response);
    if (this.current !== NistState.Trying && this.current !== NistState.Proceeding) this.refuse(response);
    this.lastResponse = response;
    if (response.status < 200) {
      this.enter(NistState.Proceeding);
      void this.send(response);
      return;
    }
    this.enter(NistState.Completed);
    const sent = this.send(response);
    if (this.reliable) {
      // RFC 3261 §17.2.2: Timer J is 0 on reliable transports. We end once the transport took the
      // response rather than at once, so a failed send still reaches the TU (§17.2.4).
      void sent.then((ok) => ok && this.finish(TransactionEndReason.Normal));
    } else {
      // RFC 3261 §17.2.2: Timer J absorbs request retransmissions, answered from the wire form
      this.startQueued('J', this.ctx.queues.timeout64);
      this.releaseMessages();
    }
  }

  /** Timer J (queued: its duration never changes). */
  protected override queuedTimerFired(): void {
    this.finish(TransactionEndReason.Normal);
  }

  receiveRequest(_request: SipRequest): AbsorbResult {
    // RFC 3261 §17.2.2: Trying absorbs; Proceeding and Completed resend the last response
    if ((this.current === NistState.Proceeding || this.current === NistState.Completed) && this.hasResponse) this.resendLast();
    return 'absorbed';
  }
}
