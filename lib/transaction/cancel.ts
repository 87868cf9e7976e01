/**
 * A CANCEL asked for by the TU (RFC 3261 §9.1). It may not be sent before the INVITE got a
 * provisional response, so it waits for one; if the INVITE ends first (final response, Timer B,
 * transport error, close) the CANCEL is dropped and never sent.
 *
 * States: Waiting → Sent | Dropped.
 * @module
 */
import type { SipRequest } from '../message/index.js';
import type { InviteClientTransaction } from './invite-client.js';
import type { NonInviteClientTransaction } from './non-invite-client.js';
import type { ClientTransactionUser } from './user.js';

/** Where a requested CANCEL is. */
export const CancelState = {
  /** The INVITE has had no provisional response yet (RFC 3261 §9.1: wait for one). */
  Waiting: 'Waiting',
  /** The CANCEL went out on its own non-INVITE client transaction ({@link PendingCancel.tx}). */
  Sent: 'Sent',
  /** The INVITE ended before the CANCEL could be sent; nothing was sent. */
  Dropped: 'Dropped',
} as const;
/** One of the {@link CancelState} values. */
export type CancelState = (typeof CancelState)[keyof typeof CancelState];

/** A CANCEL of one INVITE client transaction; returned by {@link TransactionLayer.cancel}. */
export class PendingCancel {
  /** Where the CANCEL is. */
  state: CancelState = CancelState.Waiting;
  /** The CANCEL's own client transaction once Sent. */
  tx: NonInviteClientTransaction | undefined;

  /**
   * @param invite the INVITE transaction being cancelled.
   * @param request the CANCEL (built at once, RFC 3261 §9.1).
   * @param user told of the CANCEL's responses once sent; `onTerminated` alone if it is dropped.
   */
  constructor(
    readonly invite: InviteClientTransaction,
    readonly request: SipRequest,
    readonly user: ClientTransactionUser,
  ) {}
}
