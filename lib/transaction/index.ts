/**
 * The transaction layer (RFC 3261 §17, RFC 6026): four machines, the layer that owns and matches
 * them, and the clocks their timers run on.
 *
 * Who does what:
 * - `TransactionLayer.sendRequest` makes the client transaction, adds a branch (and a placeholder
 *   Via if there is none) and sends; responses come back through `receiveResponse`, which
 *   returns what matched nothing (`stray`) so the dialog layer can re-ACK a late 2xx.
 * - The INVITE client transaction ACKs non-2xx itself; the ACK for 2xx is the dialog layer's,
 *   sent straight through the transport. It passes every 2xx to the TU until Timer M.
 * - `receiveRequest` says what a request was (`new`, `absorbed`, `ack2xx`, `cancel`, `rejected`,
 *   `dropped`); the TU answers with `tx.respond`. CANCEL gets its own transaction; the TU sends
 *   200 to it and 487 to the INVITE.
 * - A UAS 2xx is retransmitted until its ACK by `retransmit2xxUntilAck` (RFC 3261 §13.3.1.4).
 * - Not here: Timer C and any bound on how long an INVITE may stay Proceeding, on either side
 *   (the TU cancels or answers), and merged-request detection (§8.2.2.2).
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
  LimitRejections,
  StatelessRefusal,
} from './layer-types.js';
export { limitRefusalCount } from './layer-types.js';
