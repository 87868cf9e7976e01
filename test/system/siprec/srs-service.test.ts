/**
 * The SRS as a service: health (OPTIONS 200/503 + Retry-After, /healthz), graceful drain (new
 * recordings refused with 503 + Retry-After, live ones run to their BYE, the rest cut at the
 * timeout and stored complete) and /metrics (promtool-clean Prometheus text whose values move
 * with a recording; two Srs in one process keep their own registries).
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { StatfsLike } from '../../../include-types/siprec.js';
import { listRecordings, Srs, startSrsHttp } from '../../../lib/siprec/srs/index.js';
import { buildOptions } from '../../interop/lib/sip-probe.js';
import { exchange } from '../../helpers/stack-uac.js';
import { entry, feed, portRange, sleep, startManager, startSrs, twoParty, waitFor, type Payload } from './helpers.js';

/** Sends one OPTIONS over UDP; resolves with the status code and the raw response. */
function options(srs: Srs): Promise<{ status: number; text: string }> {
  const port = srs.addresses.find((a) => a.protocol === 'udp')!.port;
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => { sock.close(); reject(new Error('no answer to OPTIONS')); }, 3000);
    sock.on('message', (buf) => {
      clearTimeout(timer);
      sock.close();
      const text = buf.toString('latin1');
      resolve({ status: Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]), text });
    });
    sock.bind(0, '127.0.0.1', () => sock.send(buildOptions('127.0.0.1', port, sock.address().port), port, '127.0.0.1'));
  });
}

const lowDisk: StatfsLike = async () => ({ bavail: 10, bsize: 4096 });

t.test('health: ok, overSessions, lowDisk; OPTIONS and /healthz follow it', async (t) => {
  const srs = await startSrs(t, { maxSessions: 1 });
  const http = await startSrsHttp(srs, { port: 0 });
  t.teardown(() => http.close());
  const h0 = await srs.health();
  t.equal(h0.state, 'ok');
  t.ok(h0.healthy);
  t.equal((await options(srs)).status, 200, 'OPTIONS 200 while healthy');
  const z0 = await fetch(`${http.url}/healthz`);
  t.equal(z0.status, 200);
  t.match(await z0.json(), { state: 'ok', healthy: true, sessions: 0, maxSessions: 1 });

  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp' })]);
  const started = waitFor(m, 'recordingStarted');
  const call = twoParty();
  m.startRecording(call);
  await started;
  const h1 = await srs.health();
  t.equal(h1.state, 'overSessions', 'at maxSessions');
  t.match(h1.problems[0].reason, /at maxSessions 1/);
  const o1 = await options(srs);
  t.equal(o1.status, 503, 'OPTIONS 503 at maxSessions');
  t.match(o1.text, /Retry-After: 5/i);
  const z1 = await fetch(`${http.url}/healthz`);
  t.equal(z1.status, 503);
  t.equal(z1.headers.get('retry-after'), '5');
  t.match(await z1.json(), { state: 'overSessions', healthy: false });
  await m.stopRecording(call.callId);

  const full = await startSrs(t, { statfs: lowDisk, minFreeDiskBytes: 1 << 20, diskCheckIntervalMs: 2000 });
  const h2 = await full.health();
  t.equal(h2.state, 'lowDisk');
  t.equal(h2.freeDiskBytes, 40960);
  t.equal(h2.retryAfter, 2, 'Retry-After: the disk check interval');
  const o2 = await options(full);
  t.equal(o2.status, 503);
  t.match(o2.text, /^SIP\/2\.0 503 Insufficient disk space/);

  const pairs = portRange(4); // two pairs
  const tight = await startSrs(t, { rtpPortMin: pairs.min, rtpPortMax: pairs.max });
  t.equal((await tight.health()).state, 'ok', 'two free pairs are enough for a recording');
  const mt = await startManager(t, [entry([tight.uri('tcp')], { transport: 'tcp' })]);
  const onTight = waitFor(mt, 'recordingStarted');
  mt.startRecording(twoParty());
  await onTight;
  const h3 = await tight.health();
  t.equal(h3.state, 'noPorts', 'both pairs in use');
  t.match(h3.problems[0].reason, /0 of 2 RTP port pairs free/);
});

t.test('drain: refuses new recordings, live ones run to their BYE, the rest is cut at the timeout', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp', optionsIntervalSeconds: 0 })]);
  const calls = [twoParty(), twoParty()];
  for (const c of calls) {
    const p = waitFor(m, 'recordingStarted', (e) => e.callId === c.callId);
    const rec = m.startRecording(c);
    await p;
    await feed(rec, 200);
  }
  const events: Payload[] = [];
  srs.on('drainStarted', (e) => events.push(['start', e]));
  srs.on('drainEnded', (e) => events.push(['end', e]));
  const drained = srs.drain({ timeoutMs: 1500 });
  t.equal(srs.drain(), drained, 'a second call returns the same drain');
  t.same(events[0], ['start', { live: 2, timeoutMs: 1500 }], 'drainStarted');
  t.equal((await srs.health()).state, 'draining');
  const o = await options(srs);
  t.equal(o.status, 503, 'OPTIONS 503 while draining');
  t.match(o.text, /^SIP\/2\.0 503 Draining/);
  t.match(o.text, /Retry-After: [12]\r\n/i, 'Retry-After: what is left of the drain');

  const refused = waitFor(m, 'recordingFailed');
  m.startRecording(twoParty());
  const f = await refused;
  t.equal(f.statusCode, 503, 'a new INVITE gets 503');

  const stopped = waitFor(m, 'recordingStopped', (e) => e.callId === calls[0].callId);
  await m.stopRecording(calls[0].callId);
  await stopped;
  const cut = waitFor(m, 'recordingStopped', (e) => e.callId === calls[1].callId);
  const r = await drained;
  t.match(r, { live: 2, endedByBye: 1, cutAtTimeout: 1, endedOtherwise: 0, timedOut: true });
  t.ok(r.durationMs >= 1400 && r.durationMs < 5000, `took the timeout (${r.durationMs} ms)`);
  t.same(events[1], ['end', r], 'drainEnded carries the result');
  t.equal((await cut).reason, 'RemoteBye', 'the SRS sent BYE at the timeout');
  const recs = listRecordings(srs.settings.dir);
  t.equal(recs.length, 2);
  t.same(recs.map((x) => x.index.state), ['complete', 'complete'], 'both stored complete');
  t.same(recs.map((x) => x.index.endReason).sort(), ['bye', 'drain']);
  t.same(recs.map((x) => x.index.endDetail).filter((d) => d !== undefined), ['drain timeout (1500 ms)'], 'the words of the SRS\'s own end');
  const st = srs.stats();
  t.match(st, { liveSessions: 0, recordingsStarted: 2, recordingsCompleted: 2, draining: true, ended: { bye: 1, drain: 1 }, rejected: { 503: 1 } });

  const idle = await startSrs(t);
  const r2 = await idle.drain({ timeoutMs: 60000 });
  t.match(r2, { live: 0, endedByBye: 0, cutAtTimeout: 0, timedOut: false }, 'nothing live: done at once');
});

t.test('/metrics: promtool-clean, values move with a recording, one registry per Srs', async (t) => {
  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (promtool.error) {
    t.fail('promtool is not installed: apt-get install -y prometheus (scripts/install-interop-tools.sh installs it)');
    return;
  }
  const a = await startSrs(t);
  const b = await startSrs(t);
  const ha = await startSrsHttp(a, { port: 0 });
  const hb = await startSrsHttp(b, { port: 0 });
  t.teardown(() => Promise.all([ha.close(), hb.close()]));
  const scrape = async (url: string): Promise<string> => {
    const res = await fetch(`${url}/metrics`);
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const value = (text: string, name: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? NaN : Number(line.split(' ')[1]);
  };
  const before = await scrape(ha.url);
  t.equal(value(before, 'tsip_srs_recordings_started_total'), 0);
  t.match(before, /nodejs_eventloop_lag_seconds /, 'default metrics: event-loop lag');

  const m = await startManager(t, [entry([a.uri('tcp')], { transport: 'tcp' })]);
  const started = waitFor(m, 'recordingStarted');
  const call = twoParty();
  const rec = m.startRecording(call);
  await started;
  const sent = await feed(rec, 600);
  const mid = await scrape(ha.url);
  t.equal(value(mid, 'tsip_srs_live_sessions'), 1, 'one live session');
  t.ok(value(mid, 'tsip_srs_rtp_packets_received_total') > 0, 'packets counted while live');
  const ended = waitFor(a, 'sessionEnded');
  await m.stopRecording(call.callId);
  await ended;
  const after = await scrape(ha.url);
  t.equal(value(after, 'tsip_srs_recordings_started_total'), 1);
  t.equal(value(after, 'tsip_srs_recordings_completed_total'), 1);
  t.equal(value(after, 'tsip_srs_live_sessions'), 0);
  t.ok(value(after, 'tsip_srs_rtp_packets_received_total') >= value(mid, 'tsip_srs_rtp_packets_received_total'), 'a counter never goes back');
  t.ok(value(after, 'tsip_srs_rtp_packets_received_total') >= sent * 0.9, `RTP packets: ${value(after, 'tsip_srs_rtp_packets_received_total')} of ${sent} sent`);
  t.equal(value(after, 'tsip_srs_rtp_received_bytes_total'), value(after, 'tsip_srs_rtp_packets_received_total') * 172, 'RTP bytes: 12 + 160 each');
  t.ok(value(after, 'tsip_srs_files_written_total') >= 4, 'index, metadata and two WAVs');
  t.ok(value(after, 'tsip_srs_written_bytes_total') > 0, 'bytes written');
  t.ok(value(after, 'tsip_srs_disk_free_bytes') > 0, 'disk free');
  t.match(after, /tsip_srs_recordings_ended_total\{reason="bye"\} 1/);
  t.match(after, /tsip_srs_health_state\{state="ok"\} 1/);
  t.match(after, /tsip_srs_sip_transactions\{kind="serverInvite"\} \d+/);
  // the OS's drops on a full UDP receive buffer: told on Linux only, and none in this quiet test
  if (process.platform === 'linux') t.match(after, /tsip_srs_sip_transport_dropped_total\{reason="udpKernel"\} 0\n/);
  else t.notMatch(after, /reason="udpKernel"/);
  t.ok(value(after, 'tsip_srs_sip_stream_messages_received_total') + value(after, 'tsip_srs_sip_datagrams_received_total') >= 3, 'SIP stack counters: INVITE, ACK, BYE at least', { sip: after.split('\n').filter((l) => l.startsWith('tsip_srs_sip')) });
  t.equal(value(await scrape(hb.url), 'tsip_srs_recordings_started_total'), 0, 'the other Srs has its own registry');

  // a BYE for a dialog the SRS never had: 481 without a transaction (RFC 3261 §8.2.7), counted
  const udpPort = a.addresses.find((x) => x.protocol === 'udp')!.port;
  const stray = await exchange(udpPort, [
    `BYE sip:srs@127.0.0.1:${udpPort} SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bKstray1;rport',
    'Max-Forwards: 70',
    'From: <sip:src@127.0.0.1>;tag=src1',
    `To: <sip:srs@127.0.0.1:${udpPort}>;tag=never-issued`,
    'Call-ID: stray-bye@127.0.0.1',
    'CSeq: 2 BYE',
    'Content-Length: 0',
    '',
    '',
  ].join('\n'));
  t.equal(stray?.status, 481, 'a stray BYE gets 481');
  t.match(await scrape(ha.url), /tsip_srs_sip_refused_total\{status="481",reason="refusal"\} 1/, 'the stateless refusal is counted by status');
  t.match(after, /\ntsip_srs_sip_ack_waits_given_up_total 0\n/, 'no 2xx given up for a new INVITE');

  const check = spawnSync('promtool', ['check', 'metrics'], { input: after, encoding: 'utf8' });
  t.equal(check.status, 0, 'promtool check metrics: clean', { stdout: check.stdout, stderr: check.stderr });
  t.equal(check.stdout.trim() + check.stderr.trim(), '', 'no lint warnings');

  // the drain's refusals are counted by status code
  void a.drain({ timeoutMs: 1000 });
  const refused = waitFor(m, 'recordingFailed');
  m.startRecording(twoParty());
  await refused;
  await sleep(50);
  const drained = await scrape(ha.url);
  t.match(drained, /tsip_srs_sessions_rejected_total\{code="503"\} 1/);
  t.equal(value(drained, 'tsip_srs_draining'), 1);
  t.match(drained, /tsip_srs_health_state\{state="draining"\} 1/);
});

t.test('an SRS whose SIP port is taken does not start, and says which address and why', async (t) => {
  const taken = createSocket('udp4');
  await new Promise<void>((r) => taken.bind(0, '127.0.0.1', r));
  t.teardown(() => taken.close());
  const port = taken.address().port;
  const srs = new Srs({ host: '127.0.0.1', port, dir: join(tmpdir(), 'tsip-srs-never-started'), signalingOnly: true });
  await t.rejects(srs.start(), { message: new RegExp(`^SRS could not bind its SIP sockets: bind udp 127\\.0\\.0\\.1:${port}: EADDRINUSE`) });
  await srs.shutdown();
});
