/**
 * A TransportPort for unit tests: opens no socket, records every send, can drop the Nth send
 * (the message is "lost in the network": the send succeeds but nothing is delivered), can fail
 * sends (the promise rejects, as on ICMP unreachable or a refused connection), and can deliver
 * what it sends to a peer (another layer) as a fresh parsed copy, one microtask later.
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { TransportProtocol } from '../../include-types/settings.js';
import { type SipRequest, type SipResponse, parseMessage, serializeMessage } from '../../lib/message/index.js';
import type { MessageSource, SendTarget, SentInfo, TransportPort } from '../../lib/transport/types.js';

/** One send the fake saw. */
export interface SentRecord {
  /** 1-based number of the send (requests and responses counted together). */
  n: number;
  kind: 'request' | 'response';
  message: SipRequest | SipResponse;
  /** For requests: where it went. */
  target?: SendTarget;
  /** For responses: the source of the request it answers. */
  source?: MessageSource;
  /** Lost in the network. */
  dropped: boolean;
  /** The send promise rejected. */
  failed: boolean;
  /** Clock time of the send, if a `now` function was given. */
  at: number;
}

/** Where delivered messages go (a TransportUser without parse errors). */
export interface FakePeer {
  onRequest(request: SipRequest, source: MessageSource): void;
  onResponse(response: SipResponse, source: MessageSource): void;
}

/** Test double of {@link TransportPort}. */
export class FakeTransport implements TransportPort {
  /** Every send, in order. */
  readonly sent: SentRecord[] = [];
  /** Protocols reported reliable (default tcp, tls). */
  reliable = new Set<TransportProtocol>(['tcp', 'tls']);
  /** If set, every successful send reports this protocol as used (e.g. UDP → TCP above the MTU). */
  usedProtocol: TransportProtocol | undefined;
  /** Receives delivered messages. */
  peer: FakePeer | undefined;
  /** If set, decides per send whether it is lost (after {@link dropNth}). */
  dropIf: ((message: SipRequest | SipResponse, n: number) => boolean) | undefined;
  /** Reported as `SentInfo.connectionId` for sends over reliable protocols. */
  connectionId: number | undefined;
  /** Our address as the peer sees it. */
  local = { address: '192.0.2.10', port: 5060 };

  private readonly drops = new Set<number>();
  private readonly failures = new Map<number, SipError>();
  private failEverything: SipError | undefined;

  /** @param now clock read for {@link SentRecord.at}. */
  constructor(private readonly now: () => number = () => 0) {}

  /** Loses the Nth send (1-based, requests and responses counted together). */
  dropNth(n: number): this {
    this.drops.add(n);
    return this;
  }

  /** Makes the Nth send reject. */
  failNth(n: number, error: SipError = new SipError(SipErrorCode.TransportError, 'connection refused')): this {
    this.failures.set(n, error);
    return this;
  }

  /** Makes every later send reject; `null` stops it. */
  failAll(error: SipError | null = new SipError(SipErrorCode.TransportError, 'network unreachable')): this {
    this.failEverything = error ?? undefined;
    return this;
  }

  isReliable(protocol: TransportProtocol): boolean {
    return this.reliable.has(protocol);
  }

  sendRequest(request: SipRequest, target: SendTarget): Promise<SentInfo> {
    const rec = this.record('request', request, target, undefined);
    if (rec.failed) return Promise.reject(this.errorFor(rec.n));
    if (!rec.dropped && this.peer !== undefined) {
      const copy = parseMessage(serializeMessage(request)) as SipRequest;
      const protocol = this.usedProtocol ?? target.protocol;
      const source: MessageSource = {
        protocol,
        remoteAddress: this.local.address,
        remotePort: this.local.port,
        localAddress: target.address,
        localPort: target.port,
        iapId: 'peer',
      };
      const peer = this.peer;
      queueMicrotask(() => peer.onRequest(copy, source));
    }
    return Promise.resolve(this.info(this.usedProtocol ?? target.protocol, target.address, target.port));
  }

  sendResponse(response: SipResponse, source: MessageSource): Promise<SentInfo> {
    const rec = this.record('response', response, undefined, source);
    if (rec.failed) return Promise.reject(this.errorFor(rec.n));
    if (!rec.dropped && this.peer !== undefined) {
      const copy = parseMessage(serializeMessage(response)) as SipResponse;
      const back: MessageSource = {
        protocol: source.protocol,
        remoteAddress: source.localAddress,
        remotePort: source.localPort,
        localAddress: source.remoteAddress,
        localPort: source.remotePort,
        iapId: 'peer',
      };
      const peer = this.peer;
      queueMicrotask(() => peer.onResponse(copy, back));
    }
    return Promise.resolve(this.info(source.protocol, source.remoteAddress, source.remotePort));
  }

  /** Requests sent, optionally of one method. */
  requests(method?: string): SipRequest[] {
    return this.sent.filter((r) => r.kind === 'request' && (method === undefined || (r.message as SipRequest).method === method)).map((r) => r.message as SipRequest);
  }

  /** Responses sent, optionally with one status. */
  responses(status?: number): SipResponse[] {
    return this.sent.filter((r) => r.kind === 'response' && (status === undefined || (r.message as SipResponse).status === status)).map((r) => r.message as SipResponse);
  }

  /** Clock times of the requests of one method (retransmission schedules). */
  requestTimes(method: string): number[] {
    return this.sent.filter((r) => r.kind === 'request' && (r.message as SipRequest).method === method).map((r) => r.at);
  }

  /** Clock times of the responses with one status. */
  responseTimes(status: number): number[] {
    return this.sent.filter((r) => r.kind === 'response' && (r.message as SipResponse).status === status).map((r) => r.at);
  }

  private record(kind: 'request' | 'response', message: SipRequest | SipResponse, target?: SendTarget, source?: MessageSource): SentRecord {
    const n = this.sent.length + 1;
    const failed = this.failEverything !== undefined || this.failures.has(n);
    const dropped = this.drops.has(n) || (this.dropIf !== undefined && this.dropIf(message, n));
    const rec: SentRecord = { n, kind, message, dropped, failed, at: this.now() };
    if (target !== undefined) rec.target = target;
    if (source !== undefined) rec.source = source;
    this.sent.push(rec);
    return rec;
  }

  private errorFor(n: number): SipError {
    return this.failures.get(n) ?? this.failEverything ?? new SipError(SipErrorCode.TransportError, 'failed');
  }

  private info(protocol: TransportProtocol, address: string, port: number): SentInfo {
    const info: SentInfo = { protocol, localAddress: this.local.address, localPort: this.local.port, remoteAddress: address, remotePort: port };
    if (this.connectionId !== undefined && this.reliable.has(protocol)) info.connectionId = this.connectionId;
    return info;
  }
}

/** Lets queued deliveries and send promises settle (no real time passes on the fake clock). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
