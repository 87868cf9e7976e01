/**
 * Live audio levels (issue 13): records a synthetic two-party G.711 call (alice 440 Hz, bob
 * 1000 Hz, talking in turns) with an in-process Srs on loopback, listens to the SRS's live audio
 * taps (`audioTap`), and prints each participant's level as a bar while the call is recorded:
 *
 *   Alice  ████████████░░░░░░░░ -12.3 dBFS
 *   Bob    ░░░░░░░░░░░░░░░░░░░░  no audio
 *
 *   npx tsx samples/live-levels.ts
 *   npx tsx samples/live-levels.ts --seconds 6 --interval 200 --codec pcma --dir ./recordings
 *
 * The recording itself goes to a temporary directory (removed at the end) unless --dir is given.
 * Exit codes: 0 when both participants were heard (a bar above -30 dBFS each) and the recording
 * ended; 1 otherwise; 2 for bad arguments.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SrsAudioTap } from '../include-types/siprec.js';
import { syntheticCall } from '../lib/siprec/media/index.js';
import { SrcManager } from '../lib/siprec/src/index.js';
import { Srs } from '../lib/siprec/srs/index.js';

const USAGE = `usage: npx tsx samples/live-levels.ts [--seconds N] [--interval MS] [--codec pcmu|pcma] [--dir DIR]
  --seconds N     length of the synthetic call, 2 to 60 (default 4; the parties talk in 1 s turns)
  --interval MS   how often the bars are printed (default 250)
  --codec C       pcmu (default) or pcma
  --dir DIR       keep the recording there (default: a temporary directory, removed)
exit codes: 0 both participants heard, 1 not, 2 bad arguments`;

/** Bars span -60 .. 0 dBFS. */
const FLOOR_DB = -60;
const BAR_CELLS = 20;
/** A participant counts as heard above this level. */
const HEARD_DB = -30;

/** One participant's level over the current interval. */
interface Meter {
  name: string;
  tap: SrsAudioTap;
  sumSquares: number;
  samples: number;
  loudestDb: number;
}

function parseOptions(argv: string[]): { seconds: number; interval: number; codec: 'pcmu' | 'pcma'; dir: string | undefined } | undefined {
  try {
    const { values } = parseArgs({ args: argv, options: {
      seconds: { type: 'string' }, interval: { type: 'string' }, codec: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    } });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const seconds = Number(values.seconds ?? 4);
    const interval = Number(values.interval ?? 250);
    const codec = values.codec ?? 'pcmu';
    if (!(seconds >= 2 && seconds <= 60) || !(interval >= 50 && interval <= 5000) || (codec !== 'pcmu' && codec !== 'pcma')) return undefined;
    return { seconds, interval, codec, dir: values.dir };
  } catch {
    return undefined;
  }
}

/** `Alice  ████████░░░░ -12.3 dBFS`. */
function bar(name: string, width: number, db: number | undefined): string {
  const label = name.padEnd(width);
  if (db === undefined) return `${label} ${'░'.repeat(BAR_CELLS)}  no audio`;
  const cells = Math.max(0, Math.min(BAR_CELLS, Math.round(((db - FLOOR_DB) / -FLOOR_DB) * BAR_CELLS)));
  return `${label} ${'█'.repeat(cells)}${'░'.repeat(BAR_CELLS - cells)} ${db.toFixed(1).padStart(5)} dBFS`;
}

/** Reads a tap's PCM (s16le) into its meter; a slow print loop never slows the recording (the tap drops instead). */
async function meter(m: Meter): Promise<void> {
  for await (const chunk of m.tap.pcm as AsyncIterable<Buffer>) {
    for (let i = 0; i + 1 < chunk.length; i += 2) {
      const s = chunk.readInt16LE(i);
      m.sumSquares += s * s;
    }
    m.samples += chunk.length >> 1;
  }
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (!opts) {
    console.error(USAGE);
    return 2;
  }
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tsip-live-levels-'));
  const srs = new Srs({ host: '127.0.0.1', port: 0, dir });
  const meters: Meter[] = [];
  const reading: Promise<void>[] = [];
  srs.on('audioTap', (tap) => {
    const m: Meter = { name: tap.participant?.name ?? tap.participant?.aor ?? `stream ${tap.streamLabel}`, tap, sumSquares: 0, samples: 0, loudestDb: -Infinity };
    meters.push(m);
    reading.push(meter(m));
  });
  srs.on('audioTapUnavailable', (e) => console.log(`stream ${e.streamLabel}: no live audio (${e.reason}, ${e.codec})`));
  let src: SrcManager | undefined;
  let ticker: NodeJS.Timeout | undefined;
  try {
    await srs.start();
    const pt: 0 | 8 = opts.codec === 'pcma' ? 8 : 0;
    src = new SrcManager({
      srs: [{
        name: 'levels', srsUris: [srs.uri()], localAddress: '127.0.0.1', inviteTimeoutMs: 5000,
        media: { codecs: [pt === 0 ? { payloadType: 0, name: 'PCMU', clockRate: 8000 } : { payloadType: 8, name: 'PCMA', clockRate: 8000 }] },
      }],
    });
    await src.start();
    const manager = src;
    const started = new Promise<void>((resolve, reject) => {
      manager.once('recordingStarted', () => resolve());
      manager.once('recordingFailed', (e) => reject(new Error(`recording failed: ${e.reason}`)));
    });
    const callId = `levels-${Date.now()}@tsip`;
    const rec = src.startRecording({
      callId,
      participants: [{ key: 'alice', aor: 'sip:alice@example.com', name: 'Alice' }, { key: 'bob', aor: 'sip:bob@example.net', name: 'Bob' }],
      streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
    });
    await started;
    console.log(`recording ${callId} to ${dir}; live levels every ${opts.interval} ms:`);
    let tick = 0;
    ticker = setInterval(() => {
      const width = Math.max(...meters.map((m) => m.name.length));
      const lines = meters.map((m) => {
        const db = m.samples > 0 ? 20 * Math.log10(Math.max(1, Math.sqrt(m.sumSquares / m.samples)) / 32768) : undefined;
        if (db !== undefined) m.loudestDb = Math.max(m.loudestDb, db);
        m.sumSquares = 0;
        m.samples = 0;
        return bar(m.name, width, db);
      });
      console.log(`[${((++tick * opts.interval) / 1000).toFixed(2).padStart(6)} s] ${lines.join('  |  ')}`);
    }, opts.interval);
    for await (const p of syntheticCall({ durationMs: opts.seconds * 1000, realtime: true, payloadType: pt })) rec.forward(p.party === 0 ? '1' : '2', p.bytes);
    clearInterval(ticker);
    const ended = new Promise<void>((resolve) => srs.once('sessionEnded', () => resolve()));
    await src.stopRecording(callId);
    await ended;
    await Promise.all(reading);
    let ok = meters.length === 2;
    for (const m of meters) {
      const heard = m.loudestDb > HEARD_DB;
      ok &&= heard;
      console.log(`${m.name}: ${m.tap.frames} frames, ${m.tap.droppedFrames} dropped, loudest ${m.loudestDb.toFixed(1)} dBFS${heard ? '' : ' (not heard)'}`);
    }
    console.log(ok ? 'live levels OK' : 'live levels FAILED');
    return ok ? 0 : 1;
  } catch (e) {
    console.error(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    clearInterval(ticker);
    await src?.shutdown().catch(() => undefined);
    await srs.shutdown().catch(() => undefined);
    if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
