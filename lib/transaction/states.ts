/**
 * The RFC 3261 §17 (+ RFC 6026) states of the four transaction machines, and their mapping onto the
 * API's {@link TransactionState} (Symbian CSIPTransactionBase::TState).
 * @module
 */
import { TransactionState } from '../../include-types/states.js';

/** INVITE client transaction, RFC 3261 §17.1.1 with RFC 6026 §7.2 (Accepted). */
export const IctState = {
  Calling: 'Calling',
  Proceeding: 'Proceeding',
  Completed: 'Completed',
  /** RFC 6026: a 2xx arrived; further 2xx (retransmitted or forked) go to the TU until Timer M. */
  Accepted: 'Accepted',
  Terminated: 'Terminated',
} as const;
/** One of the {@link IctState} values. */
export type IctState = (typeof IctState)[keyof typeof IctState];

/** Non-INVITE client transaction, RFC 3261 §17.1.2. */
export const NictState = {
  Trying: 'Trying',
  Proceeding: 'Proceeding',
  Completed: 'Completed',
  Terminated: 'Terminated',
} as const;
/** One of the {@link NictState} values. */
export type NictState = (typeof NictState)[keyof typeof NictState];

/** INVITE server transaction, RFC 3261 §17.2.1 with RFC 6026 §7.1 (Accepted). */
export const IstState = {
  Proceeding: 'Proceeding',
  Completed: 'Completed',
  Confirmed: 'Confirmed',
  /** RFC 6026: the TU sent a 2xx; INVITE retransmissions are absorbed until Timer L. */
  Accepted: 'Accepted',
  Terminated: 'Terminated',
} as const;
/** One of the {@link IstState} values. */
export type IstState = (typeof IstState)[keyof typeof IstState];

/** Non-INVITE server transaction, RFC 3261 §17.2.2. */
export const NistState = {
  Trying: 'Trying',
  Proceeding: 'Proceeding',
  Completed: 'Completed',
  Terminated: 'Terminated',
} as const;
/** One of the {@link NistState} values. */
export type NistState = (typeof NistState)[keyof typeof NistState];

/** Any machine state. */
export type MachineState = IctState | NictState | IstState | NistState;

/**
 * Maps a machine state onto the API state. RFC 6026 Accepted maps to Terminated: from the app's
 * view an INVITE answered with 2xx is finished (DESIGN §3), even though the machine still lives to
 * absorb retransmissions (server) or pass forked 2xx (client).
 */
export function apiState(s: MachineState): TransactionState {
  switch (s) {
    case 'Accepted':
      return TransactionState.Terminated;
    default:
      return TransactionState[s];
  }
}

/** Why a transaction ended: a value to switch on. */
export const TransactionEndReason = {
  /** The machine ran its course (final response handled, cleanup timer fired). */
  Normal: 'Normal',
  /** Timer B, F or H fired. */
  Timeout: 'Timeout',
  /** The transport could not send a message of this transaction. */
  TransportError: 'TransportError',
  /** The layer was closed. */
  Closed: 'Closed',
} as const;
/** One of the {@link TransactionEndReason} values. */
export type TransactionEndReason = (typeof TransactionEndReason)[keyof typeof TransactionEndReason];
