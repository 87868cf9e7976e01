/** Types of the RTP → PCM receiver (see rtp-receiver.ts). */

/** Where the PCM goes (a `WavWriter` is one). */
export interface PcmSink {
  /** Appends decoded samples. */
  writeSamples(pcm: Int16Array): void;
  /** Appends `frames` samples of silence. */
  writeSilence(frames: number): void;
}

/** Options of `RtpPcmReceiver`. */
export interface RtpPcmReceiverOptions {
  /** RTP clock rate = output sample rate (default 8000). */
  clockRate?: number;
  /** Packets held back for reordering (default 4, i.e. 80 ms of 20 ms packets). */
  reorderPackets?: number;
  /** Use arrival times to re-anchor the timeline (default true). */
  wallClock?: boolean;
  /** Disagreement between timestamps and wall clock that triggers a re-anchor (default 2000 ms). */
  resyncMs?: number;
  /**
   * Wall-clock time (ms) the timeline starts at, e.g. when the recording
   * session was answered. With `wallClock`, the first packet is placed at its
   * arrival time after it (leading silence), so streams of one recording line up.
   */
  originMs?: number;
  /**
   * Conceal gaps up to this long (ms) by repeating the last audio with a
   * fade-out, instead of silence (simple packet loss concealment). Default 0:
   * every gap is silence. Longer gaps are always silence (pauses, DTX).
   */
  concealMs?: number;
  /** Longest silence written for one gap (default 4 hours); longer gaps are cut to this. */
  maxGapSeconds?: number;
  /** Payload decoder (default G.711 PCMU/PCMA); undefined = ignore the packet (e.g. CN, DTMF events). */
  decode?: (payloadType: number, payload: Buffer) => Int16Array | undefined;
}

/** Counters of what the receiver did. */
export interface RtpReceiverStats {
  /** Packets pushed. */
  packets: number;
  /** Packets whose payload type had no decoder. */
  ignored: number;
  /** Packets that arrived after their place was written. */
  late: number;
  /** Packets seen twice. */
  duplicates: number;
  /** Sequence numbers never seen (per source, ahead of the highest). */
  lost: number;
  /** SSRC changes. */
  sourceChanges: number;
  /** Re-anchors on the wall clock within one source. */
  resyncs: number;
  /** Audio samples written. */
  audioSamples: number;
  /** Silence samples written. */
  silenceSamples: number;
  /** Samples filled by loss concealment. */
  concealedSamples: number;
  /** Gaps cut to maxGapSeconds. */
  truncatedGaps: number;
}
