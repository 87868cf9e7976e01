/**
 * The media of one recording session: the RTP fork (audio, video, RTT: media-fork.ts) and the
 * MSRP message streams (msrp-streams.ts), the streams in m-line order with the local port each
 * is offered on (RFC 3264: a stream keeps its m-line), pause/resume and close of both.
 */
import type { MessageStreamStats, RecordedMessage, RecordedStreamParams } from '../../../include-types/siprec.js';
import type { MessageElementsView } from '../../../include-types/api.js';
import { MediaFork } from './media-fork.js';
import { MsrpStreams, type MsrpStreamsEvents } from './msrp-streams.js';
import { clockRate } from './session-answer.js';
import { splitRecordingBody } from '../body/index.js';
import type { SessionHost } from './session-host.js';
import type { SessionStream } from './session-offer.js';

/** The SDP of a request or response body (alone or in the multipart), if any. */
function answerSdp(me: MessageElementsView | undefined): string | undefined {
  try {
    return splitRecordingBody(me?.contentType, me?.content).sdp;
  } catch {
    return undefined;
  }
}

/** The media side of a recording session. */
export class SessionMedia {
  /** Streams in m-line order (a stream keeps its m-line for the life of the session). */
  readonly streams: SessionStream[] = [];
  /** The RTP fork (audio, video, RTT). */
  readonly fork: MediaFork;
  private readonly msrp: MsrpStreams;

  /**
   * @param host - the user agent (endpoints, media settings, address)
   * @param events - MSRP stream failures and dropped messages, per label
   */
  constructor(private readonly host: SessionHost, events: MsrpStreamsEvents) {
    const media = host.entry.media ?? {};
    this.fork = new MediaFork({
      pool: host.endpoints, cname: `src@${host.mediaAddress}`,
      rtcpIntervalMs: media.rtcp === false ? 0 : (media.rtcpIntervalMs ?? 5000),
      rtcp: media.rtcp === undefined || media.rtcp === 'relay' ? 'relay' : 'own',
      clock: host.clock,
    });
    this.msrp = new MsrpStreams(media.msrp ?? {}, host.mediaAddress, events, host.clock);
  }

  /**
   * Opens a stream: an RTP forwarder (its local port), or for `media: 'message'` an MSRP stream
   * (our a=path; the connection follows the answer). The entry's codecs when it names none.
   */
  async open(s: RecordedStreamParams): Promise<void> {
    const codecs = s.codecs ?? this.host.entry.media?.codecs;
    const params = codecs ? { ...s, codecs } : s;
    if (s.media === 'message') {
      const m = this.msrp.add(s.label);
      this.streams.push({ params, port: m.port, msrp: { path: m.path, acceptTypes: m.acceptTypes } });
      return;
    }
    this.streams.push({ params, port: await this.fork.add(s.label, clockRate(s)) });
  }

  /**
   * Reads the MSRP side of the SRS's SDP answer in `me` (a=path, a=setup per message stream);
   * the RTP side goes through session-answer.ts `applyAnswer` on {@link fork}.
   */
  answerMessages(me: MessageElementsView | undefined): void {
    this.msrp.applyAnswer(answerSdp(me), this.streams.map((s) => s.params.label));
  }

  /** Queues one CS message of an MSRP stream. */
  forwardMessage(label: string, m: RecordedMessage): boolean {
    return this.msrp.send(label, m);
  }

  /** Stops (true) or restarts (false) the RTP fork only (stopping: messages still drain). */
  setRtpPaused(paused: boolean): void {
    this.fork.setPaused(paused);
  }

  /** Pauses or resumes every stream, RTP and MSRP. */
  setPaused(paused: boolean): void {
    this.fork.setPaused(paused);
    this.msrp.setPaused(paused);
  }

  /** RTP packets sent per label. */
  packetsSent(): Record<string, number> {
    return this.fork.packetsSent();
  }

  /** MSRP counters per label; undefined without message streams. */
  messageStats(): Record<string, MessageStreamStats> | undefined {
    return this.msrp.size > 0 ? this.msrp.stats() : undefined;
  }

  /** Drains and closes the MSRP streams (default: `closeTimeoutMs`; 0 at once). */
  closeMessages(graceMs?: number): Promise<void> {
    return this.msrp.close(graceMs);
  }

  /** Closes everything: the fork (RTCP BYE, ports back) and the MSRP connections at once. */
  async close(): Promise<void> {
    await Promise.all([this.fork.close(), this.msrp.close(0)]);
  }
}
