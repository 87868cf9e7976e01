/**
 * Counters the transport layer keeps, so tests and leak checks can see what it holds and what it
 * dropped.
 */

/** Why a message, datagram or connection was dropped or refused. */
export const DropReason = {
  /** A message larger than `maxMessageSize`. */
  TooLarge: 'tooLarge',
  /** A datagram or framed message that could not be parsed. */
  ParseError: 'parseError',
  /** A connection beyond `maxConnections`. */
  ConnectionLimit: 'connectionLimit',
  /** An incoming connection beyond `maxConnectionsPerAddress` from its remote address. */
  AddressLimit: 'addressLimit',
  /** A stream connection that held an incomplete message longer than `partialMessageTimeout`. */
  PartialTimeout: 'partialTimeout',
  /** A connection whose incomplete message outgrew `maxBufferedBytesPerConnection`. */
  BufferLimit: 'bufferLimit',
  /** A connection closed after `idleConnectionTimeout` without traffic. */
  Idle: 'idle',
  /** A stream that broke SIP framing (e.g. bad Content-Length). */
  Framing: 'framing',
  /** A message arrived before any `TransportUser` was set. */
  NoUser: 'noUser',
} as const;
/** One of the {@link DropReason} values. */
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/** A snapshot of the transport counters. */
export interface TransportStats {
  /** Open TCP/TLS connections (incoming and outgoing). */
  connections: number;
  /** Bound UDP sockets. */
  udpSockets: number;
  /** Listening TCP/TLS servers. */
  streamListeners: number;
  /** Datagrams received. */
  datagramsIn: number;
  /** Datagrams sent. */
  datagramsOut: number;
  /** SIP messages received over streams. */
  streamMessagesIn: number;
  /** SIP messages sent over streams. */
  streamMessagesOut: number;
  /** RFC 5626 keep-alives answered: CRLF pongs on streams, STUN Binding responses on UDP. */
  keepAlivePongs: number;
  /** Requests switched to TCP for their size whose connect was refused, sent over UDP instead (RFC 3261 §18.1.1). */
  udpFallbacks: number;
  /**
   * Datagrams the OS dropped on the open UDP sockets before they were read, because a socket's
   * receive buffer (`TransportLimits.udpReceiveBufferSize`) was full: the sign of a UDP server
   * behind its load, whose senders then retransmit. Read on Linux from /proc/net/udp and udp6
   * (since each socket was bound); `undefined` where the OS does not tell, or with no UDP socket.
   */
  udpKernelDrops: number | undefined;
  /** Drops and refusals, by reason. */
  dropped: Record<DropReason, number>;
  /** What became of messages over `maxMessageSize` (each also counted in `dropped.tooLarge`). */
  tooLarge: TooLargeStats;
}

/** Messages over `maxMessageSize` (RFC 3261 §21.5.14), by outcome. */
export interface TooLargeStats {
  /** Requests whose head was read and answered (513), over UDP or a stream. */
  answered: number;
  /** Stream messages whose body was skipped unbuffered, the connection going on. */
  bodiesSkipped: number;
  /** Body octets announced by those messages and skipped. */
  bytesSkipped: number;
  /** Responses dropped (never answered). */
  responsesDropped: number;
  /** Connections closed for one (a header block over the limit, a body over `maxDiscardBytes`). */
  connectionsClosed: number;
}

/** Mutable counters behind {@link TransportStats}; connection and socket counts are set by the owner. */
export class StatsCounters {
  datagramsIn = 0;
  datagramsOut = 0;
  streamMessagesIn = 0;
  streamMessagesOut = 0;
  keepAlivePongs = 0;
  udpFallbacks = 0;
  readonly dropped: Record<DropReason, number> = {
    tooLarge: 0,
    parseError: 0,
    connectionLimit: 0,
    addressLimit: 0,
    partialTimeout: 0,
    bufferLimit: 0,
    idle: 0,
    framing: 0,
    noUser: 0,
  };
  readonly tooLarge: TooLargeStats = {
    answered: 0,
    bodiesSkipped: 0,
    bytesSkipped: 0,
    responsesDropped: 0,
    connectionsClosed: 0,
  };

  /** Counts one drop. */
  drop(reason: DropReason): void {
    this.dropped[reason] += 1;
  }

  /** Returns a copy with the live counts filled in. */
  snapshot(live: { connections: number; udpSockets: number; streamListeners: number }, udpKernelDrops?: number): TransportStats {
    return {
      ...live,
      udpKernelDrops,
      datagramsIn: this.datagramsIn,
      datagramsOut: this.datagramsOut,
      streamMessagesIn: this.streamMessagesIn,
      streamMessagesOut: this.streamMessagesOut,
      keepAlivePongs: this.keepAlivePongs,
      udpFallbacks: this.udpFallbacks,
      dropped: { ...this.dropped },
      tooLarge: { ...this.tooLarge },
    };
  }
}
