/**
 * Failover along the SRS list (OpenSIPS semantics), skipFailoverCodes, and the SRS's refusals:
 * 400 (bad metadata), 486 (session limit), 488 (codec), 503 (no media ports).
 */
import t from 'tap';
import { freeSipPort } from '../../../lib/siprec/common/ports.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, exclusivePorts, startManager, startSrs, twoParty, waitFor } from './helpers.js';

t.test('first SRS answers 503, second records', async (t) => {
  const busy = await startSrs(t, await exclusivePorts(2)); // one port pair: two streams cannot fit
  const good = await startSrs(t);
  const m = await startManager(t, [entry([busy.uri(), good.uri()])]);
  const p = waitFor(m, 'recordingStarted');
  const rej = waitFor(busy, 'sessionRejected');
  m.startRecording(twoParty());
  const e = await p;
  t.equal((await rej).statusCode, 503);
  t.equal(e.srs, good.uri());
  t.same(e.attempts.map((a: { outcome: string; statusCode?: number }) => [a.outcome, a.statusCode]), [['Response', 503], ['Accepted', 200]]);
  t.equal(good.activeSessions, 1);
  t.equal(busy.activeSessions, 0);
});

for (const tp of ['udp', 'tcp'] as const) {
  t.test(`first SRS not listening (${tp}), second records`, async (t) => {
    const good = await startSrs(t);
    const dead = await freeSipPort('127.0.0.1');
    const deadUri = `sip:srs@127.0.0.1:${dead}${tp === 'tcp' ? ';transport=tcp' : ''}`;
    const m = await startManager(t, [entry([deadUri, good.uri(tp)], { inviteTimeoutMs: 1500 })]);
    const p = waitFor(m, 'recordingStarted', () => true, 15000);
    m.startRecording(twoParty());
    const e = await p;
    t.equal(e.srs, good.uri(tp));
    t.ok(['TransportError', 'Timeout'].includes(e.attempts[0].outcome), `first attempt: ${e.attempts[0].outcome}`);
  });
}

t.test('SRS that never answers: our invite timeout fails over', async (t) => {
  const good = await startSrs(t);
  // A TCP listener that takes the INVITE (too big for UDP anyway) and never answers.
  const { createServer } = await import('node:net');
  const conns: import('node:net').Socket[] = [];
  const sink = createServer((c) => { conns.push(c); c.on('data', () => undefined); });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => { for (const c of conns) c.destroy(); sink.close(); });
  const silent = `sip:srs@127.0.0.1:${(sink.address() as { port: number }).port};transport=tcp`;
  const m = await startManager(t, [entry([silent, good.uri()], { inviteTimeoutMs: 800 })], { t1: 500 });
  const t0 = Date.now();
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(twoParty());
  const e = await p;
  t.same(e.attempts.map((a: { outcome: string }) => a.outcome), ['Timeout', 'Accepted']);
  t.ok(Date.now() - t0 < 5000, 'well before Timer B (32 s)');
});

t.test('skipFailoverCodes: a matching code stops the failover and the call is not recorded', async (t) => {
  const busy = await startSrs(t, await exclusivePorts(2));
  const good = await startSrs(t);
  for (const skip of ['50[0-9]', [503]] as const) {
    const m = await startManager(t, [entry([busy.uri(), good.uri()], { skipFailoverCodes: skip as string | number[], name: `skip-${typeof skip}` })]);
    const p = waitFor(m, 'recordingFailed');
    m.startRecording(twoParty());
    const e = await p;
    t.equal(e.reason, 'Rejected', `skip ${JSON.stringify(skip)}`);
    t.equal(e.statusCode, 503);
    t.equal(e.attempts.length, 1, 'second SRS never tried');
    t.equal(good.activeSessions, 0);
  }
  const m2 = await startManager(t, [entry([busy.uri(), good.uri()], { skipFailoverCodes: '408|487', name: 'noskip' })]);
  const p2 = waitFor(m2, 'recordingStarted');
  m2.startRecording(twoParty());
  t.equal((await p2).srs, good.uri(), 'a non-matching code still fails over');
});

t.test('SRS refusals: 400 bad metadata, 486 busy, 488 codec, 503 ports', async (t) => {
  const cases: { name: string; srs: Parameters<typeof startSrs>[1]; entryExtra?: Parameters<typeof entry>[1]; status: number; pre?: boolean }[] = [
    { name: 'bad metadata', srs: {}, entryExtra: { metadataExtensions: { sessionExtension: '<broken attr=">' } }, status: 400 },
    { name: 'codec', srs: { codecs: ['G722'] }, status: 488 },
    { name: 'ports', srs: await exclusivePorts(2), status: 503 },
    { name: 'busy', srs: { maxSessions: 1 }, status: 486, pre: true },
  ];
  for (const c of cases) {
    const srs = await startSrs(t, c.srs);
    const m = await startManager(t, [entry([srs.uri()], { name: c.name, ...(c.entryExtra ?? {}) })]);
    if (c.pre) {
      const ok = waitFor(m, 'recordingStarted');
      m.startRecording(twoParty());
      await ok;
    }
    const p = waitFor(m, 'recordingFailed');
    const rej = waitFor(srs, 'sessionRejected');
    m.startRecording(twoParty());
    const e = await p;
    t.equal(e.reason, 'AllSrsFailed', c.name);
    t.equal(e.statusCode, c.status, `${c.name}: ${c.status}`);
    t.equal((await rej).statusCode, c.status);
    t.equal(m.recording(e.callId), undefined, 'failed call released');
  }
});

t.test('large metadata over TCP (RFC 3261 §18.1.1)', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp' })]);
  const participants = Array.from({ length: 80 }, (_, i) => ({ key: `p${i}`, aor: `sip:participant-${i}-with-a-long-user-part@conference.example.com`, name: `Participant number ${i} of a large conference` }));
  const call = twoParty({ participants, streams: [{ label: '1', sender: 'p0' }, { label: '2', sender: 'p1' }] });
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  await p;
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.participants.length, 80);
  const { statSync } = await import('node:fs');
  const size = statSync(`${r.dir}/${r.index.metadataFiles[0]}`).size;
  t.ok(size > 30000, `metadata of ${size} bytes carried`);
});

t.test('two SRS entries: every call is recorded by both, each on its own user agent', async (t) => {
  const a = await startSrs(t);
  const b = await startSrs(t);
  const m = await startManager(t, [entry([a.uri()], { name: 'A' }), entry([b.uri()], { name: 'B' })]);
  t.not(m.userAgents[0].contact, m.userAgents[1].contact, 'separate local endpoints');
  const got: string[] = [];
  const both = new Promise<void>((resolve) => m.on('recordingStarted', (e) => { got.push(e.srsName); if (got.length === 2) resolve(); }));
  const call = twoParty();
  const rec = m.startRecording(call);
  await both;
  t.same(got.sort(), ['A', 'B']);
  t.equal(rec.forward('1', Buffer.concat([Buffer.from([0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 5]), Buffer.alloc(160, 0xff)])), 2, 'a packet goes to both SRSs');
  const stops: string[] = [];
  m.on('recordingStopped', (e) => stops.push(e.srsName));
  const recordingClosed = Promise.all([waitFor(a, 'sessionEnded'), waitFor(b, 'sessionEnded')]); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  t.same(stops.sort(), ['A', 'B']);
  t.equal(listRecordings(a.settings.dir).length, 1);
  t.equal(listRecordings(b.settings.dir).length, 1);
});
