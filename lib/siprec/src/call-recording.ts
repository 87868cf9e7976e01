/**
 * CallRecording: the app's handle on one recorded call. It feeds the call's RTP, RTCP and MSRP
 * messages to every SRS entry's session of the call (entries not recording it take nothing).
 */
import { Writable } from 'node:stream';
import type { CallParams, RecordedMessage } from '../../../include-types/siprec.js';
import type { RtpPacket } from '../media/index.js';
import type { SrcUserAgent } from './src-user-agent.js';
import type { SrcLiveAudio } from './live-audio.js';

/** The app's handle on one recorded call: feed it the call's RTP. */
export class CallRecording {
  /**
   * @param callId - the CS Call-ID
   * @param agents - every SRS entry's user agent
   * @param params - the call as given to `startRecording` (or by `acceptSrsInitiated`)
   * @param liveAudio - the manager's live audio taps (what was sent is fed to them)
   */
  constructor(readonly callId: string, private readonly agents: readonly SrcUserAgent[], readonly params: CallParams, private readonly liveAudio?: SrcLiveAudio) {}

  /**
   * Forks one RTP packet (parsed or wire form) of the stream `label` to every SRS recording the
   * call. Returns how many SRSs it was sent to (0 while starting, paused or stopped).
   */
  forward(label: string, packet: RtpPacket | Uint8Array, arrivalMs?: number): number {
    let n = 0;
    for (const a of this.agents) if (a.forward(this.callId, label, packet, arrivalMs)) n++;
    // The live tap hears what is recorded: nothing while starting or paused.
    if (n > 0) this.liveAudio?.feed(this.callId, label, packet);
    return n;
  }

  /**
   * Relays one RTCP datagram (compound, wire form) the call sent for the stream `label` to every
   * SRS recording the call (RFC 7866 §8.1.1, RFC 3550 §7.2): SR sender SSRC, report-block SSRCs,
   * SDES chunks moved onto the SSRCs the RTP was rewritten to, the SR timestamp by the same
   * offset, SR counts by what was sent; sources never seen in the forwarded RTP, CS BYEs, APP and
   * feedback packets are left out. Only with `media.rtcp` 'relay' (the default); while a stream is
   * fed, the SRC's own SRs for it stand down. Returns how many SRSs it was sent to.
   */
  forwardRtcp(label: string, data: Uint8Array, nowMs?: number): number {
    let n = 0;
    for (const a of this.agents) if (a.forwardRtcp(this.callId, label, data, nowMs)) n++;
    return n;
  }

  /**
   * Relays one message of the call's MSRP stream `label` (`media: 'message'`, RFC 4975) to every
   * SRS recording the call: queued per SRS (bounded: `media.msrp.maxQueueMessages` /
   * `maxQueueBytes`, past it `messageDropped` reason `queueFull`), sent as SEND chunks of
   * `media.msrp.chunkSize` bytes (default 2048) over the SRC's connection to the SRS's a=path, one
   * transaction at a time, in the order fed. A string body goes as UTF-8; with `from`/`to` the
   * message is wrapped in message/cpim (RFC 3862). While paused nothing is sent (the message is
   * counted in `recordingStopped.messages[label].notSentPaused`); on stop the queue drains first
   * (`closeTimeoutMs`). Returns how many SRSs queued it (0 while starting, paused, stopped, or
   * when the SRS's connection failed: `streamFailed`).
   */
  forwardMessage(label: string, message: RecordedMessage): number {
    let n = 0;
    for (const a of this.agents) if (a.forwardMessage(this.callId, label, message)) n++;
    return n;
  }

  /**
   * The stream `label` as a Writable (object mode): each chunk is one RTP packet (wire form or
   * parsed) and is forwarded like {@link forward}, so a socket or a pipeline can feed it.
   */
  writable(label: string): Writable {
    return new Writable({
      objectMode: true,
      write: (chunk: RtpPacket | Uint8Array, _enc, done) => {
        this.forward(label, chunk);
        done();
      },
    });
  }

  /** Packets sent per SRS entry and label. */
  packetsSent(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const a of this.agents) {
      const s = a.session(this.callId);
      if (s) out[a.name] = s.packetsSent();
    }
    return out;
  }
}
