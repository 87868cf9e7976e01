/**
 * A synthetic two-party G.711 call for demos and tests: each party "speaks"
 * a tone of its own frequency with a syllable-like envelope, in turns with
 * pauses, and each party's audio is cut into 20 ms RTP packets (PT 0 PCMU or
 * PT 8 PCMA) with correct sequence numbers and timestamps.
 *
 * `syntheticCall(opts)` is an async iterator; with `realtime: true` packets
 * are paced on the wall clock, otherwise they come as fast as they are read
 * (each with the time it would have been sent, `timeMs`).
 */
import { randomInt } from 'node:crypto';
// NOTE: pacing stays on real time (not the stack's Clock): this is the demo/sample generator of a
// call's packets, not a protocol timer; a test that wants no waiting reads it with realtime false.
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeG711 } from './g711.js';
import { buildRtp, type RtpPacket } from './rtp.js';

/** When a party talks, relative to the call start. */
export interface TalkSpurt {
  /** Start, ms. */
  startMs: number;
  /** End, ms (exclusive). */
  endMs: number;
}

/** One party of the synthetic call. */
export interface SyntheticParty {
  /** Tone frequency in Hz (default 440 for party 0, 1000 for party 1). */
  frequency?: number;
  /** Peak amplitude, 0..32767 (default 12000). */
  amplitude?: number;
  /** When the party talks; default: alternating 1 s turns, party 0 first. */
  talk?: TalkSpurt[];
  /** RTP SSRC (default random). */
  ssrc?: number;
}

/** Options of {@link syntheticCall}. */
export interface SyntheticCallOptions {
  /** Call length in ms (default 3000). */
  durationMs?: number;
  /** 0 = PCMU (default), 8 = PCMA. */
  payloadType?: 0 | 8;
  /** Packet time in ms (default 20). */
  ptimeMs?: number;
  /** The two parties. */
  parties?: [SyntheticParty?, SyntheticParty?];
  /** Send no packets while a party is silent (DTX); default false = send silence. */
  dtx?: boolean;
  /** Pace packets on the wall clock (default false). */
  realtime?: boolean;
  /** Stop early (realtime runs). */
  signal?: AbortSignal;
}

/** One generated packet. */
export interface SyntheticPacket {
  /** 0 or 1. */
  party: 0 | 1;
  /** When it is due, ms since the call start. */
  timeMs: number;
  /** The packet. */
  packet: RtpPacket;
  /** Its wire form. */
  bytes: Buffer;
  /** The PCM it carries (before G.711 encoding). */
  pcm: Int16Array;
}

const RATE = 8000;

function defaultTalk(party: number, durationMs: number): TalkSpurt[] {
  const out: TalkSpurt[] = [];
  for (let t = party * 1000; t < durationMs; t += 2000) out.push({ startMs: t, endMs: Math.min(durationMs, t + 900) });
  return out;
}

/** The PCM a party produces for samples [from, from + n). */
export function partySignal(party: SyntheticParty & { frequency: number }, talk: TalkSpurt[], from: number, n: number): Int16Array {
  const amp = party.amplitude ?? 12000;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const s = from + i;
    const ms = (s * 1000) / RATE;
    if (!talk.some((t) => ms >= t.startMs && ms < t.endMs)) continue;
    // Syllable-like envelope at 4 Hz, never fully silent while talking.
    const env = 0.65 + 0.35 * Math.sin((2 * Math.PI * 4 * s) / RATE);
    out[i] = Math.round(amp * env * Math.sin((2 * Math.PI * party.frequency * s) / RATE));
  }
  return out;
}

/** Generates the packets of a synthetic two-party call, interleaved in time order. */
export async function* syntheticCall(opts: SyntheticCallOptions = {}): AsyncGenerator<SyntheticPacket> {
  const duration = opts.durationMs ?? 3000;
  const ptime = opts.ptimeMs ?? 20;
  const pt = opts.payloadType ?? 0;
  const perPacket = (RATE * ptime) / 1000;
  const parties = [0, 1].map((i) => {
    const p = opts.parties?.[i] ?? {};
    return {
      ...p,
      frequency: p.frequency ?? (i === 0 ? 440 : 1000),
      talk: p.talk ?? defaultTalk(i, duration),
      ssrc: p.ssrc ?? randomInt(1, 2 ** 32 - 1),
      seq: randomInt(0, 0x10000),
      ts0: randomInt(0, 2 ** 31),
      talking: false,
    };
  });
  const start = Date.now();
  for (let k = 0; k * ptime < duration; k++) {
    const timeMs = k * ptime;
    if (opts.signal?.aborted) return;
    if (opts.realtime) {
      const wait = start + timeMs - Date.now();
      if (wait > 0) await sleep(wait);
    }
    for (const i of [0, 1] as const) {
      const p = parties[i];
      const talking = p.talk.some((t) => timeMs >= t.startMs && timeMs < t.endMs);
      const first = talking && !p.talking;
      p.talking = talking;
      if (!talking && opts.dtx) continue;
      const pcm = partySignal(p, p.talk, k * perPacket, perPacket);
      const packet: RtpPacket = {
        marker: first, // RFC 3551 §4.1: first packet of a talkspurt
        payloadType: pt,
        sequenceNumber: p.seq,
        timestamp: (p.ts0 + k * perPacket) % 2 ** 32,
        ssrc: p.ssrc,
        csrcs: [],
        payload: encodeG711(pt, pcm),
      };
      p.seq = (p.seq + 1) & 0xffff;
      yield { party: i, timeMs, packet, bytes: buildRtp(packet), pcm };
    }
  }
}
