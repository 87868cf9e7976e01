/**
 * Prometheus metrics of a recording client (prom-client, one Registry per SrcMetrics, never the
 * global one, so two managers in one process do not mix): recordings per SRS entry and SRS
 * (started, completed, failed), failovers, each SRS's up/down as keep-alive saw it, RTP packets
 * and bytes forwarded, live recordings, log events, and the SIP stack counters of each entry's
 * user agent. Counters are `tsip_src_..._total`, in base units (bytes, not KiB).
 * `srcMetricsRoutes` puts them on the operator HTTP server (`GET /metrics`).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpRoute } from '../common/operator-http.js';
import type { SrcManager } from './src-manager.js';

/** Options of {@link SrcMetrics} / {@link srcMetricsRoutes}. */
export interface SrcMetricsOptions {
  /** Path the route answers (default `/metrics`). */
  path?: string;
  /** Registry to use (default: a new one for this manager). */
  registry?: Registry;
  /** Also Node's process metrics (`process_cpu_seconds_total`, heap ...; default false). */
  processMetrics?: boolean;
  /** Labels put on every series (e.g. `{ instance_name: 'src-a' }`). */
  defaultLabels?: Record<string, string>;
}

type Labels<T extends string> = Partial<Record<T, string | number>>;

/**
 * Adds to `counter` what `now` grew by since the last call, per label set: counters read from
 * objects that keep their own totals (forwarders, the SIP stack) stay monotonic even when a
 * source restarts from zero (a user agent after shutdown).
 */
class DeltaFeed {
  private readonly last = new WeakMap<object, Map<string, number>>();
  feed<T extends string>(counter: Counter<T>, labels: Labels<T>, now: number): void {
    let seen = this.last.get(counter);
    if (!seen) this.last.set(counter, (seen = new Map()));
    const key = JSON.stringify(labels);
    const before = seen.get(key);
    if (before === undefined) counter.inc(labels, 0); // the series exists from the first scrape
    if (now > (before ?? 0)) counter.inc(labels, now - (before ?? 0));
    seen.set(key, now);
  }
}

/** The client's metrics, kept up to date from the manager's events and read at each scrape. */
export class SrcMetrics {
  /** The registry every metric is in. */
  readonly registry: Registry;
  private readonly srsUp = new Map<string, boolean>();
  private readonly deltas = new DeltaFeed();

  /** @param manager - the manager to watch (started or not: its user agents are read at each scrape) */
  constructor(private readonly manager: SrcManager, options: SrcMetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? new Registry());
    if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
    if (options.processMetrics) collectDefaultMetrics({ register: registry });
    const registers = [registry];

    const started = new Counter({ name: 'tsip_src_recordings_started_total', help: 'Recording sessions established, by SRS entry and SRS URI.', labelNames: ['entry', 'srs'], registers });
    const completed = new Counter({ name: 'tsip_src_recordings_completed_total', help: 'Recording sessions ended after they were established, by SRS entry, SRS URI and reason.', labelNames: ['entry', 'srs', 'reason'], registers });
    const failed = new Counter({ name: 'tsip_src_recordings_failed_total', help: 'Recordings no SRS of an entry took, by entry, last SRS URI tried and reason.', labelNames: ['entry', 'srs', 'reason'], registers });
    const attempts = new Counter({ name: 'tsip_src_srs_attempts_total', help: 'INVITEs of recording sessions by SRS URI and outcome (Accepted, Response, Timeout, TransportError ...).', labelNames: ['entry', 'srs', 'outcome'], registers });
    const failovers = new Counter({ name: 'tsip_src_failovers_total', help: 'Moves to the next SRS URI of an entry after one failed.', labelNames: ['entry'], registers });
    const logEvents = new Counter({ name: 'tsip_src_log_events_total', help: 'NG9-1-1 log events produced (and queued for the Logging Services), by type.', labelNames: ['type'], registers });
    const stateChanges = new Counter({ name: 'tsip_src_srs_state_changes_total', help: 'SRS reachability changes seen by the OPTIONS keep-alive.', labelNames: ['entry', 'srs', 'state'], registers });

    for (const entry of manager.settings.srs) {
      failovers.inc({ entry: entry.name }, 0);
      for (const srs of entry.srsUris) started.inc({ entry: entry.name, srs }, 0);
    }
    manager.on('recordingStarted', (e) => {
      started.inc({ entry: e.srsName, srs: e.srs });
      // `attempts` ends with the one accepted: each before it failed (or was skipped as down).
      if (e.attempts.length > 1) failovers.inc({ entry: e.srsName }, e.attempts.length - 1);
      for (const a of e.attempts) attempts.inc({ entry: e.srsName, srs: a.srs, outcome: a.outcome });
    });
    manager.on('recordingStopped', (e) => completed.inc({ entry: e.srsName, srs: e.srs, reason: e.reason }));
    manager.on('recordingFailed', (e) => {
      failed.inc({ entry: e.srsName, srs: e.srs, reason: e.reason });
      if (e.attempts.length > 1) failovers.inc({ entry: e.srsName }, e.attempts.length - 1);
      for (const a of e.attempts) attempts.inc({ entry: e.srsName, srs: a.srs, outcome: a.outcome });
    });
    manager.on('srsStateChanged', (e) => {
      this.srsUp.set(`${e.srsName}\n${e.srs}`, e.up);
      stateChanges.inc({ entry: e.srsName, srs: e.srs, state: e.up ? 'up' : 'down' });
    });
    manager.on('logEvent', (e) => logEvents.inc({ type: e.logEventType }));

    const self = this;
    new Gauge({
      name: 'tsip_src_srs_up', help: 'Whether the SRS is reachable (1) or not (0), as the OPTIONS keep-alive last saw it; 1 until it says otherwise.',
      labelNames: ['entry', 'srs'], registers,
      collect() {
        for (const entry of manager.settings.srs) {
          const ua = manager.userAgents.find((a) => a.name === entry.name);
          for (const srs of entry.srsUris) {
            const up = self.srsUp.get(`${entry.name}\n${srs}`) ?? ua?.isUp(srs) ?? true;
            this.set({ entry: entry.name, srs }, up ? 1 : 0);
          }
        }
      },
    });
    new Gauge({
      name: 'tsip_src_live_recordings', help: 'Recording sessions in progress (starting, active or paused), by SRS entry.', labelNames: ['entry'], registers,
      collect() {
        for (const entry of manager.settings.srs) this.set({ entry: entry.name }, manager.userAgents.find((a) => a.name === entry.name)?.activeRecordings ?? 0);
      },
    });
    this.mediaCounters(registers);
    this.sipCounters(registers);
  }

  /** The exposition text (what `GET /metrics` answers). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Packets and bytes forwarded, read from the forwarders at each scrape. */
  private mediaCounters(registers: Registry[]): void {
    const { manager, deltas } = this;
    // Each metric's collect reads both (prom-client collects one metric at a time, in order): the
    // second read of a scrape adds nothing.
    const read = (): void => {
      for (const ua of manager.userAgents) {
        const m = ua.mediaTotals();
        deltas.feed(packets, { entry: ua.name }, m.packets);
        deltas.feed(bytes, { entry: ua.name }, m.bytes);
      }
    };
    const packets: Counter<'entry'> = new Counter({ name: 'tsip_src_rtp_packets_forwarded_total', help: 'RTP packets forked to the SRSs, by SRS entry.', labelNames: ['entry'], registers, collect: read });
    const bytes: Counter<'entry'> = new Counter({ name: 'tsip_src_rtp_bytes_forwarded_total', help: 'Bytes of the RTP datagrams forked to the SRSs (after SRTP), by SRS entry.', labelNames: ['entry'], registers, collect: read });
  }

  /** The SIP stack of each entry's user agent: messages in and out, drops, live transactions. */
  private sipCounters(registers: Registry[]): void {
    const { manager, deltas } = this;
    const read = (): void => {
      for (const ua of manager.userAgents) {
        const s = ua.stackStats();
        if (!s) continue;
        const entry = ua.name;
        const tp = s.transport;
        deltas.feed(messages, { entry, direction: 'in', kind: 'datagram' }, tp.datagramsIn);
        deltas.feed(messages, { entry, direction: 'out', kind: 'datagram' }, tp.datagramsOut);
        deltas.feed(messages, { entry, direction: 'in', kind: 'stream' }, tp.streamMessagesIn);
        deltas.feed(messages, { entry, direction: 'out', kind: 'stream' }, tp.streamMessagesOut);
        for (const [reason, n] of Object.entries(tp.dropped)) deltas.feed(dropped, { entry, reason }, n);
        // dropped by the OS on a full UDP receive buffer, before the transport read them (Linux)
        if (tp.udpKernelDrops !== undefined) deltas.feed(dropped, { entry, reason: 'udpKernel' }, tp.udpKernelDrops);
        const tx = s.transactions;
        for (const kind of ['clientInvite', 'clientNonInvite', 'serverInvite', 'serverNonInvite'] as const) live.set({ entry, kind }, tx[kind]);
        dialogs.set({ entry }, s.dialogs);
        connections.set({ entry }, tp.connections);
      }
    };
    const messages: Counter<'entry' | 'direction' | 'kind'> = new Counter({ name: 'tsip_src_sip_messages_total', help: 'SIP messages of the SRS entry user agents by direction and transport kind (datagram, stream).', labelNames: ['entry', 'direction', 'kind'], registers, collect: read });
    const dropped: Counter<'entry' | 'reason'> = new Counter({ name: 'tsip_src_sip_dropped_total', help: 'SIP messages the transport dropped or refused, by reason; udpKernel: datagrams the OS dropped on a full UDP receive buffer (Linux).', labelNames: ['entry', 'reason'], registers, collect: read });
    const live: Gauge<'entry' | 'kind'> = new Gauge({ name: 'tsip_src_sip_transactions', help: 'SIP transactions alive in the user agent stack, by kind.', labelNames: ['entry', 'kind'], registers, collect: read });
    const dialogs: Gauge<'entry'> = new Gauge({ name: 'tsip_src_sip_dialogs', help: 'SIP dialogs alive in the user agent stack.', labelNames: ['entry'], registers, collect: read });
    const connections: Gauge<'entry'> = new Gauge({ name: 'tsip_src_sip_connections', help: 'Open TCP/TLS connections of the user agent stack.', labelNames: ['entry'], registers, collect: read });
  }
}

/**
 * Routes for the operator HTTP server (`startOperatorHttp`): `GET /metrics` (or `options.path`)
 * answers the manager's metrics in the Prometheus text format.
 */
export function srcMetricsRoutes(manager: SrcManager, options: SrcMetricsOptions = {}): HttpRoute[] {
  const metrics = new SrcMetrics(manager, options);
  const path = options.path ?? '/metrics';
  return [async (req, res, url) => {
    if (url.pathname !== path) return false;
    const text = await metrics.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  }];
}
