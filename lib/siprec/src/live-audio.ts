/**
 * Live audio at the SRC (issue 13): per recorded audio stream of a call, a tap (`SrcManager`
 * event `audioTap`, media/pcm-tap.ts) of what `CallRecording.forward` sends to the SRSs, decoded.
 *
 * - A call's taps open when the first SRS entry starts recording it (`recordingStarted`), one per
 *   audio stream (and per stream added later by `updateRecording`), each with the stream's label
 *   and the participant the app named as its `sender`.
 * - A packet goes to the tap only when at least one SRS got it: while the recording is starting
 *   or paused nothing is recorded, so the tap has no frames either.
 * - The taps end when no SRS entry records the call any more (stopped, failed, shutdown).
 *
 * Zero cost when unused: taps are opened only while an `audioTap` listener is attached, and a
 * call without taps costs `forward` one map lookup.
 */
import type { EventEmitter } from 'eventemitter3';
import {
  AudioTapUnavailableReason, type AudioTapParticipant, type CallParticipantParams, type RecordedCodec, type RecordedStreamParams,
  type SrcAudioTap, type SrcManagerEvents, type SrcSettings,
} from '../../../include-types/siprec.js';
import type { RtpPacket } from '../media/index.js';
import { g711DecoderFor, PcmTap } from '../media/pcm-tap.js';

/** An SRC tap: a PcmTap with the call's Call-ID. */
class SrcTap extends PcmTap implements SrcAudioTap {
  /** @param callId - the CS Call-ID; the rest as PcmTap */
  constructor(readonly callId: string, opts: ConstructorParameters<typeof PcmTap>[0]) {
    super(opts);
  }
}

/** The taps of one call. */
interface CallTaps {
  taps: Map<string, SrcTap>;
  participants: CallParticipantParams[];
}

/** Live audio of one SrcManager; see the module comment. */
export class SrcLiveAudio {
  private readonly calls = new Map<string, CallTaps>();

  /**
   * @param events - the SrcManager (its `audioTap` listeners decide whether taps are made)
   * @param settings - its settings (`liveAudioBufferMs`, the entries' codecs)
   */
  constructor(private readonly events: EventEmitter<SrcManagerEvents>, private readonly settings: SrcSettings) {}

  /** An SRS entry started recording the call: its taps open (once per call, while someone listens). */
  callStarted(callId: string, participants: readonly CallParticipantParams[], streams: readonly RecordedStreamParams[]): void {
    if (this.calls.has(callId) || this.events.listenerCount('audioTap') === 0) return;
    const call: CallTaps = { taps: new Map(), participants: [...participants] };
    this.calls.set(callId, call);
    this.open(callId, call, streams);
  }

  /** Streams (and participants) added to a call being tapped. */
  streamsAdded(callId: string, participants: readonly CallParticipantParams[], streams: readonly RecordedStreamParams[]): void {
    const call = this.calls.get(callId);
    if (!call) return;
    call.participants.push(...participants);
    this.open(callId, call, streams);
  }

  /** One packet of `label` that was sent to at least one SRS. */
  feed(callId: string, label: string, packet: RtpPacket | Uint8Array): void {
    this.calls.get(callId)?.taps.get(label)?.packet(packet);
  }

  /** No SRS entry records the call any more: its taps end. */
  callEnded(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    for (const tap of call.taps.values()) {
      const summary = tap.end();
      this.tell(() => this.events.emit('audioTapEnded', { ...summary, tap }));
    }
  }

  /** Ends every tap (shutdown). */
  endAll(): void {
    for (const callId of [...this.calls.keys()]) this.callEnded(callId);
  }

  private open(callId: string, call: CallTaps, streams: readonly RecordedStreamParams[]): void {
    for (const s of streams) {
      if ((s.media ?? 'audio') !== 'audio' || call.taps.has(s.label)) continue;
      const participant = participantOf(call.participants, s.sender);
      const codecs = s.codecs ?? this.entryCodecs();
      const g711 = g711DecoderFor(codecs);
      if (!g711) {
        const codec = (codecs ?? []).map((c) => c.name).join(',');
        this.tell(() => this.events.emit('audioTapUnavailable', { id: callId, streamLabel: s.label, participant, codec, reason: AudioTapUnavailableReason.CodecNotDecodable }));
        continue;
      }
      const tap = new SrcTap(callId, {
        streamLabel: s.label, participant, codec: g711.codec, decode: g711.decode, sampleRate: 8000,
        ...(this.settings.liveAudioBufferMs !== undefined ? { bufferMs: this.settings.liveAudioBufferMs } : {}),
      });
      call.taps.set(s.label, tap);
      this.tell(() => this.events.emit('audioTap', tap));
    }
  }

  /** The codecs the entries offer when a stream names none (undefined: the default, PCMU and PCMA). */
  private entryCodecs(): RecordedCodec[] | undefined {
    const all = this.settings.srs.flatMap((e) => e.media?.codecs ?? []);
    return all.length > 0 ? all : undefined;
  }

  /** Runs an app listener: its exception must not reach the code that feeds or ends the tap. */
  private tell(fn: () => void): void {
    try {
      fn();
    } catch {
      // the app's bug; the recording goes on
    }
  }
}

/** The participant the app named as a stream's sender. */
function participantOf(participants: readonly CallParticipantParams[], key: string | undefined): AudioTapParticipant | undefined {
  if (key === undefined) return undefined;
  const p = participants.find((x) => x.key === key);
  return p ? { key: p.key, aor: p.aor, ...(p.name !== undefined ? { name: p.name } : {}) } : { key };
}
