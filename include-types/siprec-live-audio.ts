/**
 * SIPREC contract, live audio (issue 13): a tap per recorded audio stream, at the SRS (`Srs`
 * events `audioTap` / `audioTapEnded` / `audioTapUnavailable`) and at the SRC (`SrcManager`, the
 * same events). Each tap gives the stream's decoded audio as 16-bit signed little-endian mono PCM
 * at the stream's clock rate, in a Node `Readable` (and so an async iterator of Buffers).
 * Types and const objects only; `siprec.ts` re-exports every part.
 */
import type { Readable } from 'node:stream';

/** Who speaks on a tapped stream, as far as the side that taps knows. */
export interface AudioTapParticipant {
  /** SRS: the RFC 7865 participant_id that sends the stream. */
  participantId?: string;
  /** SRC: the app's participant key (`CallParticipantParams.key`). */
  key?: string;
  /** Display name (SRS: the first name of its nameID; SRC: `name`). */
  name?: string;
  /** Address of record (SRS: the first nameID aor; SRC: `aor`). */
  aor?: string;
}

/** What a tap delivered and lost, final once it ended (`audioTapEnded`, `AudioTap.done`). */
export interface AudioTapSummary {
  /** The stream's label (RFC 4574 `a=label`). */
  streamLabel: string;
  /** Frames (chunks of decoded PCM, one per RTP packet as a rule: 20 ms) pushed to `pcm`. */
  frames: number;
  /** Frames dropped because the consumer did not keep up (or destroyed `pcm`). */
  droppedFrames: number;
  /** Samples pushed to `pcm`. */
  samples: number;
  /** Samples dropped with `droppedFrames`. */
  droppedSamples: number;
}

/**
 * One live audio tap: what is recorded on one audio stream, decoded, as it arrives.
 *
 * - `pcm` carries Buffers of 16-bit signed little-endian mono samples at `sampleRate`; it starts
 *   when the stream starts and ends (`'end'`, the iterator finishes) when the stream or the
 *   recording ends.
 * - Back-pressure: `pcm` buffers at most about `liveAudioBufferMs` of audio (default 1000 ms).
 *   Once full, further frames are dropped and counted (`droppedFrames`) until the consumer reads
 *   again: a slow or absent consumer never slows the recording or the event loop.
 * - Pauses, holds and DTX produce no frames (no silence is made up for them); short gaps inside
 *   speech (a lost packet, up to 200 ms) come as zeros so the speech keeps its timing.
 */
export interface AudioTap {
  /** The stream's label (RFC 4574 `a=label`). */
  readonly streamLabel: string;
  /** Who sends the stream (undefined when the metadata or the app does not say). */
  readonly participant: AudioTapParticipant | undefined;
  /** Encoding name the stream carries (`PCMU` or `PCMA`). */
  readonly codec: string;
  /** Samples per second of `pcm` (the stream's RTP clock rate: 8000 for G.711). */
  readonly sampleRate: number;
  /** Always 1 (mono: one stream, one party). */
  readonly channels: 1;
  /** The decoded audio (see the interface comment). */
  readonly pcm: Readable;
  /** Frames pushed to `pcm` so far. */
  readonly frames: number;
  /** Frames dropped so far (consumer too slow, or `pcm` destroyed). */
  readonly droppedFrames: number;
  /** True once the stream ended (`pcm` got its end). */
  readonly ended: boolean;
  /** Resolves with the final counts when the stream ends. */
  readonly done: Promise<AudioTapSummary>;
}

/** A tap at the SRS (`Srs` event `audioTap`). */
export interface SrsAudioTap extends AudioTap {
  /** The recording session's Call-ID (the `recordingId` of `sessionStarted`). */
  readonly recordingId: string;
}

/** A tap at the SRC (`SrcManager` event `audioTap`). */
export interface SrcAudioTap extends AudioTap {
  /** The recorded call's (CS) Call-ID. */
  readonly callId: string;
}

/** Why a recorded audio stream has no tap: a value to switch on. */
export const AudioTapUnavailableReason = {
  /** The stream's codec is not one the tap decodes (only G.711 PCMU/PCMA are). */
  CodecNotDecodable: 'CodecNotDecodable',
} as const;
/** One of the {@link AudioTapUnavailableReason} values. */
export type AudioTapUnavailableReason = (typeof AudioTapUnavailableReason)[keyof typeof AudioTapUnavailableReason];

/** An audio stream that is recorded but cannot be tapped (`audioTapUnavailable`). */
export interface AudioTapUnavailableEvent {
  /** SRS: the recording session's Call-ID; SRC: the recorded call's Call-ID. */
  id: string;
  /** The stream's label. */
  streamLabel: string;
  /** Who sends it, if known. */
  participant: AudioTapParticipant | undefined;
  /** The codec(s) it carries, e.g. `opus` or `G722`. */
  codec: string;
  /** Why. */
  reason: AudioTapUnavailableReason;
}

/** `audioTapEnded` at the SRS: the tap and its final counts. */
export interface SrsAudioTapEndedEvent extends AudioTapSummary {
  /** The tap that ended. */
  tap: SrsAudioTap;
}

/** `audioTapEnded` at the SRC: the tap and its final counts. */
export interface SrcAudioTapEndedEvent extends AudioTapSummary {
  /** The tap that ended. */
  tap: SrcAudioTap;
}
