/**
 * Turns socket errors into the one error type of the API.
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';

/** The `code` of a Node.js system error, if it has one (ECONNREFUSED, EHOSTUNREACH ...). */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Wraps a socket error (connection refused or reset, unreachable host, TLS failure ...) as
 * `SipError(TransportError)`; a `SipError` is passed through unchanged.
 */
export function toTransportError(err: unknown, what: string): SipError {
  if (err instanceof SipError) return err;
  const code = errnoCode(err);
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  return new SipError(SipErrorCode.TransportError, `${what}: ${detail}`, { cause: err });
}

/** `SipError(MessageTooLarge)` for a message of `size` bytes above `limit`. */
export function tooLargeError(size: number, limit: number): SipError {
  return new SipError(
    SipErrorCode.MessageTooLarge,
    `message of ${size} bytes exceeds maxMessageSize ${limit}`,
  );
}
