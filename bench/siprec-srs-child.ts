/**
 * The SRS side of bench/siprec.bench.ts, in its own process so its memory is its own: an Srs on
 * loopback (signalling only by default, or recording with `--media`) that reports its address,
 * then answers `{ cmd: 'stats' }` with session count and memory (after a GC) over IPC, and
 * `{ cmd: 'collect' }` (bench/siprec-media.bench.ts) with the RTP packets the ended recordings
 * stored, read back from their index.json, whose directories it then removes.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Srs } from '../lib/siprec/srs/index.js';

/** Event-loop delay (a loop that stops reading its sockets loses datagrams once their buffers fill). */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const media = process.argv.includes('--media');
const dir = mkdtempSync(join(tmpdir(), 'tsip-bench-srs-'));
const srs = new Srs({
  // The hold run keeps 200 set-ups in flight, the default maxUnconfirmedSessions: raised so the
  // bench measures set-ups, not the admission limit (set-ups past it would get 503).
  host: '127.0.0.1', port: 0, dir, maxSessions: 50_000, maxUnconfirmedSessions: 1000, signalingOnly: !media,
  rtpPortMin: 20000, rtpPortMax: 65000, t1: Number(process.env.TSIP_BENCH_T1 ?? 500),
});
await srs.start();

function mem(): { rss: number; heapUsed: number; external: number; cpuMs: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const c = process.cpuUsage();
  // `external` already includes `arrayBuffers` (Node docs): adding both counted Buffers twice
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, cpuMs: (c.user + c.system) / 1000 };
}

/**
 * Sums the streams of every ended recording (index.json state not `recording`), then removes them.
 * A recording's files and final index are written asynchronously after its BYE: wait (5 s at
 * most) until no ended session's index still says `recording`.
 */
async function collect(): Promise<{ recordings: number; packets: number; dropped: number; streams: number; unwrittenBytes: number }> {
  for (let i = 0; i < 50 && srs.activeSessions === 0 && pendingIndexes() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return collectNow();
}

/** Directories whose index still says `recording`. */
function pendingIndexes(): number {
  let n = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    try {
      if ((JSON.parse(readFileSync(join(dir, name.name, 'index.json'), 'utf8')) as { state: string }).state === 'recording') n++;
    } catch {
      n++; // not written yet
    }
  }
  return n;
}

function collectNow(): { recordings: number; packets: number; dropped: number; streams: number; unwrittenBytes: number } {
  const out = { recordings: 0, packets: 0, dropped: 0, streams: 0, unwrittenBytes: 0 };
  const live = new Set(srs.sessionInfos().map((i) => i.dir));
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const d = join(dir, name.name);
    if (live.has(d)) continue;
    let idx: { state: string; streams: { packets: number; droppedPackets?: number; droppedBytes?: number }[] };
    try {
      idx = JSON.parse(readFileSync(join(d, 'index.json'), 'utf8')) as typeof idx;
    } catch {
      continue; // not written yet
    }
    if (idx.state === 'recording') continue;
    out.recordings++;
    for (const s of idx.streams) {
      out.streams++;
      out.packets += s.packets;
      out.dropped += s.droppedPackets ?? 0;
      out.unwrittenBytes += s.droppedBytes ?? 0;
    }
    rmSync(d, { recursive: true, force: true });
  }
  return out;
}

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'stats') process.send?.({ sessions: srs.activeSessions, ...mem() });
  else if (msg.cmd === 'collect') void collect().then((c) => process.send?.(c));
  else if (msg.cmd === 'cpu') {
    const c = process.cpuUsage(); // no GC first: a CPU figure should not include one it caused
    process.send?.({ cpuMs: (c.user + c.system) / 1000, maxLoopDelayMs: loopDelay.max / 1e6 });
    loopDelay.reset();
  }
  else if (msg.cmd === 'stop') {
    void srs.shutdown().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
process.send?.({ ready: true, port: srs.addresses[0].port, dir, ...mem() });
