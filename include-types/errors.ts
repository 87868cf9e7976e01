/**
 * Error codes of the tsip API: the TypeScript face of Symbian's KErrSIP... leave codes.
 *
 * Synchronous misuse of an API object throws a {@link SipError} with one of these codes; failures that
 * happen later (timeouts, transport errors) arrive with one of them in the observer's
 * `errorOccurred*` callbacks.
 */
export const SipErrorCode = {
  /** The object was disposed; it may not be used any more. */
  ObjectDisposed: 'ObjectDisposed',
  /** An INVITE client transaction that got a 2xx was disposed before `inviteCompleted`/`errorOccurred`. */
  InviteTransactionInUse: 'InviteTransactionInUse',
  /** The call is not allowed in the object's present state (e.g. a response on an answered transaction). */
  InvalidState: 'InvalidState',
  /** An argument is out of range or inconsistent (bad URI, missing mandatory value). */
  InvalidArgument: 'InvalidArgument',
  /** The method may not be sent this way (e.g. INVITE through `SipConnection.sendRequest`). */
  MethodNotAllowed: 'MethodNotAllowed',
  /** App-supplied headers the stack owns (Via, Call-ID, CSeq, tags, Contact/Expires on REGISTER...). */
  MalformedMessage: 'MalformedMessage',
  /** A `SipConnection` already exists for that IAP. */
  ConnectionExists: 'ConnectionExists',
  /** No local binding (IAP) of that name is configured on the stack. */
  UnknownIap: 'UnknownIap',
  /** The connection is not Active, so nothing can be sent through it. */
  ConnectionNotActive: 'ConnectionNotActive',
  /** A registration call that does not fit the binding's state (e.g. register while registering). */
  InvalidRegistrationState: 'InvalidRegistrationState',
  /** The dialog is terminated, or the request does not fit the dialog's state. */
  InvalidDialogState: 'InvalidDialogState',
  /** RFC 3261 §17 timer B/F/H expired: no (final) response or ACK in time. */
  Timeout: 'Timeout',
  /** The transport reported an error (ICMP unreachable, connection refused or reset, TLS failure). */
  TransportError: 'TransportError',
  /** RFC 3263 resolution found no usable target. */
  ResolveFailed: 'ResolveFailed',
  /** A message is larger than the configured limit. */
  MessageTooLarge: 'MessageTooLarge',
  /** A configured limit (transactions, connections, sessions, rate) is reached. */
  LimitExceeded: 'LimitExceeded',
  /** The connection went Inactive/Unavailable (Symbian KErrCouldNotConnect). */
  CouldNotConnect: 'CouldNotConnect',
  /** A challenge could not be answered (no credentials, ignored, or credentials rejected). */
  AuthenticationFailed: 'AuthenticationFailed',
  /** A refresh got a final non-2xx response or could not be sent. */
  RefreshFailed: 'RefreshFailed',
  /** RFC 4028: the session timer expired with no refresh. */
  SessionTimerExpired: 'SessionTimerExpired',
  /** The stack is shutting down or shut down. */
  StackShutdown: 'StackShutdown',
} as const;

/** One of the {@link SipErrorCode} values. */
export type SipErrorCode = (typeof SipErrorCode)[keyof typeof SipErrorCode];

/** Options for {@link SipError}. */
export interface SipErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
  /** The SIP status code involved, where there is one (e.g. the final response of a failed refresh). */
  statusCode?: number;
}

/**
 * The one error type the API throws or reports. Switch on `code`, never on the message text.
 */
export class SipError extends Error {
  /** Why the call failed. */
  readonly code: SipErrorCode;
  /** The SIP status code involved, where there is one. */
  readonly statusCode?: number;

  constructor(code: SipErrorCode, message: string, options: SipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SipError';
    this.code = code;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
  }
}

/** True if `e` is a {@link SipError}, optionally with the given code. */
export function isSipError(e: unknown, code?: SipErrorCode): e is SipError {
  return e instanceof SipError && (code === undefined || e.code === code);
}
