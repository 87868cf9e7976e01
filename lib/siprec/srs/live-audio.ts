/**
 * Live audio at the SRS (issue 13): per recorded G.711 stream, a tap (`Srs` event `audioTap`,
 * media/pcm-tap.ts) while someone listens, and the recording's stereo WAV with
 * `SrsSettings.stereoWav` (stereo-recording.ts). The session calls in at three points only
 * (srs-session.ts): a stream's files opened (`streamOpened`, which returns the stream's feed or
 * undefined), the stream closed (the feed's `end`), the session ending (`sessionEnding`, before
 * the recording's final index).
 *
 * Zero cost when unused: with no `audioTap` listener when a stream opens and no `stereoWav`,
 * `streamOpened` returns undefined and the packet path does nothing more than before.
 */
import type { EventEmitter } from 'eventemitter3';
import { AudioTapUnavailableReason, type SrsAudioTap, type SrsEvents, type SrsSettings } from '../../../include-types/siprec.js';
import { parseRtp, type RtpPacket } from '../media/index.js';
import { g711DecoderFor, PcmTap } from '../media/pcm-tap.js';
import type { PlannedStream } from './media-plan.js';
import type { RecordingDir } from './storage/index.js';
import { StereoRecording } from './stereo-recording.js';
import { labelsBySender, senderOf } from './stream-audio.js';

/** What live audio needs of a session. */
export interface AudioSession {
  /** RS Call-ID. */
  readonly recordingId: string;
  /** Its recording (undefined in signalling-only mode: no media, no audio). */
  readonly rec: RecordingDir | undefined;
  /** When it was answered (ms): the stereo timeline's origin. */
  readonly startedMs: number;
}

/** A stream's feed: its RTP as stored, and its end. */
export interface StreamAudioFeed {
  /** One RTP datagram (decrypted) that arrived at `arrivalMs`. */
  rtp(data: Buffer, arrivalMs: number): void;
  /** The stream closed at `endMs`. */
  end(endMs: number): void;
}

/** An SRS tap: a PcmTap with the recording's id. */
class SrsTap extends PcmTap implements SrsAudioTap {
  /** @param recordingId - the RS Call-ID; the rest as PcmTap */
  constructor(readonly recordingId: string, opts: ConstructorParameters<typeof PcmTap>[0]) {
    super(opts);
  }
}

/** Live audio of one Srs; see the module comment. */
export class SrsLiveAudio {
  private readonly stereo = new WeakMap<AudioSession, StereoRecording>();

  /**
   * @param events - the Srs (its `audioTap` listeners decide whether taps are made)
   * @param settings - `stereoWav`, `liveAudioBufferMs`
   */
  constructor(private readonly events: EventEmitter<SrsEvents>, private readonly settings: Pick<SrsSettings, 'stereoWav' | 'liveAudioBufferMs'>) {}

  /** A stream's files were opened: its feed, or undefined when nothing listens and no stereo is written. */
  streamOpened(session: AudioSession, s: PlannedStream): StreamAudioFeed | undefined {
    if ((s.kind ?? 'audio') !== 'audio' || session.rec === undefined) return undefined;
    const tap = this.events.listenerCount('audioTap') > 0 ? this.openTap(session, s) : undefined;
    const toStereo = this.settings.stereoWav === true && s.store === 'wav' ? this.stereoOf(session)?.add(s.label, labelsBySender(session.rec.currentMetadata)) : undefined;
    if (toStereo) session.rec.setStereo(this.stereo.get(session)!.info);
    if (!tap && !toStereo) return undefined;
    const stereo = toStereo ? this.stereo.get(session) : undefined;
    return {
      rtp: (data, arrivalMs) => {
        let pkt: RtpPacket;
        try {
          pkt = parseRtp(data);
        } catch {
          return; // not RTP
        }
        tap?.packet(pkt);
        toStereo?.(pkt, arrivalMs);
      },
      end: (endMs) => {
        stereo?.endStream(s.label, endMs);
        if (!tap || tap.ended) return;
        const summary = tap.end();
        this.tell(() => this.events.emit('audioTapEnded', { ...summary, tap }));
      },
    };
  }

  /**
   * The session ends (its streams are closed): the stereo WAV is finished and closed, and its
   * final duration put in the index, before the recording's final index is written.
   */
  async sessionEnding(session: AudioSession, endMs: number): Promise<void> {
    const st = this.stereo.get(session);
    if (!st) return;
    this.stereo.delete(session);
    try {
      await st.close(endMs);
    } catch {
      // A full disk: what could be written is kept (the mono WAVs say the same).
    }
    session.rec?.setStereo(st.info);
  }

  private openTap(session: AudioSession, s: PlannedStream): SrsTap | undefined {
    const participant = senderOf(session.rec?.currentMetadata, s.label);
    const g711 = s.store === 'wav' ? g711DecoderFor(s.formats) : undefined;
    if (!g711) {
      const codec = s.formats.map((f) => f.name).join(',') || (s.codec ?? '?');
      this.tell(() => this.events.emit('audioTapUnavailable', { id: session.recordingId, streamLabel: s.label, participant, codec, reason: AudioTapUnavailableReason.CodecNotDecodable }));
      return undefined;
    }
    const tap = new SrsTap(session.recordingId, {
      streamLabel: s.label, participant, codec: g711.codec, decode: g711.decode, sampleRate: 8000,
      ...(this.settings.liveAudioBufferMs !== undefined ? { bufferMs: this.settings.liveAudioBufferMs } : {}),
    });
    this.tell(() => this.events.emit('audioTap', tap));
    return tap;
  }

  /** Runs an app listener: its exception must not fail the SIP transaction or the socket handler it runs in. */
  private tell(fn: () => void): void {
    try {
      fn();
    } catch {
      // the app's bug; the recording goes on
    }
  }

  private stereoOf(session: AudioSession): StereoRecording | undefined {
    let st = this.stereo.get(session);
    if (!st && session.rec) {
      st = new StereoRecording(session.rec, session.startedMs);
      this.stereo.set(session, st);
    }
    return st;
  }
}
