/**
 * The SRS side of bench/siprec.bench.ts, in its own process so its memory is its own: an Srs on
 * loopback (signalling only by default, or recording with `--media`) that reports its address,
 * then answers `{ cmd: 'stats' }` with session count and memory (after a GC) over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Srs } from '../lib/siprec/srs/index.js';

const media = process.argv.includes('--media');
const dir = mkdtempSync(join(tmpdir(), 'tsip-bench-srs-'));
const srs = new Srs({
  host: '127.0.0.1', port: 0, dir, maxSessions: 50_000, signalingOnly: !media,
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

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'stats') process.send?.({ sessions: srs.activeSessions, ...mem() });
  else if (msg.cmd === 'stop') {
    void srs.shutdown().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
process.send?.({ ready: true, port: srs.addresses[0].port, ...mem() });
