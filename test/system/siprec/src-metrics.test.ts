/**
 * The recording client's Prometheus metrics on the operator HTTP server: `promtool check metrics`
 * accepts the exposition, and the values move with a recording that fails over (503 from the
 * first SRS), carries RTP, and ends; an SRS the keep-alive finds down shows 0 in tsip_src_srs_up.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import t from 'tap';
import { startOperatorHttp } from '../../../lib/siprec/common/operator-http.js';
import { freeSipPort } from '../../../lib/siprec/common/ports.js';
import { buildRtp } from '../../../lib/siprec/media/index.js';
import { srcMetricsRoutes } from '../../../lib/siprec/src/index.js';
import { entry, portRange, startManager, startSrs, twoParty, waitFor } from './helpers.js';

function promtool(): string | undefined {
  for (const dir of ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    try {
      accessSync(join(dir, 'promtool'), constants.X_OK);
      return join(dir, 'promtool');
    } catch { /* next */ }
  }
  return undefined;
}

/** The sum of every series of `name` whose labels include `labels` (e.g. over transport kinds). */
function total(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** The value of one series of an exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

t.test('/metrics: promtool-clean, values move with a recording that failed over', async (t) => {
  const tool = promtool();
  if (!tool) {
    t.fail('promtool is not installed: run `apt-get install -y prometheus` (scripts/install-interop-tools.sh installs it)');
    return;
  }
  const r = portRange(2);
  const busy = await startSrs(t, { rtpPortMin: r.min, rtpPortMax: r.min + 1 }); // one port pair: 503 for two streams
  const good = await startSrs(t);
  const dead = `sip:srs@127.0.0.1:${await freeSipPort('127.0.0.1')};transport=tcp`;
  const m = await startManager(t, [
    entry([busy.uri(), good.uri()], { name: 'main' }),
    entry([dead, good.uri()], { name: 'watched', optionsIntervalSeconds: 0.3 }),
  ]);
  const http = await startOperatorHttp({ port: 0 }, srcMetricsRoutes(m));
  t.teardown(() => http.close());
  const scrape = async (): Promise<string> => {
    const res = await fetch(`${http.url}/metrics`);
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const down = waitFor(m, 'srsStateChanged', (e) => !e.up && e.srs === dead, 10000);

  const before = await scrape();
  t.equal(sample(before, 'tsip_src_recordings_started_total', { entry: 'main', srs: good.uri() }), 0, 'series exist before any recording');
  t.equal(sample(before, 'tsip_src_failovers_total', { entry: 'main' }), 0);
  await down;

  const call = twoParty();
  const started = Promise.all([waitFor(m, 'recordingStarted', (e) => e.srsName === 'main'), waitFor(m, 'recordingStarted', (e) => e.srsName === 'watched')]);
  const rec = m.startRecording(call);
  await started;
  const during = await scrape();
  t.equal(sample(during, 'tsip_src_live_recordings', { entry: 'main' }), 1, 'one live recording');
  const payload = Buffer.alloc(160, 0xff);
  for (let i = 0; i < 50; i++) {
    for (const label of ['1', '2']) {
      rec.forward(label, buildRtp({ marker: false, payloadType: 0, sequenceNumber: i, timestamp: i * 160, ssrc: label === '1' ? 11 : 22, csrcs: [], payload }));
    }
  }
  const stopped = Promise.all([waitFor(m, 'recordingStopped', (e) => e.srsName === 'main'), waitFor(m, 'recordingStopped', (e) => e.srsName === 'watched')]);
  await m.stopRecording(call.callId);
  await stopped;
  const after = await scrape();

  t.equal(sample(after, 'tsip_src_recordings_started_total', { entry: 'main', srs: good.uri() }), 1);
  t.equal(sample(after, 'tsip_src_recordings_started_total', { entry: 'main', srs: busy.uri() }), 0);
  t.equal(sample(after, 'tsip_src_srs_attempts_total', { entry: 'main', srs: busy.uri(), outcome: 'Response' }), 1, 'the 503');
  t.equal(sample(after, 'tsip_src_failovers_total', { entry: 'main' }), 1, 'busy → good');
  t.equal(sample(after, 'tsip_src_failovers_total', { entry: 'watched' }), 1, 'the down SRS skipped');
  t.equal(sample(after, 'tsip_src_recordings_completed_total', { entry: 'main', srs: good.uri(), reason: 'Stopped' }), 1);
  t.equal(sample(after, 'tsip_src_live_recordings', { entry: 'main' }), 0);
  t.equal(sample(after, 'tsip_src_rtp_packets_forwarded_total', { entry: 'main' }), 100, 'two streams × 50 packets');
  t.equal(sample(after, 'tsip_src_rtp_bytes_forwarded_total', { entry: 'main' }), 100 * (12 + 160), 'RTP header + payload, bytes');
  t.equal(sample(after, 'tsip_src_srs_up', { entry: 'watched', srs: dead }), 0, 'keep-alive saw it down');
  t.equal(sample(after, 'tsip_src_srs_up', { entry: 'main', srs: good.uri() }), 1);
  t.equal(sample(after, 'tsip_src_srs_state_changes_total', { entry: 'watched', srs: dead, state: 'down' }), 1);
  // over UDP and TCP: a large INVITE goes by TCP, and the SRS's Contact keeps the dialog there
  t.ok(total(after, 'tsip_src_sip_messages_total', { entry: 'main', direction: 'out' }) >= 3, 'INVITEs, ACK, BYE went out');
  t.ok(total(after, 'tsip_src_sip_messages_total', { entry: 'main', direction: 'in' }) >= 2, 'responses came in');
  // the OS's drops on a full UDP receive buffer: a series from the first scrape on Linux, none elsewhere
  if (process.platform === 'linux') t.match(after, /tsip_src_sip_dropped_total\{entry="main",reason="udpKernel"\} 0\n/);
  else t.notMatch(after, /reason="udpKernel"/);

  const check = spawnSync(tool, ['check', 'metrics'], { input: after, encoding: 'utf8', timeout: 20000 });
  t.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
  t.equal(`${check.stdout}${check.stderr}`.trim(), '', 'no lint findings');

  const head = await fetch(`${http.url}/metrics`, { method: 'HEAD' });
  t.equal(head.status, 200);
  t.equal(await head.text(), '');
  t.equal((await fetch(`${http.url}/other`)).status, 404, 'other paths left to the next route');
});
