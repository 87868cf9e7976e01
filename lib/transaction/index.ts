/**
 * The transaction layer (RFC 3261 §17, RFC 6026): four machines, the layer that owns and matches
 * them, and the clocks their timers run on.
 * @module
 */
export { RealClock, FakeClock } from './clock.js';
export { DEFAULT_TIMER_SETTINGS, TIMER_D_UNRELIABLE, type TimerValues, timerValues } from './timers.js';
export { IctState, NictState, IstState, NistState, type MachineState, TransactionEndReason, apiState } from './states.js';
export type { ClientTransactionUser, ServerTransactionUser } from './user.js';
export { Transaction, type TransactionKind } from './transaction.js';
export { InviteClientTransaction, type ProceedingWaiter } from './invite-client.js';
export { NonInviteClientTransaction } from './non-invite-client.js';
export { InviteServerTransaction } from './invite-server.js';
export { NonInviteServerTransaction } from './non-invite-server.js';
export type { AbsorbResult } from './server-transaction.js';
export { CancelState, PendingCancel } from './cancel.js';
export { buildAckForNon2xx, buildCancel } from './requests.js';
export { clientKey, serverKey3261, serverKey2543, dialogAckKey, isRfc3261Branch } from './matching.js';
export { type Retransmit2xxOptions, TwoXxRetransmitter } from './retransmit-2xx.js';
export { TransactionLayer, newBranch } from './layer.js';
export type {
  TransactionLayerOptions,
  ClientTransaction,
  ServerTransaction,
  RequestDisposition,
  ResponseDisposition,
  TransactionStats,
} from './layer-types.js';
