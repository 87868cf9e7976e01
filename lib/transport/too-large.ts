/**
 * Messages over `maxMessageSize` (RFC 3261 §18.1.1, §21.5.14): the server tells the client with a
 * 513 instead of dropping the request silently. Only the head is read. On a stream the body is
 * then skipped unbuffered (at most `maxDiscardBytes`) so the connection goes on; a longer body
 * closes it after the answer. A datagram's head is read from the datagram. Responses are dropped.
 */
import type { Logger, TransportLimits } from '../../include-types/settings.js';
import { headLength, parseHeadOnly, type SipRequest, type SipResponse } from '../message/index.js';
import { DropReason, type StatsCounters } from './stats.js';
import type { StreamConnection } from './stream-connection.js';
import type { MessageSource, SentInfo, TransportUser } from './types.js';
import { markReceived } from './via-rules.js';

/** What the handler needs from the transport layer. */
export interface TooLargeDeps {
  user(): TransportUser | undefined;
  stats: StatsCounters;
  logger?: Logger;
  limits: TransportLimits;
  /** Sends a response back the way `TransportPort.sendResponse` does. */
  sendResponse(response: SipResponse, source: MessageSource): Promise<SentInfo>;
}

/** Handles the messages the framer and the UDP path find over the limit. */
export class TooLargeHandler {
  constructor(private readonly deps: TooLargeDeps) {}

  /**
   * The framer's `onTooLarge`: a stream message whose head (complete, within the limit) announces
   * a body that takes it over. Answers a request, then skips the body or closes after the answer.
   */
  stream(head: Buffer, bodyLength: number, conn: StreamConnection, source: MessageSource): 'skip' | 'stop' {
    const { stats, logger, limits } = this.deps;
    stats.drop(DropReason.TooLarge);
    const size = head.length + bodyLength;
    const skip = bodyLength <= limits.maxDiscardBytes;
    const answer = this.answer(head, source, size);
    logger?.warn('transport: stream message larger than maxMessageSize', {
      id: conn.id,
      size,
      maxMessageSize: limits.maxMessageSize,
      kind: answer.kind,
      answered: answer.response !== undefined,
      then: skip ? 'body skipped' : 'connection closed (body over maxDiscardBytes)',
    });
    const sent = answer.response === undefined ? undefined : this.send(answer.response, source);
    if (skip) {
      stats.tooLarge.bodiesSkipped += 1;
      stats.tooLarge.bytesSkipped += bodyLength;
      return 'skip';
    }
    // NOTE: the connection is not usable past an unskipped body; it closes once the answer is out
    stats.tooLarge.connectionsClosed += 1;
    if (sent === undefined) conn.closeAfterFlush(DropReason.TooLarge);
    else void sent.then(() => conn.closeAfterFlush(DropReason.TooLarge));
    return 'stop';
  }

  /**
   * A datagram, or a whole WebSocket message (RFC 7118 §5: message-bounded like one), over the
   * limit: a request whose head can be read gets its answer; then dropped.
   */
  datagram(data: Buffer, source: MessageSource): void {
    const { stats, logger, limits } = this.deps;
    stats.drop(DropReason.TooLarge);
    let start = 0;
    while (start < data.length && (data[start] === 13 || data[start] === 10)) start++; // RFC 3261 §7.5
    const length = headLength(data.subarray(start), limits.maxMessageSize);
    const answer = length < 0 ? { kind: 'unreadable' as const } : this.answer(data.subarray(start, start + length), source, data.length);
    logger?.warn(`transport: ${source.protocol === 'udp' ? 'datagram' : 'websocket message'} dropped, larger than maxMessageSize`, {
      size: data.length,
      maxMessageSize: limits.maxMessageSize,
      from: `${source.remoteAddress}:${source.remotePort}`,
      kind: answer.kind,
      answered: answer.response !== undefined,
    });
    if (answer.response !== undefined) void this.send(answer.response, source);
  }

  /** Reads the head; for a request, asks the user for its answer. */
  private answer(head: Buffer, source: MessageSource, size: number): { kind: 'request' | 'response' | 'unreadable'; response?: SipResponse } {
    let msg;
    try {
      msg = parseHeadOnly(head);
      if (msg.isRequest()) markReceived(msg, source.remoteAddress, source.remotePort); // RFC 3261 §18.2.1, RFC 3581 §4
    } catch {
      return { kind: 'unreadable' };
    }
    if (!msg.isRequest()) {
      this.deps.stats.tooLarge.responsesDropped += 1; // RFC 3261 §18.1.2: responses are never answered
      return { kind: 'response' };
    }
    const response = this.ask(msg, source, size);
    if (response !== undefined) this.deps.stats.tooLarge.answered += 1;
    return { kind: 'request', response };
  }

  private ask(request: SipRequest, source: MessageSource, size: number): SipResponse | undefined {
    const user = this.deps.user();
    if (user?.onRequestTooLarge === undefined) return undefined;
    try {
      return user.onRequestTooLarge(request, source, size);
    } catch (err) {
      this.deps.logger?.error('transport: TransportUser.onRequestTooLarge threw', { error: String(err) });
      return undefined;
    }
  }

  /** Sends the answer; settles (never rejects) once it is out or failed. */
  private send(response: SipResponse, source: MessageSource): Promise<void> {
    return this.deps.sendResponse(response, source).then(
      () => undefined,
      (err: unknown) => this.deps.logger?.info('transport: answer to a message over maxMessageSize not sent', { error: String(err) }),
    );
  }
}
