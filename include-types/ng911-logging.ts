/**
 * NG9-1-1 Logging Service contract (NENA-STA-010.3 §4.12.3, loggingservice.yaml): the settings of
 * the small Logging Service tsip ships (`startLogEventServer`), the keys it verifies log event
 * JWSs with, and the status codes it answers `POST /LogEvents` with.
 * Types and const objects only.
 */

/**
 * The answers of `POST /LogEvents` (loggingservice.yaml, the LogEvent operation): 201 with the
 * logEventId, or one of these. The client treats them as final (the event is not sent again).
 */
export const LogEventRejectCode = {
  /** 434 Signature Verification Failure: no configured key verifies the JWS. */
  SignatureVerificationFailure: 434,
  /** 438 Unacceptable Algorithm: the JWS `alg` is not ES256 or RS256 (e.g. `none`). */
  UnacceptableAlgorithm: 438,
  /** 454 Unspecified Error. */
  UnspecifiedError: 454,
  /** 460 Bad LogEvent: not a JWS, or a payload that is not a LogEvent of an accepted type. */
  BadLogEvent: 460,
  /** 461 LogEvent too big: the body is over `maxBodyBytes`. */
  LogEventTooBig: 461,
  /** 462 LogEvent extension not on approved list. */
  ExtensionNotApproved: 462,
  /** 463 LogEvent extension on disallowed list. */
  ExtensionDisallowed: 463,
} as const;

/** One of {@link LogEventRejectCode}. */
export type LogEventRejectCode = (typeof LogEventRejectCode)[keyof typeof LogEventRejectCode];

/** A public JSON Web Key (RFC 7517) of an EC P-256 or RSA key. */
export interface PublicJwk {
  /** `EC` or `RSA`. */
  kty: string;
  /** EC curve (`P-256`). */
  crv?: string;
  /** EC x coordinate, base64url. */
  x?: string;
  /** EC y coordinate, base64url. */
  y?: string;
  /** RSA modulus, base64url. */
  n?: string;
  /** RSA exponent, base64url. */
  e?: string;
  /** Key id, matched against the JWS header's `kid`. */
  kid?: string;
}

/**
 * A key log events may be signed with: a PEM public key or certificate, a public JWK, or either
 * with an explicit key id. A JWS whose header names a `kid` is checked against the keys of that
 * id and the keys without one; a JWS without `kid` against every key of its algorithm's type.
 */
export type LogEventVerifyKey = string | PublicJwk | { kid?: string; key: string | PublicJwk };

/** TLS of the Logging Service (node:https). */
export interface LogEventServerTls {
  /** Server certificate chain (PEM). */
  cert: string;
  /** Server private key (PEM). */
  key: string;
  /** Client CAs (PEM); with `requestCert` only clients with a certificate they signed get in (mutual TLS). */
  ca?: string | string[];
  /** Ask for and require a client certificate (default false). */
  requestCert?: boolean;
}

/** Settings of `startLogEventServer`. */
export interface LogEventServiceSettings {
  /** Address to bind (default `127.0.0.1`). */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** HTTPS when given (NG9-1-1 services are reached over TLS); plain HTTP otherwise. */
  tls?: LogEventServerTls;
  /** Keys the log events may be signed with; at least one. */
  keys: LogEventVerifyKey[];
  /** Directory of the event store (created if missing); events go to `log-events.jsonl` in it. */
  dir: string;
  /**
   * Path prefix the service lives under: it answers `POST {basePath}/LogEvents` (default '',
   * i.e. `/LogEvents`; NENA's example base is `/Logging/v1`).
   */
  basePath?: string;
  /** Most bytes in one request body; a bigger one gets 461 LogEvent too big (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Most events accepted per second (a token bucket holding one second's worth; default 1000;
   * 0 = no limit). Beyond it 429 with Retry-After, which the client retries.
   */
  maxEventsPerSecond?: number;
  /** Event types accepted (default: every LogEventType of loggingservice.yaml); others get 460. */
  acceptedEventTypes?: string[];
  /**
   * Members of a LogEvent's `extension` object: with `approved`, any other gets 462; any in
   * `disallowed` gets 463. Default: every extension accepted.
   */
  extensions?: { approved?: string[]; disallowed?: string[] };
  /** Domain in the logEventIds it hands out, `urn:emergency:uid:logid:<unique>:<domain>` (default `localhost`). */
  domain?: string;
  /** Events remembered for duplicate detection (a client retrying after a lost 201; default 10000). */
  dedupeWindow?: number;
  /** Whole-request timeout in ms (default 30000). */
  requestTimeoutMs?: number;
  /** Most open connections (default 256). */
  maxConnections?: number;
}

/** One event as the store keeps it: one JSON line of `log-events.jsonl`. */
export interface StoredLogEvent {
  /** The id handed out in the 201. */
  logEventId: string;
  /** When the service took it (ISO). */
  receivedAt: string;
  /** The event's `logEventType`. */
  logEventType: string;
  /** The `alg` it was signed with. */
  alg: string;
  /** The `kid` of the JWS header, when it had one. */
  kid?: string;
  /** Address of the client. */
  source?: string;
  /** The verified payload. */
  event: Record<string, unknown>;
  /** The JWS as received (flattened JSON serialization), kept for non-repudiation. */
  jws: { protected: string; payload: string; signature: string };
}
