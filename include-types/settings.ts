/**
 * Settings of the shared SIP stack, its local bindings (IAPs) and its limits. Every limit is
 * configurable; the defaults are listed next to each field.
 */

/**
 * A transport protocol a local binding listens on and requests are sent over. `ws` and `wss` are
 * SIP over WebSocket (RFC 7118), plain and over TLS.
 */
export type TransportProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** RFC 3261 §17 timer base values, in milliseconds. */
export interface TimerSettings {
  /** RTT estimate (default 500). */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (default 4000). */
  t2: number;
  /** Maximum time a message stays in the network (default 5000). */
  t4: number;
  /** Delay before an INVITE server transaction sends 100 Trying by itself (default 200, §17.2.1). */
  trying100Delay: number;
}

/** Certificates for TLS, as node:tls takes them. */
export interface TlsSettings {
  /** PEM certificate chain of this side. */
  cert?: string | Buffer;
  /** PEM private key of this side. */
  key?: string | Buffer;
  /** PEM CA certificates to trust. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Verify the peer's certificate (default true). */
  rejectUnauthorized?: boolean;
  /** SNI / name checked against the server's certificate, when it differs from the target host. */
  servername?: string;
  /**
   * Listener side (`tls`, `wss`): ask each client for a certificate and refuse the handshake
   * without one that chains to `ca` (mutual TLS). Default false.
   */
  requireClientCertificate?: boolean;
}

/**
 * HTTP-side settings of a `ws`/`wss` listener (RFC 7118 over RFC 6455). The `sip` subprotocol is
 * always required: a handshake without it is refused (400).
 */
export interface WebSocketSettings {
  /** Only this request path is accepted, e.g. "/sip" (404 otherwise). Default: any path. */
  path?: string;
  /**
   * Origins (RFC 6454, e.g. "https://phone.example.com") whose browsers may connect; another
   * Origin, or none, gets 403. Compared case-insensitively. Default: unset, any Origin or none.
   */
  allowedOrigins?: string[];
  /** Extra HTTP headers sent in the 101 Switching Protocols response. */
  responseHeaders?: Record<string, string>;
  /**
   * Path requested by the WebSocket connections this IAP opens to other servers (a SIP URI has
   * no path). Default "/".
   */
  connectPath?: string;
}

/** One socket a local binding listens on. */
export interface ListenSettings {
  protocol: TransportProtocol;
  /** Local IPv4 or IPv6 address, e.g. "127.0.0.1" or "::1". */
  address: string;
  /** Local port; 0 picks a free one (read the chosen one back from the stack). */
  port: number;
  /** Required for `tls` and `wss` (cert and key); its `ca` etc. also serve the connections opened. */
  tls?: TlsSettings;
  /** For `ws` and `wss`: path, allowed Origins, extra response headers. */
  websocket?: WebSocketSettings;
}

/**
 * An IAP: a named local binding (address, ports, transports). The Symbian API keys connections by
 * IAP id; tsip keys them by this `id`.
 */
export interface IapSettings {
  /** Name of the binding; `SipConnection`s are created for it. */
  id: string;
  /** Sockets to listen on (at least one). */
  listen: ListenSettings[];
  /** Host to advertise in Via and Contact if not the listening address (e.g. behind NAT). */
  advertisedHost?: string;
  /**
   * TLS settings of the TLS/WSS connections this IAP opens (CA, `rejectUnauthorized`,
   * `servername`, an optional client certificate). Default: the `tls` of its first TLS or WSS
   * listener. Lets an IAP open verified TLS connections without listening on TLS itself.
   */
  tlsClient?: TlsSettings;
  /**
   * Path MTU in bytes. A UDP request within 200 bytes of it goes over TCP instead (RFC 3261
   * §18.1.1). Default 1500, so requests larger than 1300 bytes switch.
   */
  mtu?: number;
}

/**
 * Limits the transports enforce. Breaking one closes that connection or drops that datagram, except
 * a request over `maxMessageSize` whose headers can be read: that gets a stateless 513 (RFC 3261
 * §21.5.14) and, over TCP/TLS, its body is skipped up to `maxDiscardBytes` so the connection lives on.
 */
export interface TransportLimits {
  /** Largest SIP message accepted or sent, in bytes (default 65535). */
  maxMessageSize: number;
  /** Most simultaneous TCP/TLS/WebSocket connections per binding (default 1024). */
  maxConnections: number;
  /**
   * Bytes buffered per connection while a message is incomplete (default maxMessageSize). For
   * WebSocket it is the largest WebSocket message read at all (the whole message is held before
   * it is parsed): above it the connection is closed with 1009.
   */
  maxBufferedBytesPerConnection: number;
  /** Idle stream connections are closed after this many ms (default 120000). */
  idleConnectionTimeout: number;
  /**
   * RFC 5626 CRLF keep-alive interval on TCP/TLS connections we opened, in ms; 0 = off (default 0).
   * WebSocket connections (both directions) get a WebSocket ping frame at this interval instead.
   */
  keepAliveInterval: number;
  /**
   * TCP/TLS: a message over `maxMessageSize` whose header block is complete within it gets its
   * answer (513 for a request, RFC 3261 §21.5.14) and its body, when at most this many bytes, is
   * read and thrown away unbuffered so the connection goes on; a longer body closes the connection
   * after the answer. 0 = always close after the answer (default 16777216, 16 MiB).
   */
  maxDiscardBytes: number;
  /**
   * Most TCP/TLS/WebSocket connections one remote address may open to one binding (default 256).
   * One more is closed at once (a WebSocket handshake gets 503), counted as
   * `dropped.addressLimit`. 0 = no per-address limit (only `maxConnections`).
   */
  maxConnectionsPerAddress: number;
  /**
   * TCP/TLS: an incomplete message may be held this many ms (default 20000); so long an accepted
   * connection may also go without its first complete message (CRLF keep-alives count). Past it the
   * connection is closed, counted as `dropped.partialTimeout`: a slowloris peer sending a byte now
   * and then keeps no connection and no buffer. 0 = no such timeout (only `idleConnectionTimeout`).
   */
  partialMessageTimeout: number;
  /**
   * Receive buffer (SO_RCVBUF) asked for each UDP socket, in bytes (default 1048576, 1 MiB; 0 = the
   * OS default). It holds the datagrams that arrive while the event loop is busy; when it is full
   * the OS drops them (counted in `stats().transport.udpKernelDrops` on Linux) and the senders
   * retransmit. The OS may grant less (Linux caps it at `net.core.rmem_max`, 208 KiB on many hosts):
   * the stack then logs what was asked and granted, as a warning when this was set, else as info.
   */
  udpReceiveBufferSize: number;
  /**
   * Bytes we may have written on one TCP/TLS/WebSocket connection that the peer has not taken yet
   * (beyond what the OS's socket buffers hold), in bytes (default 16 × maxMessageSize; at least
   * maxMessageSize). A send beyond it is refused with `SipError(TransportError)` "peer is not
   * reading" and the connection closed (`dropped.bufferLimit`): a peer that stopped reading must
   * not make us hold its messages without bound.
   */
  maxUnsentBytesPerConnection: number;
}

/** Limits the stack enforces above the transports. */
export interface StackLimits {
  /** Most live server transactions; beyond it new requests get 503 (default 10000). */
  maxServerTransactions: number;
  /** Most live client transactions; beyond it sending throws LimitExceeded (default 10000). */
  maxClientTransactions: number;
  /** Most live dialogs (default 20000). */
  maxDialogs: number;
  /**
   * Most INVITEs answered 2xx whose ACK has not come yet (the 2xx is retransmitted for up to
   * 64*T1, RFC 3261 §13.3.1.4, and its dialog kept). Beyond it a new INVITE outside a dialog gets
   * a stateless 503 (RFC 3261 §21.5.4), counted in `stats().limitRejections.unacknowledgedInvites`:
   * a flood of INVITEs that are never ACKed cannot hold more (default 10000, ~2.3 KB each with
   * its INVITE transaction and dialog, so ~23 MB; a server transaction counts against
   * `maxServerTransactions` too). A 2xx that has waited
   * `unacknowledgedGiveUpAfter` gives its place to the new INVITE instead.
   */
  maxUnacknowledgedInvites: number;
  /**
   * ms after which a 2xx still waiting for its ACK may be given up for a new INVITE over
   * `maxUnacknowledgedInvites` (default 4000: with T1 = 500 ms it was resent three times without
   * an ACK; 0 = never, the INVITE is refused). The oldest such 2xx stops being retransmitted and
   * its user is told as at the end of 64*T1 (RFC 3261 §13.3.1.4: it should end the dialog with BYE);
   * counted in `stats().limitRejections.ackWaitsGivenUp`. Without it, the 2xx of calls lost in an
   * overload burst (both the ACK and the BYE dropped) keep the limit reached, refusing new calls,
   * for up to 32 s after the burst. The limit still bounds what is held: a flood of never-ACKed
   * INVITEs faster than `maxUnacknowledgedInvites` per `unacknowledgedGiveUpAfter` is refused.
   */
  unacknowledgedGiveUpAfter: number;
  /**
   * Retry-After, in seconds, on the stateless 503 of a request over `maxServerTransactions` or
   * `maxUnacknowledgedInvites` (default 5; 0 = none). RFC 3261 §21.5.4: without it a client treats
   * the 503 as a 500; with it a client may retry after that time and a dispatcher in front of
   * several servers can send the request to another one meanwhile.
   */
  limitRetryAfter: number;
  /**
   * Most requests refused for `maxServerTransactions` or `maxUnacknowledgedInvites` that the stack
   * remembers (by transaction key, for 64*T1) so that a retransmission of one gets the same 503,
   * counted in `stats().limitRejections.retransmissions` (default 10000, ~120 B each; 0 = none).
   * Without it a retransmission that arrives once the load has dipped is admitted although its
   * client already has the 503: an INVITE's 2xx then waits 64*T1 for an ACK that never comes
   * (RFC 3261 §13.3.1.4), holding a slot of `maxUnacknowledgedInvites`.
   */
  maxRememberedRefusals: number;
}

/** A point in time and timers, injectable so tests drive time by hand. */
export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; cancelling a fired or cancelled timer does nothing. */
  clearTimer(handle: TimerHandle): void;
}

/** An opaque handle returned by {@link Clock.setTimer}. */
export interface TimerHandle {
  readonly id: number;
}

/** One place to send a request to, as RFC 3263 resolution yields them in order. */
export interface ResolvedTarget {
  protocol: TransportProtocol;
  address: string;
  port: number;
  family: 4 | 6;
}

/** What RFC 3263 resolution is asked: a SIP URI's host, port, transport and scheme. */
export interface ResolveQuery {
  host: string;
  port?: number;
  /** The URI's `transport` parameter, lower-cased. */
  transport?: string;
  /** `sips` forces TLS. */
  secure: boolean;
}

/** RFC 3263 target resolution (NAPTR → SRV → A/AAAA); replaceable in tests. */
export interface Resolver {
  resolve(query: ResolveQuery): Promise<ResolvedTarget[]>;
}

/** Where the stack writes what it drops or refuses, with the reason. */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** What {@link SipStackSettings.admission} is told of a new request. */
export interface NewRequestInfo {
  /** The method (INVITE, OPTIONS, MESSAGE, ...; never ACK or CANCEL). */
  readonly method: string;
  /** Its Call-ID. */
  readonly callId: string;
  /** Where it came from. */
  readonly source: { readonly protocol: string; readonly address: string; readonly port: number };
}

/** A refusal decided by {@link SipStackSettings.admission}: sent without a server transaction. */
export interface AdmissionRefusal {
  /** The status, 400-699 (e.g. 486 Busy Here, 503 Service Unavailable). */
  status: number;
  /** The reason phrase (default: the status's own). */
  reason?: string;
  /** Seconds for a Retry-After header (RFC 3261 §20.33), e.g. with a 503 (§21.5.4). */
  retryAfter?: number;
}

/** Settings of a `SipStack`: everything is optional except the local bindings. */
export interface SipStackSettings {
  /** The local bindings (IAPs). */
  iaps: IapSettings[];
  /** T1, T2, T4 and the 100 Trying delay. */
  timers?: Partial<TimerSettings>;
  /** Transport limits. */
  transportLimits?: Partial<TransportLimits>;
  /** Transaction and dialog limits. */
  limits?: Partial<StackLimits>;
  /** Time source (default: the real clock). */
  clock?: Clock;
  /** RFC 3263 resolver (default: node:dns). */
  resolver?: Resolver;
  /** Where the stack logs what it drops or refuses (default: silent). */
  logger?: Logger;
  /** User-Agent / Server header value (default "tsip/<version>"). */
  userAgent?: string;
  /**
   * Option tags the stack's users understand; a request whose Require lists another gets 420
   * (RFC 3261 §8.2.2.3). Default: 100rel, timer, replaces, siprec, path, outbound, gruu, norefersub.
   */
  supportedExtensions?: string[];
  /**
   * Admission by load, ahead of any transaction: asked about every new request outside a dialog
   * that passed the stack's own checks (never an ACK, a CANCEL or a retransmission of a request
   * that has a transaction). A refusal is answered statelessly (RFC 3261 §8.2.7): no server
   * transaction, no API object. A retransmission of a request refused 480, 486 or 503 gets a 503
   * for 64*T1 without this being asked again, even if it would pass now (its client has its final
   * answer; `limits.maxRememberedRefusals`); one refused with another status is asked again, and
   * its refusal keeps the To tag. For
   * refusals that depend on the load (a busy or draining server), where a transaction per
   * refused request (held 32 s, Timer G retransmitting it) would add to the load it refuses.
   * Runs on the receive path: keep it cheap and do not throw (a throw is logged and admits).
   * Default: none.
   */
  admission?: (request: NewRequestInfo) => AdmissionRefusal | undefined;
}
