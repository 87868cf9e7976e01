/**
 * Shared pieces of the transaction tests: request builders, recording users, one layer on a fake
 * transport, and two layers wired back to back (UAC ↔ UAS) through fake transports.
 */
import type { SipError } from '../../../include-types/errors.js';
import type { TimerSettings, TransportProtocol } from '../../../include-types/settings.js';
import { SipRequest, type SipResponse, createResponse } from '../../../lib/message/index.js';
import type { MessageSource, SendTarget } from '../../../lib/transport/types.js';
import { FakeClock } from '../../../lib/transaction/clock.js';
import { type RequestDisposition, TransactionLayer } from '../../../lib/transaction/layer.js';
import type { ClientTransactionUser, ServerTransactionUser } from '../../../lib/transaction/user.js';
import { FakeTransport, flush } from '../../helpers/fake-transport.js';

export { flush };

let seq = 0;

/** Options of {@link makeRequest}. */
export interface RequestOptions {
  method?: string;
  /** Top Via branch; null for none. Default: a fresh z9hG4bK branch. */
  branch?: string | null;
  /** No Via at all. */
  noVia?: boolean;
  callId?: string;
  cseq?: number;
  fromTag?: string;
  toTag?: string;
  routes?: string[];
  uri?: string;
  viaHost?: string;
  viaPort?: number;
  transport?: string;
}

/** A request as a UA would build it (INVITE by default). */
export function makeRequest(o: RequestOptions = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  const n = ++seq;
  const headers: Array<[string, string]> = [];
  if (o.noVia !== true) {
    const branch = o.branch === undefined ? `z9hG4bKtest${n}` : o.branch;
    const hp = (o.viaHost ?? '192.0.2.10') + (o.viaPort === undefined ? ':5060' : ':' + o.viaPort);
    headers.push(['Via', `SIP/2.0/${o.transport ?? 'UDP'} ${hp}` + (branch === null ? '' : `;branch=${branch}`)]);
  }
  for (const r of o.routes ?? []) headers.push(['Route', r]);
  headers.push(['Max-Forwards', '70']);
  headers.push(['From', `"Alice" <sip:alice@example.com>;tag=${o.fromTag ?? 'from' + n}`]);
  headers.push(['To', '<sip:bob@example.com>' + (o.toTag === undefined ? '' : `;tag=${o.toTag}`)]);
  headers.push(['Call-ID', o.callId ?? `call${n}@example.com`]);
  headers.push(['CSeq', `${o.cseq ?? 1} ${method}`]);
  headers.push(['Contact', '<sip:alice@192.0.2.10>']);
  return new SipRequest({ method, uri: o.uri ?? 'sip:bob@example.com', headers });
}

/** A response to `req` (createResponse, RFC 3261 §8.2.6), To tag `totag` unless status 100. */
export function reply(req: SipRequest, status: number, toTag = 'totag'): SipResponse {
  return createResponse(req, status, undefined, toTag);
}

/** Records what a client transaction reports, as short strings. */
export class ClientRecorder implements ClientTransactionUser {
  readonly events: string[] = [];
  readonly responses: SipResponse[] = [];
  readonly errors: SipError[] = [];
  onProvisional(r: SipResponse): void {
    this.events.push(`provisional:${r.status}`);
    this.responses.push(r);
  }
  onFinal(r: SipResponse): void {
    this.events.push(`final:${r.status}`);
    this.responses.push(r);
  }
  onTimeout(e: SipError): void {
    this.events.push(`timeout:${e.code}`);
    this.errors.push(e);
  }
  onTransportError(e: SipError): void {
    this.events.push(`transportError:${e.code}`);
    this.errors.push(e);
  }
  onTerminated(): void {
    this.events.push('terminated');
  }
}

/** Records what a server transaction reports. */
export class ServerRecorder implements ServerTransactionUser {
  readonly events: string[] = [];
  onTimeout(e: SipError): void {
    this.events.push(`timeout:${e.code}`);
  }
  onTransportError(e: SipError): void {
    this.events.push(`transportError:${e.code}`);
  }
  onTerminated(): void {
    this.events.push('terminated');
  }
}

/** A target for client sends. */
export function target(protocol: TransportProtocol = 'udp'): SendTarget {
  return { protocol, address: '198.51.100.7', port: 5060, iapId: 'test' };
}

/** A source for received requests. */
export function source(protocol: TransportProtocol = 'udp'): MessageSource {
  return { protocol, remoteAddress: '192.0.2.10', remotePort: 5060, localAddress: '198.51.100.7', localPort: 5060, iapId: 'test' };
}

/** One layer on a fake transport and a fake clock. */
export function single(opts: { timers?: Partial<TimerSettings>; maxClient?: number; maxServer?: number; maxUnacknowledged?: number; retryAfter?: number; remembered?: number; giveUpAfter?: number } = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(() => clock.now());
  const limits: { maxClientTransactions?: number; maxServerTransactions?: number; maxUnacknowledgedInvites?: number; limitRetryAfter?: number; maxRememberedRefusals?: number; unacknowledgedGiveUpAfter?: number } = {};
  if (opts.retryAfter !== undefined) limits.limitRetryAfter = opts.retryAfter;
  if (opts.remembered !== undefined) limits.maxRememberedRefusals = opts.remembered;
  if (opts.giveUpAfter !== undefined) limits.unacknowledgedGiveUpAfter = opts.giveUpAfter;
  if (opts.maxClient !== undefined) limits.maxClientTransactions = opts.maxClient;
  if (opts.maxServer !== undefined) limits.maxServerTransactions = opts.maxServer;
  if (opts.maxUnacknowledged !== undefined) limits.maxUnacknowledgedInvites = opts.maxUnacknowledged;
  const layer = new TransactionLayer({ transport, clock, timers: opts.timers ?? {}, limits });
  return { clock, transport, layer };
}

/**
 * Two layers back to back: what the UAC's transport sends reaches the UAS layer and the other way
 * round. Every disposition of a request the UAS receives is recorded in `arrivals`; `onNew` may
 * answer new server transactions.
 */
export function pair(protocol: TransportProtocol = 'udp') {
  const clock = new FakeClock();
  const uacT = new FakeTransport(() => clock.now());
  const uasT = new FakeTransport(() => clock.now());
  const uac = new TransactionLayer({ transport: uacT, clock });
  const uas = new TransactionLayer({ transport: uasT, clock });
  const arrivals: RequestDisposition[] = [];
  const strays: SipResponse[] = [];
  const ctl: { onArrival?: (d: RequestDisposition, req: SipRequest) => void } = {};
  uacT.peer = {
    onRequest(req, src) {
      const d = uas.receiveRequest(req, src);
      arrivals.push(d);
      ctl.onArrival?.(d, req);
    },
    onResponse() {},
  };
  uasT.peer = {
    onRequest() {},
    onResponse(res, src) {
      const d = uac.receiveResponse(res, src);
      if (d.kind === 'stray') strays.push(res);
    },
  };
  /** Advances the clock and lets deliveries settle. */
  const step = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await flush();
  };
  return { clock, uacT, uasT, uac, uas, arrivals, strays, ctl, step, target: target(protocol) };
}

/** Advances far past every RFC 3261 timer (Timer D's 32 s, 64*T1, T4) and settles. */
export async function drain(clock: FakeClock): Promise<void> {
  clock.advance(120_000);
  await flush();
  clock.runAll();
  await flush();
}
