/**
 * Prometheus metrics of one Srs (prom-client), in a Registry of its own so two Srs in one
 * process do not collide. Nothing is counted on the hot paths here: every value is read on a
 * scrape (collect callbacks) from `Srs.stats()`, `Srs.health()` and the SIP stack's `stats()`.
 *
 * Names follow the Prometheus conventions: `tsip_srs_` prefix, counters end in `_total`, base
 * units (bytes, seconds). Setups per second is `rate(tsip_srs_recordings_started_total[1m])`
 * (attempts: `tsip_srs_setup_attempts_total`); a counter, not a gauge, so no scrape misses one.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SrsHealth, SrsHealthState, SrsStats } from '../../../include-types/siprec.js';
import type { StackStats } from '../../stack/index.js';
import { limitRefusalCount } from '../../transaction/index.js';

/** What the metrics read of an Srs. */
export interface MetricsSource {
  stats(): SrsStats;
  sipStats(): StackStats | undefined;
  health(): Promise<SrsHealth>;
}

/** Options of {@link SrsMetrics}. */
export interface SrsMetricsOptions {
  /** Also collect prom-client's process and Node.js metrics (event-loop lag, heap, CPU, fds) in this registry (default true). */
  defaultMetrics?: boolean;
  /** Labels added to every metric (e.g. `{ instance_name: 'srs-1' }`). */
  labels?: Record<string, string>;
}

const HEALTH_STATES: readonly SrsHealthState[] = ['ok', 'draining', 'lowDisk', 'noPorts', 'overSessions'];

/** The metrics of one Srs. */
export class SrsMetrics {
  /** The per-Srs registry (add your own metrics to it if you like). */
  readonly registry = new Registry();
  private snap: { stats: SrsStats; sip: StackStats | undefined } | undefined;
  private healthNow: Promise<SrsHealth> | undefined;

  constructor(private readonly srs: MetricsSource, options: SrsMetricsOptions = {}) {
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      // NOTE (deviation): prom-client names these gauges `_total`, which Prometheus reserves for
      // counters (promtool check metrics flags them); the per-type nodejs_active_* gauges stay.
      for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    }
    this.define();
  }

  /** The Content-Type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The metrics in the Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** One stats() per scrape: the collect callbacks of a scrape run in the same tick. */
  private read(): { stats: SrsStats; sip: StackStats | undefined } {
    if (!this.snap) {
      this.snap = { stats: this.srs.stats(), sip: this.srs.sipStats() };
      setImmediate(() => { this.snap = undefined; });
    }
    return this.snap;
  }

  private health(): Promise<SrsHealth> {
    if (!this.healthNow) {
      this.healthNow = this.srs.health();
      setImmediate(() => { this.healthNow = undefined; });
    }
    return this.healthNow;
  }

  private define(): void {
    const registers = [this.registry];
    const counter = (name: string, help: string, value: (s: SrsStats) => number): void => {
      const read = (): SrsStats => this.read().stats;
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(value(read())); } });
    };
    const labelled = (name: string, help: string, label: string, values: (s: SrsStats) => Record<string, number | undefined>): void => {
      const read = (): SrsStats => this.read().stats;
      new Counter({
        name, help, labelNames: [label], registers,
        collect() {
          this.reset();
          for (const [k, v] of Object.entries(values(read()))) if (v !== undefined) this.labels(k).inc(v);
        },
      });
    };
    const gauge = (name: string, help: string, value: (s: SrsStats) => number): void => {
      const read = (): SrsStats => this.read().stats;
      new Gauge({ name, help, registers, collect() { this.set(value(read())); } });
    };

    counter('tsip_srs_setup_attempts_total', 'New recording INVITEs received (started, refused or failed).', (s) => s.setupAttempts);
    counter('tsip_srs_recordings_started_total', 'Recording sessions started; rate() of it is setups per second.', (s) => s.recordingsStarted);
    counter('tsip_srs_recordings_completed_total', 'Recording sessions ended with their recording complete.', (s) => s.recordingsCompleted);
    counter('tsip_srs_recordings_failed_total', 'Recording sessions ended failed or partial.', (s) => s.recordingsFailed);
    labelled('tsip_srs_recordings_ended_total', 'Recording sessions ended, by reason.', 'reason', (s) => s.ended);
    labelled('tsip_srs_sessions_rejected_total', 'New recording INVITEs refused, by SIP status code.', 'code', (s) => s.rejected);
    gauge('tsip_srs_live_sessions', 'Recording sessions live now.', (s) => s.liveSessions);
    gauge('tsip_srs_pending_setups', 'Recording INVITEs being set up now.', (s) => s.pendingSetups);
    gauge('tsip_srs_unconfirmed_sessions', 'Recording INVITEs being set up or answered 2xx and not yet ACKed.', (s) => s.unconfirmedSessions);
    gauge('tsip_srs_max_sessions', 'The maxSessions limit.', (s) => s.maxSessions);
    gauge('tsip_srs_draining', '1 while draining or shutting down.', (s) => (s.draining ? 1 : 0));
    gauge('tsip_srs_rtp_port_pairs', 'RTP/RTCP port pairs in the configured range.', (s) => s.ports.capacity);
    gauge('tsip_srs_rtp_port_pairs_in_use', 'RTP/RTCP port pairs in use.', (s) => s.ports.inUse);
    counter('tsip_srs_rtp_packets_received_total', 'RTP packets received on recording ports.', (s) => s.media.rtpPackets);
    counter('tsip_srs_rtp_received_bytes_total', 'Bytes of RTP packets received (UDP payload).', (s) => s.media.rtpBytes);
    counter('tsip_srs_rtcp_packets_received_total', 'RTCP packets received on recording ports.', (s) => s.media.rtcpPackets);
    counter('tsip_srs_rtp_packets_lost_total', 'RTP packets never received (sequence gaps, G.711 streams).', (s) => s.media.packetsLost);
    counter('tsip_srs_rtp_packets_late_total', 'RTP packets that came after their place in the WAV was written.', (s) => s.media.packetsLate);
    counter('tsip_srs_media_packets_dropped_total', 'Datagrams received but not stored (rate limit, pre-answer buffer full).', (s) => s.media.packetsDropped);
    counter('tsip_srs_srtp_auth_failures_total', 'SRTP/SRTCP packets that failed authentication.', (s) => s.media.srtpAuthFailures);
    counter('tsip_srs_files_written_total', 'Files created in recording directories.', (s) => s.media.filesWritten);
    counter('tsip_srs_written_bytes_total', 'Bytes stored in recording media and metadata files.', (s) => s.media.bytesWritten);

    const health = (): Promise<SrsHealth> => this.health();
    new Gauge({
      name: 'tsip_srs_disk_free_bytes', help: 'Free bytes of the recordings directory (unprivileged).', registers,
      async collect() {
        const h = await health();
        if (h.freeDiskBytes !== undefined) this.set(h.freeDiskBytes);
        else this.reset();
      },
    });
    new Gauge({
      name: 'tsip_srs_health_state', help: '1 for the current health state (ok, draining, lowDisk, noPorts, overSessions), 0 for the others.',
      labelNames: ['state'], registers,
      async collect() {
        const h = await health();
        for (const st of HEALTH_STATES) this.labels(st).set(h.state === st ? 1 : 0);
      },
    });
    this.defineSip();
  }

  /** The SIP stack's counters: live transactions, dialogs and connections, messages in and out, drops. */
  private defineSip(): void {
    const registers = [this.registry];
    const sip = (): StackStats | undefined => this.read().sip;
    const counter = (name: string, help: string, value: (s: StackStats) => number): void => {
      new Counter({ name, help, registers, collect() { this.reset(); const s = sip(); if (s) this.inc(value(s)); } });
    };
    const gauge = (name: string, help: string, value: (s: StackStats) => number): void => {
      new Gauge({ name, help, registers, collect() { const s = sip(); this.set(s ? value(s) : 0); } });
    };
    new Gauge({
      name: 'tsip_srs_sip_transactions', help: 'Live SIP transactions, by kind.', labelNames: ['kind'], registers,
      collect() {
        const t = sip()?.transactions;
        this.reset();
        if (!t) return;
        for (const k of ['clientInvite', 'clientNonInvite', 'serverInvite', 'serverNonInvite', 'pendingCancels', 'retransmitting2xx'] as const) this.labels(k).set(t[k]);
      },
    });
    gauge('tsip_srs_sip_dialogs', 'Live SIP dialogs.', (s) => s.dialogs);
    gauge('tsip_srs_sip_connections', 'Open SIP TCP/TLS connections.', (s) => s.transport.connections);
    counter(
      'tsip_srs_sip_ack_waits_given_up_total',
      'SIP 2xx responses still waiting for their ACK after limits.unacknowledgedGiveUpAfter, given up so a new INVITE over limits.maxUnacknowledgedInvites could be taken.',
      (s) => s.limitRejections.ackWaitsGivenUp,
    );
    counter('tsip_srs_sip_datagrams_received_total', 'SIP datagrams received over UDP.', (s) => s.transport.datagramsIn);
    counter('tsip_srs_sip_datagrams_sent_total', 'SIP datagrams sent over UDP.', (s) => s.transport.datagramsOut);
    counter('tsip_srs_sip_stream_messages_received_total', 'SIP messages received over TCP/TLS.', (s) => s.transport.streamMessagesIn);
    counter('tsip_srs_sip_stream_messages_sent_total', 'SIP messages sent over TCP/TLS.', (s) => s.transport.streamMessagesOut);
    new Counter({
      name: 'tsip_srs_sip_transport_dropped_total',
      help: 'SIP messages, datagrams or connections dropped by the transport, by reason; udpKernel: datagrams the OS dropped on a full UDP receive buffer (Linux).',
      labelNames: ['reason'], registers,
      collect() {
        this.reset();
        const transport = sip()?.transport;
        for (const [k, v] of Object.entries(transport?.dropped ?? {})) this.labels(k).inc(v);
        if (transport?.udpKernelDrops !== undefined) this.labels('udpKernel').inc(transport.udpKernelDrops);
      },
    });
    new Counter({
      name: 'tsip_srs_sip_refused_total',
      help: 'SIP requests answered without a transaction, by status and why: a stack limit (503) or the UAS core (RFC 3261 §8.2.7).',
      labelNames: ['status', 'reason'], registers,
      collect() {
        this.reset();
        const s = sip();
        if (!s) return;
        const limit503 = limitRefusalCount(s.limitRejections);
        if (limit503 > 0) this.labels('503', 'limit').inc(limit503);
        for (const [status, n] of Object.entries(s.statelessRefusals)) this.labels(status, 'refusal').inc(n);
      },
    });
  }
}
