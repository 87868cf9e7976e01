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

/**
 * Why a dialog ended (`Dialog.endReason`, the dialog core's `terminate`): a value to switch on,
 * never a message string. Transactions have `TransactionEndReason`; recordings have
 * `RecordingEndReason` (SRC) and `SrsEndReason` (SRS).
 */
export const EndReason = {
  /** We sent BYE (RFC 3261 §15.1.1). */
  LocalBye: 'LocalBye',
  /** The peer sent BYE (RFC 3261 §15.1.2). */
  RemoteBye: 'RemoteBye',
  /**
   * The dialog-creating request got a final non-2xx other than 487 (RFC 3261 §12.1), or a
   * request in the dialog got 481 (§12.2.1.2), or it ended before any tagged response.
   */
  Rejected: 'Rejected',
  /** The INVITE was canceled (CANCEL, 487; RFC 3261 §9), or an early dialog lost to another fork's 2xx. */
  Canceled: 'Canceled',
  /**
   * No response in time: a request in the dialog timed out or got 408 (RFC 3261 §12.2.1.2), or
   * an early dialog never got its final response.
   */
  Timeout: 'Timeout',
  /** The transport failed while sending a request in the dialog (RFC 3261 §8.1.3.1). */
  TransportError: 'TransportError',
  /** RFC 4028 §10: the session was not refreshed in time; BYE sent. */
  SessionTimerExpired: 'SessionTimerExpired',
  /** The connection the dialog ran over went down. Not emitted by the API today (reserved for apps' own dialog cores). */
  ConnectionLost: 'ConnectionLost',
  /** The dialog was ended by its owner without signalling. Not emitted by the API today (reserved, as above). */
  Disposed: 'Disposed',
  /** The client shut down. Not emitted by the API today (reserved, as above). */
  Shutdown: 'Shutdown',
} as const;
/** One of the {@link EndReason} values. */
export type EndReason = (typeof EndReason)[keyof typeof EndReason];
