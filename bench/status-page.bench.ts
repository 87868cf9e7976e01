/**
 * The SRS status page over a recordings directory of many recordings (default 3000; env
 * TSIP_BENCH_STATUS_RECORDINGS): a page of the newest 100 built and rendered, cold (first request:
 * listing + 100 index reads) and warm (listing and indexes cached; and with the listing redone per
 * request, listCacheMs 0), next to the peer measured in the same run on the same directory: the
 * storage module's `listRecordings(root)`, which reads every index.json (what a page built without
 * a cache would have to do per request).
 *
 *   npx tsx bench/status-page.bench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listRecordings, type RecordingIndex } from '../lib/siprec/srs/storage/index.js';
import { RecordingList } from '../lib/siprec/srs/status/recording-list.js';
import { buildReport, type ReportContext } from '../lib/siprec/srs/status/report.js';
import { renderPage } from '../lib/siprec/srs/status/html.js';

function indexOf(i: number): RecordingIndex {
  const t0 = Date.UTC(2026, 0, 1) + i * 60_000;
  return {
    version: 1, recordingId: `rec${i}@bench`, callIds: [`cs${i}@pbx`], sessionIds: ['s'], state: 'complete',
    startedAt: new Date(t0).toISOString(), stoppedAt: new Date(t0 + 30_000).toISOString(), endReason: 'bye',
    streams: ['1', '2'].map((label, k) => ({
      label, file: `stream-${label}.wav`, files: [`stream-${label}.wav`], codec: 'PCMU', payloadType: 0, packets: 1500, kind: 'audio' as const, format: 'wav' as const,
      startedAt: new Date(t0).toISOString(), stoppedAt: new Date(t0 + 30_000).toISOString(), durationSeconds: 30, senders: [`p${k}`], receivers: [`p${1 - k}`],
    })),
    participants: [0, 1].map((k) => ({ participantId: `p${k}`, aors: [`sip:user${k}@example.com`], names: [`User ${k}`], sends: [String(k + 1)], receives: [String(2 - k)] })),
    metadataFiles: ['metadata-000.xml'], pauses: [], revision: 4,
  };
}

function time(label: string, fn: () => unknown, minMs = 400): number {
  fn();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    n++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const ms = elapsed / n;
  console.log(`${label.padEnd(52)} ${ms.toFixed(2).padStart(9)} ms/request`);
  return ms;
}

/** Prints ms per request of the status page and of a full rescan. */
export async function run(): Promise<void> {
  const count = Number(process.env.TSIP_BENCH_STATUS_RECORDINGS ?? 3000);
  const root = mkdtempSync(join(tmpdir(), 'tsip-bench-status-'));
  try {
    for (let i = 0; i < count; i++) {
      const idx = indexOf(i);
      const dir = join(root, `${idx.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}_rec${i}_bench`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'index.json'), JSON.stringify(idx, null, 2));
      for (const f of ['stream-1.wav', 'stream-2.wav', 'metadata-000.xml']) writeFileSync(join(dir, f), 'x');
    }
    console.log(`status page over ${count} recordings, page of 100`);
    const source = { settings: { dir: root }, liveRecordings: () => [] };
    const page = (ctx: ReportContext): string => renderPage(buildReport(source, ctx, 1), { title: 't', base: '' });
    const ctxOf = (listCacheMs: number): ReportContext => ({ list: new RecordingList(root, { listCacheMs, maxEntries: 2000, now: Date.now }), pageSize: 100, base: '', now: Date.now });
    const t0 = process.hrtime.bigint();
    const cold = ctxOf(2000);
    page(cold);
    console.log(`${'tsip page, cold (list + 100 indexes read)'.padEnd(52)} ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(2).padStart(9)} ms/request`);
    const warm = time('tsip page, warm (listing and indexes cached)', () => page(cold));
    const relist = ctxOf(0);
    const relisted = time('tsip page, listing redone per request', () => page(relist));
    const peer = time(`peer: listRecordings(root) (every index, no page)`, () => listRecordings(root));
    console.log(`status page: warm ${(peer / warm).toFixed(0)}x, re-listing ${(peer / relisted).toFixed(0)}x faster than rescanning every index`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
