/**
 * The states of the API objects, as the Symbian SIP Client API defines them.
 */

/** CSIPConnection::TState: the state of a {@link SipConnection}'s network binding. */
export const ConnectionState = {
  /** Created, transports not yet bound. */
  Init: 'Init',
  /** Bound and usable. */
  Active: 'Active',
  /** Temporarily unusable; requests are refused, refreshes wait. */
  Suspended: 'Suspended',
  /** Closed by the app or the stack; refreshes and pending client transactions were dropped. */
  Inactive: 'Inactive',
  /** The local address or transports could not be used. */
  Unavailable: 'Unavailable',
} as const;
/** One of the {@link ConnectionState} values. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** CSIPTransactionBase::TState, RFC 3261 §17 states plus RFC 6026 Accepted folded into Terminated. */
export const TransactionState = {
  /** Non-INVITE client/server: request sent or received, no response yet. */
  Trying: 'Trying',
  /** INVITE client: INVITE sent, no response yet. */
  Calling: 'Calling',
  /** A provisional response was sent or received. */
  Proceeding: 'Proceeding',
  /** A final (for INVITE: non-2xx) response was sent or received; retransmissions are absorbed. */
  Completed: 'Completed',
  /** INVITE server: the ACK for a non-2xx arrived. */
  Confirmed: 'Confirmed',
  /** Finished. An INVITE that got a 2xx is Terminated at once (the ACK is the dialog's business). */
  Terminated: 'Terminated',
  /** Built but not yet sent. */
  Constructing: 'Constructing',
} as const;
/** One of the {@link TransactionState} values. */
export type TransactionState = (typeof TransactionState)[keyof typeof TransactionState];

/** CSIPDialog::TState, RFC 3261 §12. */
export const DialogState = {
  /** The dialog-creating request was sent or received; no response with a to-tag yet. */
  Init: 'Init',
  /** A provisional response with a to-tag created an early dialog. */
  Early: 'Early',
  /** A 2xx confirmed the dialog. */
  Confirmed: 'Confirmed',
  /** Ended (BYE, final non-2xx, timeout, last subscription ended). */
  Terminated: 'Terminated',
} as const;
/** One of the {@link DialogState} values. */
export type DialogState = (typeof DialogState)[keyof typeof DialogState];

/** CSIPRefresh::TState. */
export const RefreshState = {
  /** The refreshed request failed or was not yet answered with 2xx. */
  Inactive: 'Inactive',
  /** Answered with 2xx; the stack re-sends it before it expires. */
  Active: 'Active',
  /** Ended by the app, the remote side, or an error. */
  Terminated: 'Terminated',
  /** Built but not yet used in a request. */
  Constructing: 'Constructing',
} as const;
/** One of the {@link RefreshState} values. */
export type RefreshState = (typeof RefreshState)[keyof typeof RefreshState];

/** Why a dialog, transaction or recording ended: a value to switch on, never a message string. */
export const EndReason = {
  LocalBye: 'LocalBye',
  RemoteBye: 'RemoteBye',
  Rejected: 'Rejected',
  Canceled: 'Canceled',
  Timeout: 'Timeout',
  TransportError: 'TransportError',
  SessionTimerExpired: 'SessionTimerExpired',
  ConnectionLost: 'ConnectionLost',
  Disposed: 'Disposed',
  Shutdown: 'Shutdown',
} as const;
/** One of the {@link EndReason} values. */
export type EndReason = (typeof EndReason)[keyof typeof EndReason];
