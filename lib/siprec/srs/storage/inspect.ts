/**
 * Reading a stored recording back: each WAV decoded to samples, with its duration, RMS level and
 * the strength of given tones (Goertzel), so a demo or a test can prove the files decode to the
 * call that was recorded; and every stream of any kind listed with its files and what they hold
 * (packets in the rtpdump, the RTT transcript, the MSRP messages), read from the files themselves.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readWavInfo, readWavLayout } from '../../media/index.js';
import { parseMessageLog } from './message-log.js';
import type { StoredRecording } from './recover.js';
import { readRtpdump } from './rtpdump.js';

/** One stream of a recording as found on disk. */
export interface StreamFiles {
  /** Label. */
  label: string;
  /** Media kind (audio when the index predates kinds). */
  kind: 'audio' | 'video' | 'text' | 'message';
  /** How it is stored. */
  format: 'wav' | 'rtpdump' | 't140' | 'msrp';
  /** Encoding name. */
  codec: string;
  /** The CS whose media it holds (metadata session_id; a persistent RS has a file per label and CS). */
  sessionId?: string;
  /** Each file with its size in bytes (-1 when missing). */
  files: { name: string; bytes: number }[];
  /** WAV: seconds of audio. */
  durationSeconds?: number;
  /** rtpdump: RTP packets and RTCP packets in the file. */
  packets?: number;
  /** rtpdump: RTCP packets in the file. */
  rtcpPackets?: number;
  /** RTT: the transcript text. */
  text?: string;
  /** MSRP: messages in the log. */
  messages?: number;
}

/** Lists every stream of a recording with its files, reading what each file holds. */
export function listStreamFiles(rec: StoredRecording): StreamFiles[] {
  return rec.index.streams.map((s) => {
    const format = s.format ?? 'wav';
    const names = s.files ?? [s.file];
    const out: StreamFiles = {
      label: s.label, kind: s.kind ?? 'audio', format, codec: s.codec, ...(s.sessionId !== undefined ? { sessionId: s.sessionId } : {}),
      files: names.map((name) => ({ name, bytes: existsSync(join(rec.dir, name)) ? statSync(join(rec.dir, name)).size : -1 })),
    };
    const main = join(rec.dir, s.file);
    if (!existsSync(main)) return out;
    try {
      if (format === 'wav') out.durationSeconds = readWavInfo(main).durationSeconds;
      else if (format === 'msrp') out.messages = parseMessageLog(readFileSync(main)).length;
      else {
        const d = readRtpdump(main);
        out.rtcpPackets = d.records.filter((r) => r.rtcp).length;
        out.packets = d.records.length - out.rtcpPackets;
      }
      if (s.transcript !== undefined && existsSync(join(rec.dir, s.transcript))) out.text = readFileSync(join(rec.dir, s.transcript), 'utf8');
    } catch {
      // a file too damaged to read: listed with its size only
    }
    return out;
  });
}

/** One stream's audio as read back. */
export interface StreamAudio {
  /** Label. */
  label: string;
  /** File path. */
  path: string;
  /** The CS whose media it holds (metadata session_id), when known. */
  sessionId?: string;
  /** Seconds of audio. */
  durationSeconds: number;
  /** RMS of the samples (0..32767). */
  rms: number;
  /** Normalised Goertzel power per requested frequency. */
  tones: Record<number, number>;
  /** The requested frequency with the most power. */
  dominantHz?: number;
}

/** Goertzel power of `freq` in `x`, normalised by length². */
export function tonePower(x: Int16Array, freq: number, rate: number): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return x.length === 0 ? 0 : (s1 * s1 + s2 * s2 - k * s1 * s2) / (x.length * x.length);
}

/** Decodes a 16-bit PCM WAV into samples (reads the data to the end of the file). */
export function readWavSamples(path: string): { rate: number; samples: Int16Array } {
  const buf = readFileSync(path);
  const layout = readWavLayout(buf.subarray(0, Math.min(buf.length, 4096)));
  const data = buf.subarray(layout.dataOffset, layout.dataOffset + Math.floor((buf.length - layout.dataOffset) / 2) * 2);
  const samples = new Int16Array(data.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
  return { rate: layout.sampleRate, samples };
}

/** Reads every WAV stream of a recording; `freqs` are the tones to measure. */
export function inspectRecording(rec: StoredRecording, freqs: readonly number[] = []): StreamAudio[] {
  return rec.index.streams.filter((s) => (s.format ?? 'wav') === 'wav').map((s) => {
    const path = join(rec.dir, s.file);
    const { rate, samples } = readWavSamples(path);
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
    const tones: Record<number, number> = {};
    let best: number | undefined;
    for (const f of freqs) {
      tones[f] = tonePower(samples, f, rate);
      if (best === undefined || tones[f] > tones[best]) best = f;
    }
    return {
      label: s.label, path, ...(s.sessionId !== undefined ? { sessionId: s.sessionId } : {}), durationSeconds: samples.length / rate, rms: samples.length ? Math.sqrt(sum / samples.length) : 0, tones,
      ...(best !== undefined ? { dominantHz: best } : {}),
    };
  });
}
