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
  const text = err instanceof Error ? err.message : String(err);
  if (isCertificateError(code)) {
    // Said in words: an app (e.g. an SRC's recordingFailed) tells a bad certificate from a dead peer.
    return new SipError(SipErrorCode.TransportError, `${what}: TLS certificate verification failed: ${text} (${code})`, { cause: err });
  }
  return new SipError(SipErrorCode.TransportError, `${what}: ${code ?? text}`, { cause: err });
}

/**
 * True for the codes node:tls gives a peer certificate that does not verify: OpenSSL's X.509
 * verify results (untrusted chain, self-signed, expired ...) and a name mismatch.
 */
export function isCertificateError(code: string | undefined): boolean {
  return code !== undefined && (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /CERT|SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY|DECRYPT)|CHAIN_TOO_LONG|PATH_LENGTH/.test(code));
}

/**
 * Errno codes of a connect the peer turned away: a TCP reset (refused, or reset during the
 * handshake) or ICMP Protocol Not Supported/Unreachable (RFC 3261 §18.1.1 names both).
 */
const REFUSALS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOPROTOOPT', 'EPROTONOSUPPORT']);

/**
 * True if a failed connect (a `SipError` from {@link toTransportError}, or the socket error
 * itself) was refused or reset by the peer, as opposed to timing out, being unreachable or a
 * local limit.
 */
export function isConnectRefusal(err: unknown): boolean {
  // a SipError's own `code` is its SipErrorCode: the socket's errno is on its cause
  const code = errnoCode(err instanceof SipError ? err.cause : err);
  return code !== undefined && REFUSALS.has(code);
}

/** `SipError(MessageTooLarge)` for a message of `size` bytes above `limit`. */
export function tooLargeError(size: number, limit: number): SipError {
  return new SipError(
    SipErrorCode.MessageTooLarge,
    `message of ${size} bytes exceeds maxMessageSize ${limit}`,
  );
}
