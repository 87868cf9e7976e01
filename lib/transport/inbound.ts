/**
 * Received bytes to messages for the layer above: datagram rules (RFC 3261 §18.3), the Via
 * marks of §18.2.1 and RFC 3581 §4, parse errors reported (never thrown), limits applied.
 */
import type { RemoteInfo } from 'node:dgram';
import { SipParseError, SipUri, parseMessage, type SipRequest, type SipResponse } from '../message/index.js';
import type { Logger } from '../../include-types/settings.js';
import { bareHost, defaultPort, isInvalidHost, sameHost } from './addresses.js';
import type { TransportConnection } from './connection.js';
import type { ConnectionTable } from './connection-table.js';
import { DropReason, type StatsCounters } from './stats.js';
import type { TransportUser, MessageSource } from './types.js';
import type { UdpEndpoint } from './udp-endpoint.js';
import { isStun, stunBindingResponse } from './stun.js';
import type { TooLargeHandler } from './too-large.js';
import { markReceived } from './via-rules.js';
import { viewsMostOfItsBlock } from '../message/own-copy.js';

/** What the dispatcher needs from its owner. */
export interface InboundDeps {
  user(): TransportUser | undefined;
  stats: StatsCounters;
  logger?: Logger;
  maxMessageSize: number;
  table: ConnectionTable;
  /** Datagrams over `maxMessageSize` go here. */
  tooLarge: TooLargeHandler;
}

/**
 * How many UDP senders' {@link MessageSource}s are kept for reuse; past it the cache starts over
 * (a flood from many ports costs a fresh object per datagram again, never unbounded memory).
 */
const UDP_SOURCE_CACHE = 4096;

/**
 * The parser's body is a view onto the received bytes, so whoever keeps the message (a transaction
 * or dialog, for up to 64*T1) keeps the whole datagram or message with it: up to 64 kB behind a
 * 300-byte SDP when a hostile request carries a huge header, and, for UDP, one malloc'd block per
 * datagram that V8 frees only with the message. A body that is less than half of what it views is
 * copied (a small copy comes from Node's shared pool), so the received block dies young.
 */
export function ownBody(body: Buffer): Buffer {
  return body.length === 0 || viewsMostOfItsBlock(body) ? body : Buffer.from(body);
}

/** Turns received datagrams and framed stream messages into `TransportUser` calls. */
export class InboundDispatcher {
  /**
   * One {@link MessageSource} per (socket, sender address, port), shared by every datagram from
   * that sender: a server transaction keeps its source for the 32 s of Timer J/L, and at thousands
   * of transactions per second from one peer a fresh object (and address string) each adds up.
   */
  private udpSources = new Map<UdpEndpoint, Map<string, Map<number, MessageSource>>>();
  private udpSourceCount = 0;

  constructor(private readonly deps: InboundDeps) {}

  /** The shared source of datagrams from `from` on `endpoint` (see {@link udpSources}). */
  private datagramSource(from: RemoteInfo, endpoint: UdpEndpoint): MessageSource {
    let byAddress = this.udpSources.get(endpoint);
    if (byAddress === undefined) this.udpSources.set(endpoint, (byAddress = new Map()));
    let byPort = byAddress.get(from.address);
    if (byPort === undefined) byAddress.set(from.address, (byPort = new Map()));
    let source = byPort.get(from.port);
    if (source !== undefined) return source;
    if (this.udpSourceCount >= UDP_SOURCE_CACHE) {
      this.udpSources = new Map();
      this.udpSourceCount = 0;
      return this.datagramSource(from, endpoint);
    }
    source = {
      protocol: 'udp',
      remoteAddress: from.address,
      remotePort: from.port,
      localAddress: endpoint.address,
      localPort: endpoint.port,
      iapId: endpoint.iapId,
    };
    byPort.set(from.port, source);
    this.udpSourceCount++;
    return source;
  }

  /** One UDP datagram. */
  datagram(data: Buffer, from: RemoteInfo, endpoint: UdpEndpoint): void {
    const { stats } = this.deps;
    stats.datagramsIn += 1;
    const source = this.datagramSource(from, endpoint);
    if (data.length > this.deps.maxMessageSize) {
      // RFC 3261 §21.5.14: a request whose head can be read is answered 513; then dropped
      this.deps.tooLarge.datagram(data, source);
      return;
    }
    if (data.every((b) => b === 13 || b === 10)) return; // a CRLF keep-alive carries no message
    if (isStun(data)) {
      // RFC 5626 §4.4.2: a STUN Binding request is a keep-alive; answer it from this socket.
      const answer = stunBindingResponse(data, from.address, from.port);
      if (answer) {
        stats.keepAlivePongs += 1;
        endpoint.send(answer, from.port, from.address).catch(() => undefined);
      }
      return;
    }
    this.parseAndDeliver(data, source, false);
  }

  /** One complete message cut from a stream by the framer. */
  streamMessage(raw: Buffer, conn: TransportConnection): void {
    this.deps.stats.streamMessagesIn += 1;
    const source = streamSource(conn);
    this.parseAndDeliver(raw, source, true, conn);
  }

  /**
   * One WebSocket message: exactly one SIP message (RFC 7118 §5). Message boundaries are kept, so
   * it is parsed as a datagram is (Content-Length optional); one that does not parse is reported
   * (the stack may answer 400) and the connection goes on, as no framing was lost.
   */
  webSocketMessage(raw: Buffer, conn: TransportConnection): void {
    this.deps.stats.streamMessagesIn += 1;
    const source = streamSource(conn);
    if (raw.length > this.deps.maxMessageSize) {
      // RFC 3261 §21.5.14: a request whose head can be read is answered 513; then dropped
      this.deps.tooLarge.datagram(raw, source);
      return;
    }
    this.parseAndDeliver(raw, source, false, conn);
  }

  private parseAndDeliver(raw: Buffer, source: MessageSource, stream: boolean, conn?: TransportConnection): void {
    let msg: SipRequest | SipResponse;
    try {
      msg = parseMessage(raw, { stream });
      msg.body = ownBody(msg.body);
      if (msg.isRequest()) {
        markReceived(msg, source.remoteAddress, source.remotePort);
        if (conn && (conn.protocol === 'ws' || conn.protocol === 'wss')) this.noteWebSocketNames(msg, conn);
        else if (conn) this.noteAlias(msg, conn);
      } else {
        msg.topVia; // RFC 3261 §8.1.3.3 / §18.1.2: a response needs a Via to be matched
      }
    } catch (err) {
      const error = err instanceof SipParseError ? err : new SipParseError('malformed message', { cause: err });
      this.parseError(raw, error, source);
      return;
    }
    const user = this.userOrDrop(source);
    if (!user) return;
    try {
      if (msg.isRequest()) user.onRequest(msg, source);
      else user.onResponse(msg, source);
    } catch (err) {
      // The user's bug must not kill the socket that delivered the message.
      this.deps.logger?.error('transport: TransportUser threw', { error: String(err) });
    }
  }

  private parseError(raw: Buffer, error: SipParseError, source: MessageSource): void {
    this.deps.stats.drop(DropReason.ParseError);
    this.deps.logger?.info('transport: unparsable message', {
      reason: error.reason,
      from: `${source.remoteAddress}:${source.remotePort}`,
      protocol: source.protocol,
    });
    const user = this.userOrDrop(source);
    if (!user) return;
    try {
      user.onParseError(raw, error, source);
    } catch (err) {
      this.deps.logger?.error('transport: TransportUser.onParseError threw', { error: String(err) });
    }
  }

  /**
   * RFC 7118 §5: a WebSocket client names itself with a `.invalid` host in Via and Contact; later
   * requests to that host (e.g. a BYE to its Contact) go over this connection.
   */
  private noteWebSocketNames(request: SipRequest, conn: TransportConnection): void {
    const via = request.topVia;
    if (isInvalidHost(via.host)) this.deps.table.aliasWebSocketName(conn, via.host);
    if (!request.headers.has('Contact')) return;
    try {
      for (const contact of request.contact) {
        if (contact === '*' || !(contact.uri instanceof SipUri)) continue;
        if (isInvalidHost(contact.uri.host)) this.deps.table.aliasWebSocketName(conn, contact.uri.host);
      }
    } catch {
      // a malformed Contact is the stack's to answer (400); it names nothing here
    }
  }

  /** RFC 5923 §5: a request with `;alias` lets us reuse its connection towards its sent-by. */
  private noteAlias(request: SipRequest, conn: TransportConnection): void {
    const via = request.topVia;
    if (!via.params.has('alias')) return;
    // NOTE (deviation): RFC 5923 relies on TLS mutual authentication, which we do not do; so an
    // alias is only taken for the connection's own address (another port of the same host),
    // which keeps a client from pulling in requests meant for a different host.
    if (!sameHost(via.host, conn.remoteAddress)) return;
    this.deps.table.alias(conn, bareHost(via.host), via.port ?? defaultPort(conn.protocol));
  }

  private userOrDrop(source: MessageSource): TransportUser | undefined {
    const user = this.deps.user();
    if (!user) {
      this.deps.stats.drop(DropReason.NoUser);
      this.deps.logger?.warn('transport: message dropped, no TransportUser set', { iapId: source.iapId });
    }
    return user;
  }
}

/** Per connection, the one source all its messages share (see {@link streamSource}). */
const streamSources = new WeakMap<TransportConnection, MessageSource>();

/**
 * The {@link MessageSource} of messages arriving on a stream connection: one object per
 * connection, shared by its messages (server transactions keep it for Timer L).
 */
export function streamSource(conn: TransportConnection): MessageSource {
  let source = streamSources.get(conn);
  if (source === undefined) {
    source = {
      protocol: conn.protocol,
      remoteAddress: conn.remoteAddress,
      remotePort: conn.remotePort,
      localAddress: conn.localAddress,
      localPort: conn.localPort,
      iapId: conn.iapId,
      connectionId: conn.id,
    };
    streamSources.set(conn, source);
  }
  return source;
}
