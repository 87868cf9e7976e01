/**
 * Errors raised by the SIP message layer.
 * @module
 */

/** Options for {@link SipParseError}. */
export interface SipParseErrorOptions {
  /** Status a UAS should answer with (400 unless said otherwise, e.g. 505 for a bad version). */
  status?: number;
  /** The underlying cause, if any. */
  cause?: unknown;
}

/**
 * Thrown for anything malformed in a SIP message, header, URI or body.
 * Parsing in this layer never throws any other error type.
 */
export class SipParseError extends Error {
  /** Short text fit for the reason phrase of a 400 (or {@link SipParseError.status}) response. */
  readonly reason: string;
  /** Response status a UAS should send back for this problem (default 400). */
  readonly status: number;

  /**
   * @param reason short human text, usable as a reason phrase (no CR/LF).
   * @param options status to answer with and an optional cause.
   */
  constructor(reason: string, options: SipParseErrorOptions = {}) {
    super(reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SipParseError';
    this.reason = reason.replace(/[\r\n]+/g, ' ');
    this.status = options.status ?? 400;
  }
}

/** Throws a {@link SipParseError}; handy in expression position. */
export function fail(reason: string, status?: number): never {
  throw new SipParseError(reason, status === undefined ? {} : { status });
}
