/**
 * The SRS status page in a real browser: Debian's headless Chromium (/usr/bin/chromium, no browser
 * download) driven by playwright-core. Two calls are recorded by an SrcManager into an Srs in this
 * process: one paused in the middle and finished, one paused and still live when the page loads.
 * The page must show both with their participants, mark the live one paused, play the finished
 * one's WAVs (duration ≈ the call, currentTime advancing; the browser fetches them with Range →
 * 206), break no CSP rule, and show a hostile recording's metadata as text (page 2).
 *
 * A screenshot is written to a temp dir (printed); with TSIP_STATUS_SCREENSHOT=<path> also there
 * (docs/status-page.png was made so).
 */
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { startOperatorHttp } from '../../../lib/siprec/common/operator-http.js';
import { syntheticCall } from '../../../lib/siprec/media/index.js';
import type { CallRecording } from '../../../lib/siprec/src/index.js';
import { srsStatusRoutes } from '../../../lib/siprec/srs/status/index.js';
import type { SrsStatusReport } from '../../../include-types/siprec.js';
import { entry, startManager, startSrs, waitFor } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

/** The part of a DOM HTMLAudioElement used in the page (tsconfig has no DOM lib). */
interface AudioLike {
  readyState: number;
  duration: number;
  currentTime: number;
  error: { code: number } | null;
  addEventListener(type: string, fn: () => void, opts?: { once: boolean }): void;
  load(): void;
  play(): Promise<void>;
  pause(): void;
}
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];

function chromiumMissing(): boolean {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/** Feeds `ms` of a synthetic two-party call; `at` runs actions when the call reaches a time (not awaited in the loop). */
async function talk(rec: CallRecording, ms: number, at: [number, () => Promise<unknown>][] = []): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const todo = [...at];
  for await (const p of syntheticCall({ durationMs: ms, realtime: true, parties: [{ frequency: 440 }, { frequency: 1000 }] })) {
    while (todo.length > 0 && p.timeMs >= todo[0][0]) pending.push(todo.shift()![1]());
    rec.forward(p.party === 0 ? '1' : '2', p.bytes);
  }
  await Promise.all(pending);
}

/** A finished recording with hostile metadata, written as the SRS would (it sorts oldest: page 2). */
function hostileRecording(root: string): string {
  const key = '20200101T000000Z_hostile';
  mkdirSync(join(root, key), { recursive: true });
  writeFileSync(join(root, key, 'index.json'), JSON.stringify({
    version: 1, recordingId: 'hostile"><script>alert(5)</script>', callIds: ['<img src=x onerror=alert(3)>'], sessionIds: [], state: 'complete',
    startedAt: '2020-01-01T00:00:00.000Z', stoppedAt: '2020-01-01T00:00:02.000Z', endReason: 'bye', endDetail: '</footer><script>alert(4)</script>',
    streams: [{ label: '1"><svg onload=alert(6)>', file: 'stream-1.wav', codec: 'PCMU', payloadType: 0, packets: 0, startedAt: '2020-01-01T00:00:00.000Z', durationSeconds: 2, senders: ['p1'], receivers: [] }],
    participants: [{ participantId: 'p1', aors: ['sip:"onmouseover=alert(2)@evil.example'], names: ['<script>alert(1)</script>'], sends: ['1'], receives: [] }],
    metadataFiles: [], pauses: [], revision: 1,
  }));
  return key;
}

t.test('status page in headless Chromium: participants, players, a paused live recording, no script from metadata', async (t) => {
  if (chromiumMissing()) {
    t.fail(`BROWSER MISSING: ${CHROMIUM} is not installed. Install Debian's chromium: \`sudo apt-get install -y chromium\` (scripts/install-interop-tools.sh does it).`);
    return;
  }
  const browserP: Promise<Browser> = chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20000 });
  t.teardown(async () => (await browserP.catch(() => undefined))?.close());
  const srs = await startSrs(t, { minFreeDiskBytes: 0 });
  hostileRecording(srs.settings.dir);
  const m = await startManager(t, [entry([srs.uri('udp')], { name: 'demo' })]);
  const http = await startOperatorHttp({ port: 0 }, srsStatusRoutes(srs, { listCacheMs: 0, pageSize: 1, title: 'tsip SRS · status' }));
  t.teardown(() => http.close());

  // Two calls at once: A is paused 0.8–1.6 s and finished at 2.4 s; B talks 1.2 s, then pauses and stays live.
  const A = { callId: `cs-A-${process.pid}@pbx.example`, participants: [{ key: 'alice', aor: 'sip:alice@example.com', name: 'Alice Anders' }, { key: 'bob', aor: 'sip:bob@example.net', name: 'Bob Brown' }], streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }] };
  const B = { callId: `cs-B-${process.pid}@pbx.example`, participants: [{ key: 'carol', aor: 'sip:carol@example.org', name: 'Carol Chen' }, { key: 'dave', aor: 'sip:+15551230000@example.org', name: 'Dave Diaz' }], streams: [{ label: '1', sender: 'carol' }, { label: '2', sender: 'dave' }] };
  const startedA = waitFor(m, 'recordingStarted', (e) => e.callId === A.callId);
  const startedB = waitFor(m, 'recordingStarted', (e) => e.callId === B.callId);
  const recA = m.startRecording(A);
  const recB = m.startRecording(B);
  const idA = (await startedA).recordingId as string;
  const idB = (await startedB).recordingId as string;
  const endedA = waitFor(srs, 'sessionEnded', (e) => e.recordingId === idA);
  const pausedB = waitFor(srs, 'sessionUpdated', (e) => e.recordingId === idB && e.paused);
  const callMs = 2400;
  await Promise.all([
    talk(recA, callMs, [[800, () => m.pauseRecording(A.callId)], [1600, () => m.resumeRecording(A.callId)]]),
    talk(recB, 1200).then(() => m.pauseRecording(B.callId)),
  ]);
  await m.stopRecording(A.callId);
  await endedA;
  await pausedB;

  const browser = await browserP;
  const page = await browser.newPage({ viewport: { width: 1100, height: 500 } });
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const fileStatuses: number[] = [];
  page.on('response', (r) => { if (r.url().includes('/files/')) fileStatuses.push(r.status()); });

  const res = await page.goto(`${http.url}/`);
  t.equal(res?.status(), 200);
  t.match(res?.headers()['content-security-policy'] ?? '', /default-src 'self'/);
  t.equal(res?.headers()['x-content-type-options'], 'nosniff');

  const live = page.locator(`article[data-recording-id="${idB}"]`);
  t.equal(await live.count(), 1, 'the live recording is shown');
  t.equal(await live.getAttribute('data-paused'), 'true', 'the live recording is shown paused');
  t.match(await live.locator('.badge').innerText(), /paused/i);
  t.match(await live.innerText(), /Carol Chen[\s\S]*sip:carol@example\.org/);
  t.match(await live.innerText(), new RegExp(B.callId.replace(/[.+]/g, '\\$&')), 'CS Call-ID shown');
  t.equal(await live.locator('audio').count(), 0, 'no player for a WAV still being written');
  t.equal(await page.locator('#live-count').innerText(), '1 live');

  const done = page.locator(`article[data-recording-id="${idA}"]`);
  t.equal(await done.getAttribute('data-state'), 'complete');
  const text = await done.innerText();
  for (const s of ['Alice Anders', 'sip:alice@example.com', 'Bob Brown', 'sip:bob@example.net', A.callId, '1 pause']) t.ok(text.includes(s), `finished recording shows ${s}`);
  t.equal(await done.locator('svg.timeline rect.tl-pause').count(), 1, 'the pause is drawn in the timeline');
  t.equal(await done.locator('svg.timeline rect.tl-bar').count(), 4, 'two streams, each cut by the pause');

  const audio = done.locator('audio');
  t.equal(await audio.count(), 2, 'a player per stream');
  const durations = await audio.evaluateAll((els) => Promise.all((els as unknown as AudioLike[]).map((a) => (a.readyState >= 1 && Number.isFinite(a.duration)
    ? a.duration
    : new Promise<number>((r, j) => {
      a.addEventListener('loadedmetadata', () => r(a.duration), { once: true });
      a.addEventListener('error', () => j(new Error(`audio error ${a.error?.code}`)), { once: true });
      a.load();
    })))));
  const report = await (await fetch(`${http.url}/recordings.json`)).json() as SrsStatusReport;
  const stored = report.finished.find((r) => r.recordingId === idA)!;
  t.equal(durations.length, 2);
  durations.forEach((d: number, i: number) => {
    t.ok(Math.abs(d - stored.streams[i].durationSeconds) < 0.05, `audio.duration ${d.toFixed(2)} s = the WAV's ${stored.streams[i].durationSeconds.toFixed(2)} s`);
    t.ok(Math.abs(d - stored.durationSeconds) < 0.4, `audio.duration ${d.toFixed(2)} s ≈ the recording's ${stored.durationSeconds.toFixed(2)} s, answer to BYE (pause kept as silence)`);
    t.ok(d >= callMs / 1000 - 0.1 && d < callMs / 1000 + 2, `audio.duration ${d.toFixed(2)} s covers the ${callMs / 1000} s call`);
  });
  // The first sound may wait for the headless audio sink to open: poll until it moves, then measure.
  const played = await audio.first().evaluate(async (el) => {
    const a = el as unknown as AudioLike;
    await a.play();
    const started = performance.now();
    while (a.currentTime === 0 && performance.now() - started < 5000) await new Promise((r) => setTimeout(r, 50));
    const t0 = a.currentTime;
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, 600));
    const advanced = a.currentTime - t0;
    const wall = (performance.now() - w0) / 1000;
    a.pause();
    return { advanced, wall, waited: (w0 - started) / 1000 };
  });
  const advanced = played.advanced;
  t.comment(`played ${played.advanced.toFixed(2)} s in ${played.wall.toFixed(2)} s (audio sink opened after ${played.waited.toFixed(2)} s)`);
  t.ok(advanced > 0.3, `playing advances currentTime (${advanced.toFixed(2)} s in ${played.wall.toFixed(2)} s)`);
  t.ok(fileStatuses.includes(206), `the browser fetched the WAV by Range: statuses ${[...new Set(fileStatuses)].join(',')}`);

  const outDir = mkdtempSync(join(tmpdir(), 'tsip-status-page-'));
  const shot = join(outDir, 'status-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.comment(`screenshot: ${shot}`);
  if (process.env.TSIP_STATUS_SCREENSHOT) {
    const to = resolve(process.env.TSIP_STATUS_SCREENSHOT);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(shot, to);
    t.comment(`screenshot copied to ${to}`);
  }

  // Page 2 holds the hostile recording: every string shown as text, nothing run.
  await page.goto(`${http.url}/?page=2`);
  const hostile = page.locator('article[data-state="complete"]').last();
  const htext = await hostile.innerText();
  for (const s of ['<script>alert(1)</script>', 'sip:"onmouseover=alert(2)@evil.example', '<img src=x onerror=alert(3)>', '</footer><script>alert(4)</script>']) {
    t.ok(htext.includes(s), `shown as text: ${s}`);
  }
  t.equal(await page.locator('main script, main img, main [onmouseover], main [onerror], main svg[onload]').count(), 0, 'no element made from metadata');
  t.same(dialogs, [], 'no alert ran');
  t.same(problems, [], 'no console errors (no CSP violation)');

  const endedB = waitFor(srs, 'sessionEnded', (e) => e.recordingId === idB);
  await m.stopRecording(B.callId);
  await endedB;
  await page.close();
});
