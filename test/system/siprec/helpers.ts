/** Shared setup of the SIPREC system tests: SRSs on loopback, managers pointed at them, waits. */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { CallParams, SrcSettings, SrsEntrySettings, SrsSettings } from '../../../include-types/siprec.js';
import { syntheticCall } from '../../../lib/siprec/media/index.js';
import { SrcManager, type CallRecording } from '../../../lib/siprec/src/index.js';
import { Srs } from '../../../lib/siprec/srs/index.js';

let portBase = 42000 + (process.pid % 50) * 100;

/** A fresh RTP port range for one SRS or SRC (tests run in parallel processes). */
export function portRange(n = 40): { min: number; max: number } {
  const min = portBase;
  portBase += n;
  if (portBase > 60000) portBase = 42000;
  return { min, max: min + n - 1 };
}

let blockBase = 61000 + (process.pid % 100) * 40;

/** True when every UDP port of `min`..`min + n - 1` binds on 127.0.0.1 now (all released again). */
async function bindable(min: number, n: number): Promise<boolean> {
  const sockets = Array.from({ length: n }, () => createSocket('udp4'));
  const bound = await Promise.all(sockets.map((s, i) => new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(min + i, '127.0.0.1', () => resolve(true));
  })));
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => { try { s.close(() => resolve()); } catch { resolve(); } })));
  return bound.every(Boolean);
}

/**
 * `n` RTP ports for a test that needs an SRS with exactly so few (a 503 for want of ports, the
 * ports given back): above the kernel's ephemeral range (32768–60999 on Linux) and portRange's,
 * so no port-0 socket of a parallel test takes one, and found free when asked for.
 */
export async function exclusivePorts(n: number): Promise<{ rtpPortMin: number; rtpPortMax: number }> {
  for (let tries = 0; tries < 100; tries++) {
    const min = blockBase;
    blockBase += n;
    if (blockBase + n > 65000) blockBase = 61000;
    if (await bindable(min, n)) return { rtpPortMin: min, rtpPortMax: min + n - 1 };
  }
  throw new Error(`no ${n} free UDP ports found above 61000`);
}

/** A minimal RTP packet: 12-byte header (version 2, PCMU, `seq`, timestamp seq*160, `ssrc`), 160 bytes of payload. */
export function pcmuPacket(seq: number, ssrc: number): Buffer {
  const b = Buffer.alloc(172);
  b[0] = 0x80;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 160, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

/** A temp dir removed at the end of the test. */
export function tempDir(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'tsip-siprec-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Starts an Srs on loopback with its own temp dir; shut down at the end of the test. */
export async function startSrs(t: Test, extra: Partial<SrsSettings> = {}): Promise<Srs> {
  const r = portRange();
  const srs = new Srs({ host: '127.0.0.1', port: 0, dir: tempDir(t), rtpPortMin: r.min, rtpPortMax: r.max, ...extra });
  await srs.start();
  t.teardown(() => srs.shutdown());
  return srs;
}

/** An SRS entry pointing at `uris`. */
export function entry(uris: string[], extra: Partial<SrsEntrySettings> = {}): SrsEntrySettings {
  const r = portRange();
  return { name: extra.name ?? 'e1', srsUris: uris, localAddress: '127.0.0.1', inviteTimeoutMs: 3000, media: { portMin: r.min, portMax: r.max, rtcpIntervalMs: 200 }, ...extra };
}

/** A started manager, shut down at the end of the test. */
export async function startManager(t: Test, entries: SrsEntrySettings[], extra: Partial<SrcSettings> = {}): Promise<SrcManager> {
  const m = new SrcManager({ srs: entries, t1: 100, ...extra });
  await m.start();
  t.teardown(() => m.shutdown());
  return m;
}

let callNo = 0;
/** A two-party call description. */
export function twoParty(extra: Partial<CallParams> = {}): CallParams {
  return {
    callId: `cs-${process.pid}-${++callNo}@test`,
    participants: [{ key: 'alice', aor: 'sip:alice@example.com', name: 'Alice' }, { key: 'bob', aor: 'sip:bob@example.net' }],
    streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
    ...extra,
  };
}

/** An event payload as the tests read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = any;
interface Loose {
  on(event: string, fn: (e: Payload) => void): unknown;
  off(event: string, fn: (e: Payload) => void): unknown;
}

/** Resolves with the first `event` whose payload passes `pred`; rejects after `ms`. */
export function waitFor(em: object, event: string, pred: (e: Payload) => boolean = () => true, ms = 10000): Promise<Payload> {
  const e = em as Loose;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { e.off(event, on); reject(new Error(`no ${event} within ${ms} ms`)); }, ms);
    const on = (x: Payload): void => {
      if (!pred(x)) return;
      clearTimeout(timer);
      e.off(event, on);
      resolve(x);
    };
    e.on(event, on);
  });
}

/** Feeds a synthetic call (alice 440 Hz on label 1, bob 1000 Hz on label 2) paced in real time. */
export async function feed(rec: CallRecording, ms: number, labels: [string, string] = ['1', '2']): Promise<number> {
  let n = 0;
  for await (const p of syntheticCall({ durationMs: ms, realtime: true })) n += rec.forward(labels[p.party], p.bytes) > 0 ? 1 : 0;
  return n;
}

/** Waits `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
