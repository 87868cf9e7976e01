/**
 * A persistent recording session (RFC 7866 §10) lost mid-shift is opened again: the SRS's BYE
 * while two calls are attached → `reopening`, after the delay (on a FakeClock) a new INVITE whose
 * complete metadata holds both calls, `reopened`, their media flowing again; an SRS that refuses
 * → bounded attempts with a doubling delay, then `reopenFailed`; failover to the entry's next
 * URI; `close()` while waiting cancels the attempt. The SRC runs on the fake clock over TCP
 * (nothing is retransmitted on it); the SRS (built on the API) and the sockets are real.
 */
import t from 'tap';
import type { Test } from 'tap';
import { splitRecordingBody } from '../../../lib/siprec/body/index.js';
import { parseMetadata } from '../../../lib/siprec/metadata/index.js';
import type { PersistentReopenSettings } from '../../../include-types/siprec-persistent.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { ApiSrs, testPorts, until } from './api-srs.js';
import { entry, pcmuPacket, sleep, startManager, type Payload, waitFor } from './helpers.js';

/** A minimal PCMU RTP packet of this file's SSRC. */
const rtp = (seq: number): Buffer => pcmuPacket(seq, 0x4321);

function call(n: number, labels: [string, string]) {
  return {
    callId: `reopen-call-${n}-${process.pid}@test`,
    participants: [{ key: 'caller', aor: `sip:caller${n}@example.com` }, { key: 'taker', aor: 'sip:position9@psap.example' }],
    streams: [{ label: labels[0], sender: 'caller' }, { label: labels[1], sender: 'taker' }],
  };
}

async function startSrs(t: Test): Promise<ApiSrs> {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  return srs;
}

/** A manager on `clock` with one entry over `srss`, a persistent RS open on it (up). */
async function rig(t: Test, srss: ApiSrs[], reopen: PersistentReopenSettings, clock: FakeClock) {
  const m = await startManager(t, [entry(srss.map((s) => `${s.uri};transport=tcp`), { transport: 'tcp' })], { t1: 500, clock });
  const rs = m.openPersistentSession({ id: `pers-reopen-${process.pid}-${Math.random().toString(36).slice(2)}`, streams: ['a', 'b', 'c', 'd'].map((label) => ({ label })), reopen });
  const events: Payload[] = [];
  for (const ev of ['reopening', 'reopened', 'reopenFailed', 'stopped', 'failed'] as const) rs.on(ev, (e: Payload) => events.push({ ev, ...e }));
  await waitFor(rs, 'started');
  return { m, rs, events };
}

/** The calls (their Call-IDs' metadata AORs) in the complete snapshot of an INVITE the SRS got. */
function snapshotOf(srs: ApiSrs, n: number) {
  const inv = srs.requests('INVITE')[n];
  const md = splitRecordingBody(inv.contentType, Buffer.from(inv.body)).metadata!;
  const meta = parseMetadata(md);
  return { dataMode: meta.dataMode, sessions: meta.sessions.length, xml: md.toString('utf8'), labels: meta.streams.map((s) => s.label).sort() };
}

t.test('the SRS ends the RS while two calls are attached: reopened after the delay, both calls in its metadata', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t);
  const { m, rs, events } = await rig(t, [srs], { initialDelayMs: 1000 }, clock);
  const c1 = call(1, ['a', 'b']);
  const c2 = call(2, ['c', 'd']);
  t.equal(await rs.attachCall(c1), true);
  t.equal(await rs.attachCall(c2), true);
  t.equal(snapshotOf(srs, 0).sessions, 0, 'the first INVITE had no CS (RFC 7866 §10)');

  await srs.byeAll();
  await until(() => events.some((e) => e.ev === 'reopening'));
  t.match(events, [{ ev: 'stopped', reason: 'RemoteBye' }, { ev: 'reopening', srsName: 'e1', attempt: 1, maxAttempts: 5, delayMs: 1000, reason: 'RemoteBye' }]);
  t.equal(m.recordingIndication(c1.callId), 'off', 'not recorded while the RS is down');
  t.equal(rs.forward('a', rtp(1)), 0, 'no RS: nothing forwarded');
  t.same(rs.attachedCalls, [c1.callId, c2.callId], 'the calls stay attached');

  clock.advance(999);
  await sleep(150);
  t.equal(srs.requests('INVITE').length, 1, 'no new INVITE before the delay');
  const reopened = waitFor(rs, 'reopened');
  clock.advance(1);
  const e = await reopened;
  t.match(e, { id: rs.id, srsName: 'e1', attempt: 1, srs: `${srs.uri};transport=tcp`, callIds: [c1.callId, c2.callId] });
  t.equal(srs.requests('INVITE').length, 2, 'one new INVITE');
  const snap = snapshotOf(srs, 1);
  t.equal(snap.dataMode, 'complete');
  t.equal(snap.sessions, 2, 'both CSs in the new RS\'s complete metadata');
  t.ok(snap.xml.includes('sip:caller1@example.com') && snap.xml.includes('sip:caller2@example.com'), 'with their participants');
  t.same(snap.labels, ['a', 'b', 'c', 'd'], 'their streams on the RS labels');
  t.equal(m.recordingIndication(c1.callId), 'on', 'indication on again');
  t.equal(m.recordingIndication(c2.callId), 'on');
  t.equal(rs.forward('a', rtp(2)), 1, 'call 1\'s media goes to the new RS');
  t.equal(rs.forward('d', rtp(3)), 1, 'call 2\'s too');
  await until(() => (srs.rtp.get('a')?.length ?? 0) > 0 && (srs.rtp.get('d')?.length ?? 0) > 0);
  t.ok(m.recording(rs.id), 'the RS key is known to the manager again');

  // detached after the reopen: a partial update on the new RS, as before
  t.equal(await rs.detachCall(c1.callId), true);
  t.same(rs.attachedCalls, [c2.callId]);
  await rs.close();
  t.equal(events.filter((x) => x.ev === 'reopening').length, 1, 'close() does not reopen');
});

t.test('an SRS that refuses: bounded attempts with a doubling delay, then reopenFailed', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t);
  const { rs, events } = await rig(t, [srs], { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 800 }, clock);
  const c1 = call(3, ['a', 'b']);
  t.equal(await rs.attachCall(c1), true);
  srs.refuseInvites = 503;
  await srs.byeAll();
  for (let i = 1; i <= 3; i++) {
    await until(() => events.filter((e) => e.ev === 'reopening').length === i);
    const next = events.filter((e) => e.ev === 'reopening')[i - 1];
    t.match(next, { attempt: i, maxAttempts: 3, delayMs: [500, 800, 800][i - 1], reason: i === 1 ? 'RemoteBye' : 'AllSrsFailed' }, `attempt ${i} scheduled`);
    if (i > 1) t.equal(next.statusCode, 503, 'the refusal\'s status');
    clock.advance(next.delayMs);
    await until(() => srs.requests('INVITE').length === 1 + i);
  }
  await until(() => events.some((e) => e.ev === 'reopenFailed'));
  t.match(events.find((e) => e.ev === 'reopenFailed'), { id: rs.id, srsName: 'e1', attempts: 3, reason: 'AllSrsFailed', statusCode: 503, callIds: [c1.callId] });
  t.equal(events.filter((e) => e.ev === 'failed').length, 3, 'each refused attempt is a failed event');
  clock.advance(120_000);
  await sleep(150);
  t.equal(srs.requests('INVITE').length, 4, 'no attempt after the last');
  t.equal(rs.isUp, false);
  t.same(rs.attachedCalls, [c1.callId], 'the call stays attached (the app detaches it)');
});

t.test('reopen fails over to the entry\'s next SRS URI, as any recording start does', async (t) => {
  const clock = new FakeClock();
  const a = await startSrs(t);
  const b = await startSrs(t);
  const { rs } = await rig(t, [a, b], { initialDelayMs: 100 }, clock);
  const c1 = call(4, ['a', 'b']);
  t.equal(await rs.attachCall(c1), true);
  a.refuseInvites = 503;
  const reopening = waitFor(rs, 'reopening');
  await a.byeAll();
  clock.advance((await reopening).delayMs);
  const e = await waitFor(rs, 'reopened');
  t.equal(e.srs, `${b.uri};transport=tcp`, 'the second URI took it');
  t.same(e.callIds, [c1.callId]);
  t.equal(snapshotOf(b, 0).sessions, 1, 'the call in its metadata');
  t.equal(rs.forward('a', rtp(1)), 1, 'media to the new SRS');
});

t.test('close() while waiting cancels the attempt; reopen.maxAttempts 0 never reopens', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t);
  const { rs } = await rig(t, [srs], { initialDelayMs: 1000 }, clock);
  const reopening = waitFor(rs, 'reopening');
  await srs.byeAll();
  await reopening;
  await rs.close();
  clock.advance(60_000);
  await sleep(150);
  t.equal(srs.requests('INVITE').length, 1, 'no INVITE after close()');

  const srs2 = await startSrs(t);
  const r2 = await rig(t, [srs2], { maxAttempts: 0 }, clock);
  await srs2.byeAll();
  await until(() => r2.events.some((e) => e.ev === 'stopped'));
  clock.advance(60_000);
  await sleep(150);
  t.same(r2.events.map((e) => e.ev), ['stopped'], 'stopped, nothing more');
  t.equal(srs2.requests('INVITE').length, 1);
  t.throws(() => r2.m.openPersistentSession({ streams: [{ label: 'x' }], reopen: { initialDelayMs: -1 } }), RangeError, 'a bad setting');
});
