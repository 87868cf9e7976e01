/**
 * SIPREC timers on a FakeClock, end to end over loopback sockets: the SRC's own INVITE timeout
 * (failover to the next SRS), the OPTIONS keep-alive (down at Timer F, a new round each
 * interval), and the SRS's `maxRecordingSeconds`. Time moves only when the test moves it, so
 * minutes of protocol time take milliseconds; the sockets stay real.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import t from 'tap';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { entry, sleep, startManager, startSrs, twoParty, waitFor, type Payload } from './helpers.js';

/** Polls (real time, bounded) until `cond` holds: the exchanges themselves are real I/O. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (let i = 0; i < ms / 10 && !cond(); i++) await sleep(10);
}

t.test('INVITE timeout (inviteTimeoutMs) on the clock: a silent SRS is failed over at exactly the setting', async (t) => {
  const good = await startSrs(t);
  // A TCP listener that takes the INVITE and never answers.
  const conns: Socket[] = [];
  let bytes = 0;
  const sink = createServer((c) => { conns.push(c); c.on('data', (d: Buffer) => { bytes += d.length; }); });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => { for (const c of conns) c.destroy(); sink.close(); });
  const silent = `sip:srs@127.0.0.1:${(sink.address() as { port: number }).port};transport=tcp`;
  const clock = new FakeClock();
  // T1 500: Timer B (32 s) comes after our own 20 s bound
  const m = await startManager(t, [entry([silent, good.uri()], { inviteTimeoutMs: 20_000 })], { t1: 500, clock });
  const events: Payload[] = [];
  m.on('recordingStarted', (e) => events.push(e));
  m.on('recordingFailed', (e) => events.push(e));
  m.startRecording(twoParty());
  await until(() => bytes > 0);
  t.ok(bytes > 0, 'the INVITE reached the silent SRS');
  clock.advance(19_999);
  await sleep(200);
  t.same(events, [], 'still waiting at 20 s - 1 ms');
  const started = waitFor(m, 'recordingStarted');
  clock.advance(1);
  const e = await started;
  t.same(e.attempts.map((a: { outcome: string }) => a.outcome), ['Timeout', 'Accepted'], 'timed out, then the next SRS');
  t.equal(e.srs, good.uri());
});

t.test('OPTIONS keep-alive on the clock: down at Timer F, a new round every optionsIntervalSeconds', async (t) => {
  // A UDP SRS that never answers; each OPTIONS round has its own Call-ID (retransmissions share it).
  const sink = createSocket('udp4');
  const rounds = new Set<string>();
  sink.on('message', (msg) => {
    const text = msg.toString('latin1');
    if (!text.startsWith('OPTIONS ')) return;
    const callId = /^(?:Call-ID|i)\s*:\s*(.+)$/im.exec(text)?.[1]?.trim();
    if (callId !== undefined) rounds.add(callId);
  });
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => sink.close());
  const uri = `sip:srs@127.0.0.1:${sink.address().port}`;
  const clock = new FakeClock();
  const m = await startManager(t, [entry([uri], { optionsIntervalSeconds: 30 })], { t1: 100, clock }); // Timer F = 64*T1 = 6.4 s
  const states: Payload[] = [];
  m.on('srsStateChanged', (e) => states.push(e));
  await until(() => rounds.size === 1);
  t.equal(rounds.size, 1, 'the first OPTIONS at start');
  clock.advance(6399);
  await sleep(100);
  t.same(states, [], 'up until Timer F');
  clock.advance(1);
  await until(() => states.length === 1);
  t.match(states, [{ srs: uri, up: false }], 'down once the OPTIONS timed out');
  clock.advance(30_000 - 6400 - 1);
  await sleep(100);
  t.equal(rounds.size, 1, 'no second round before the interval');
  clock.advance(1);
  await until(() => rounds.size === 2);
  t.equal(rounds.size, 2, 'the next round at 30 s');
});

t.test('maxRecordingSeconds on the clock: BYE at exactly the limit, the index complete', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t, { clock, maxRecordingSeconds: 600 });
  const m = await startManager(t, [entry([srs.uri()])]);
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(twoParty());
  await p;
  await sleep(300); // the ACK (real sockets) reaches the SRS before its time moves past 64*T1
  let ended: Payload | undefined;
  srs.on('sessionEnded', (e) => { ended = e; });
  clock.advance(599_999);
  await sleep(200);
  t.equal(ended, undefined, 'still recording at 10 min - 1 ms');
  const stopped = waitFor(m, 'recordingStopped');
  clock.advance(1);
  t.equal((await stopped).reason, 'RemoteBye', 'the SRS ended it with BYE');
  await until(() => ended !== undefined);
  t.match(ended, { reason: 'limit', limit: 'maxRecordingSeconds', failure: 'maxRecordingSeconds (600 s) reached' });
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.equal(r.index.endReason, 'limit');
  t.equal(r.index.endDetail, 'maxRecordingSeconds (600 s) reached');
});
