/**
 * The MSRP (RFC 4975) side of one recording session: per message stream our a=path for the offer,
 * the SRS's answer read for its a=path and a=setup, and one {@link MsrpSender} towards it. The
 * SRC offers `a=setup:active` (RFC 4145 §4.1, RFC 6135): an answer with `passive` (or none: the
 * RFC 4975 §5.4 model, where the offerer connects) is honoured by connecting; `holdconn` means no
 * connection, and `active`/`actpass` are no valid answer to an active offer: both end the stream
 * (`streamFailed`, reason `setup`). A later answer naming another a=path moves the stream to a
 * new connection (RFC 4975 §8.4); one refusing the stream (port 0) closes it.
 */
import type { Clock } from '../../../include-types/settings.js';
import type { MessageStreamStats, RecordedMessage, SrcMsrpSettings, StreamFailedEvent } from '../../../include-types/siprec.js';
import { parseSdp, type SdpMedia } from '../../message/index.js';
import { formatMsrpUri, newSessionId, wrapCpim } from '../msrp/index.js';
import { MsrpSender, type MsrpDropReason, type MsrpSenderStats } from './msrp-sender.js';

/**
 * The port of our m=message line and a=path. With a=setup:active the SRC never listens, so the
 * port is not used; 9 (discard) is the usual stand-in, and RFC 4975 §8.1 wants the m-line and the
 * a=path to agree on it.
 */
export const MSRP_ACTIVE_PORT = 9;

/** What the streams tell the session. */
export interface MsrpStreamsEvents {
  failed(label: string, reason: StreamFailedEvent['reason'], message: string, statusCode?: number): void;
  dropped(label: string, reason: MsrpDropReason, bytes: number, statusCode?: number): void;
}

interface Stream {
  path: string;
  sender: MsrpSender | undefined;
  /** Counters of senders replaced by a new a=path, kept for the totals. */
  past: MsrpSenderStats[];
  /** Messages fed while no sender was usable (not paused). */
  unsent: number;
  /** Messages fed while paused and no sender was usable. */
  unsentPaused: number;
  /** A failure of the answer itself (a=setup, no a=path) was reported: once per stream. */
  reported: boolean;
}

function attr(m: SdpMedia, name: string): string | undefined {
  const inv = (m as { invalid?: { value: string }[] }).invalid ?? [];
  const hit = inv.find((x) => x.value.toLowerCase().startsWith(`${name}:`));
  return hit?.value.slice(name.length + 1).trim();
}

/** The message streams of one recording session. */
export class MsrpStreams {
  private readonly streams = new Map<string, Stream>();
  private paused = false;
  private closed = false;

  /**
   * @param settings - the entry's `media.msrp`
   * @param address - local address (our a=path host, the address we connect from)
   * @param events - failures and drops, per label
   */
  constructor(private readonly settings: SrcMsrpSettings, private readonly address: string, private readonly events: MsrpStreamsEvents, private readonly clock?: Clock) {}

  /** Adds a message stream; returns what the offer needs (idempotent). */
  add(label: string): { port: number; path: string; acceptTypes: string[] } {
    let s = this.streams.get(label);
    if (!s) {
      s = { path: formatMsrpUri(this.address, MSRP_ACTIVE_PORT, newSessionId()), sender: undefined, past: [], unsent: 0, unsentPaused: 0, reported: false };
      this.streams.set(label, s);
    }
    return { port: MSRP_ACTIVE_PORT, path: s.path, acceptTypes: this.settings.acceptTypes ?? ['*'] };
  }

  /** True when `label` is a message stream. */
  has(label: string): boolean {
    return this.streams.has(label);
  }

  /** Labels of the message streams. */
  get size(): number {
    return this.streams.size;
  }

  /** Reads an answer (SDP text; m-lines in the order of `labels`, the session's streams). */
  applyAnswer(sdp: string | undefined, labels: readonly string[]): void {
    if (this.closed || this.streams.size === 0 || sdp === undefined) return;
    let media: SdpMedia[];
    try {
      media = parseSdp(sdp).media;
    } catch {
      return;
    }
    labels.forEach((label, i) => {
      const s = this.streams.get(label);
      if (s) this.answerFor(label, s, media[i]);
    });
  }

  private answerFor(label: string, s: Stream, m: SdpMedia | undefined): void {
    if (!m || Number(m.port) === 0 || String(m.protocol).toUpperCase() !== 'TCP/MSRP') {
      // Refused (RFC 3264 §6): no connection for it.
      void this.retire(s);
      return;
    }
    const setup = (m.setup ?? 'passive').toLowerCase();
    const path = attr(m, 'path');
    if (setup === 'holdconn' || setup === 'active' || setup === 'actpass') {
      if (!s.reported && !this.closed) {
        s.reported = true;
        this.events.failed(label, 'setup', setup === 'holdconn'
          ? 'the SRS answered a=setup:holdconn: no MSRP connection'
          : `the SRS answered a=setup:${setup} to an a=setup:active offer (RFC 4145 §4.1)`);
      }
      void this.retire(s);
      return;
    }
    if (path === undefined) {
      if (!s.sender && !s.reported) {
        s.reported = true;
        this.events.failed(label, 'connect', 'no a=path in the SRS answer');
      }
      return;
    }
    if (s.sender && s.sender.toPath === path) return; // same SRS endpoint: keep the connection
    void this.retire(s);
    const ms = this.settings;
    const sender = new MsrpSender({
      toPath: path, fromPath: s.path, localAddress: this.address,
      ...(this.clock ? { clock: this.clock } : {}),
      ...(ms.chunkSize !== undefined ? { chunkSize: ms.chunkSize } : {}),
      ...(ms.maxQueueMessages !== undefined ? { maxQueueMessages: ms.maxQueueMessages } : {}),
      ...(ms.maxQueueBytes !== undefined ? { maxQueueBytes: ms.maxQueueBytes } : {}),
      ...(ms.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: ms.transactionTimeoutMs } : {}),
      ...(ms.connectTimeoutMs !== undefined ? { connectTimeoutMs: ms.connectTimeoutMs } : {}),
      onFailed: (f) => this.events.failed(label, f.reason, f.message, f.statusCode),
      onDropped: (reason, bytes, status) => this.events.dropped(label, reason, bytes, status),
    });
    sender.setPaused(this.paused);
    s.sender = sender;
    sender.start();
  }

  /** Closes a stream's sender (a new a=path, or refused), keeping its counters. */
  private async retire(s: Stream): Promise<void> {
    const old = s.sender;
    if (!old) return;
    s.sender = undefined;
    s.past.push(old.stats);
    await old.close(this.settings.closeTimeoutMs ?? 5000);
  }

  /**
   * Queues one message of `label` (a string body as UTF-8; with from/to wrapped in message/cpim).
   * False when not queued: not a message stream, no connection, paused, queue full, closed.
   */
  send(label: string, m: RecordedMessage): boolean {
    const s = this.streams.get(label);
    if (!s || this.closed) return false;
    const body = typeof m.body === 'string' ? Buffer.from(m.body, 'utf8') : m.body;
    const wrapped = m.from !== undefined || m.to !== undefined
      ? { contentType: 'message/cpim', body: wrapCpim(m.contentType, body, m.from, m.to) }
      : { contentType: m.contentType, body };
    if (!s.sender || s.sender.state === 'failed' || s.sender.state === 'closed') {
      if (this.paused) s.unsentPaused++;
      else s.unsent++;
      return false;
    }
    return s.sender.send(wrapped) === 'queued';
  }

  /** Pauses (a=inactive) or resumes every stream. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    for (const s of this.streams.values()) s.sender?.setPaused(paused);
  }

  /** Counters per label (senders replaced by a new a=path included). */
  stats(): Record<string, MessageStreamStats> {
    const out: Record<string, MessageStreamStats> = {};
    for (const [label, s] of this.streams) {
      const all = [...s.past, ...(s.sender ? [s.sender.stats] : [])];
      const sum = (k: keyof MsrpSenderStats): number => all.reduce((n, x) => n + x[k], 0);
      out[label] = { sent: sum('sent'), chunks: sum('chunks'), bytes: sum('bytes'), notSentPaused: sum('notSentPaused') + s.unsentPaused, dropped: sum('dropped') + s.unsent, aborted: sum('aborted') };
    }
    return out;
  }

  /**
   * Ends every stream: queues drain for up to `graceMs` (default `closeTimeoutMs`, 5000), a
   * message still in flight then ends with '#', connections close. 0: at once.
   */
  async close(graceMs = this.settings.closeTimeoutMs ?? 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.streams.values()].map(async (s) => {
      const sender = s.sender;
      if (!sender) return;
      s.sender = undefined;
      s.past.push(sender.stats);
      await sender.close(graceMs);
    }));
  }
}
