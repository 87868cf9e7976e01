/**
 * SRS-initiated recording sessions (RFC 7866 §6.2): an SRS built on the public API sends an
 * offer-less INVITE with Require: siprec and +sip.srs to the SRC; the SrcManager's policy names
 * the call; the SRC's 2xx carries its offer and metadata, the SRS answers in the ACK, and the RS
 * then behaves like an SRC-initiated one (media, pause, stop with BYE, events).
 */
import t, { type Test } from 'tap';
import type { CallParams, SrsInitiatedRequest } from '../../../include-types/siprec.js';
import { parseSdp } from '../../../lib/message/index.js';
import { syntheticCall } from '../../../lib/siprec/media/index.js';
import { SrcManager } from '../../../lib/siprec/src/index.js';
import { ApiSrs, testPorts, until, waitEvent } from './api-srs.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ev = any;

function call(callId: string): CallParams {
  return {
    callId,
    participants: [{ key: 'alice', aor: 'sip:alice@example.com' }, { key: 'bob', aor: 'sip:bob@example.net' }],
    streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
  };
}

async function manager(t: Test, srsUri: string, policy?: (r: SrsInitiatedRequest) => CallParams | string | undefined, entries = 1): Promise<SrcManager> {
  const srs = Array.from({ length: entries }, (_, i) => {
    const r = testPorts();
    return { name: `e${i + 1}`, srsUris: [srsUri], localAddress: '127.0.0.1', inviteTimeoutMs: 3000, media: { portMin: r.min, portMax: r.max, rtcpIntervalMs: 200 } };
  });
  const m = new SrcManager({ t1: 100, srs, ...(policy ? { acceptSrsInitiated: policy } : {}) });
  await m.start();
  t.teardown(() => m.shutdown());
  return m;
}

/** The SIP URI of an entry's user agent (its Contact without +sip.src). */
function srcUri(m: SrcManager, i = 0): string {
  return /<([^>]+)>/.exec(m.userAgents[i].contact)![1];
}

t.test('default: an SRS-initiated INVITE is refused with 488', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const m = await manager(t, srs.uri);
  const r = await srs.invite(srcUri(m));
  t.equal(r.status, 488);
  t.equal(m.userAgents[0].activeRecordings, 0);
});

t.test('accepted: offer and metadata in the 2xx, answer in the ACK, media, pause, stop', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const cs = call(`srs-init-${process.pid}@test`);
  const asked: SrsInitiatedRequest[] = [];
  const m = await manager(t, srs.uri, (req) => {
    asked.push(req);
    return req.header('X-Record-Call') === cs.callId ? cs : undefined;
  });
  const started = waitEvent<Ev>(m, 'recordingStarted');
  const r = await srs.invite(srcUri(m), { headers: [['X-Record-Call', cs.callId]] });
  t.equal(r.status, 200);
  t.match(r.contact, /\+sip\.src/, 'the SRC marks its Contact with +sip.src');
  t.equal(asked.length, 1);
  t.equal(asked[0].srsName, 'e1');
  t.match(asked[0].contact, /\+sip\.srs/);
  t.same(asked[0].calls, []);
  const offer = parseSdp(r.sdp!);
  t.same(offer.media.map((x) => [x.label, x.direction]), [['1', 'sendonly'], ['2', 'sendonly']], 'one sendonly m-line per stream');
  t.match(r.metadata, /sip:alice@example\.com/, 'complete metadata in the 2xx');
  t.match(r.metadata, /<datamode>complete<\/datamode>/);
  const e = await started;
  t.equal(e.callId, cs.callId);
  t.equal(e.srsInitiated, true);
  t.equal(e.srs, 'sip:srs@127.0.0.1');
  t.same(e.streams.map((s: { accepted: boolean }) => s.accepted), [true, true]);
  const rec = m.recording(cs.callId)!;
  t.ok(rec, 'the app\'s handle');
  let sent = 0;
  for await (const p of syntheticCall({ durationMs: 200 })) sent += rec.forward(p.party === 0 ? '1' : '2', p.bytes);
  await until(() => (srs.rtp.get('1')?.length ?? 0) + (srs.rtp.get('2')?.length ?? 0) === sent);
  t.ok(sent > 0, 'RTP reached the SRS sockets from the answer in the ACK');
  t.throws(() => m.startRecording(cs), RangeError, 'the call is known to the manager');
  t.ok(await m.pauseRecording(cs.callId), 'pause by re-INVITE in the SRS\'s dialog');
  const reinvite = srs.requests('INVITE').at(-1)!;
  t.match(reinvite.body, /a=inactive/);
  t.ok(await m.resumeRecording(cs.callId));
  const stopped = waitEvent<Ev>(m, 'recordingStopped');
  await m.stopRecording(cs.callId);
  const st = await stopped;
  t.equal(st.reason, 'Stopped');
  t.equal(st.byeStatusCode, 200);
  t.ok(srs.requests('BYE').length === 1, 'BYE from the SRC');
  t.equal(m.recording(cs.callId), undefined, 'forgotten once ended');
});

t.test('policy naming a call being recorded: this entry records it too; unknown call 404; twice 486', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const other = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => other.close());
  const cs = call(`srs-init-known-${process.pid}@test`);
  // The entry records the call to `other`; `srs` then asks the same entry for it.
  const m = await manager(t, other.uri, (req) => req.header('X-Record-Call'), 1);
  const started = waitEvent<Ev>(m, 'recordingStarted');
  const rec = m.startRecording(cs);
  await started;
  t.equal((await srs.invite(srcUri(m), { headers: [['X-Record-Call', 'nope']] })).status, 404, 'unknown call');
  t.equal((await srs.invite(srcUri(m), { headers: [['X-Record-Call', cs.callId]] })).status, 486, 'already recorded by this entry');
  await m.stopRecording(cs.callId);
  t.equal(m.recording(cs.callId), undefined);
  t.equal(rec.forward('1', await firstPacket()), 0);
});

t.test('a call named by Call-ID and recorded by the other entry: the SRS-initiated RS joins it', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const cs = call(`srs-init-join-${process.pid}@test`);
  const m = await manager(t, srs.uri, (req) => (req.calls.includes(req.header('X-Record-Call') ?? '') ? req.header('X-Record-Call') : undefined), 2);
  const both = new Promise<void>((resolve) => { let n = 0; m.on('recordingStarted', () => { if (++n === 2) resolve(); }); });
  const rec = m.startRecording(cs);
  await both;
  // e2's SRC-initiated RS ends; the SRS then asks e2 for the call again.
  await m.userAgents[1].stop(cs.callId);
  const again = waitEvent<Ev>(m, 'recordingStarted', (e) => e.srsInitiated === true);
  const r = await srs.invite(srcUri(m, 1), { headers: [['X-Record-Call', cs.callId]] });
  t.equal(r.status, 200);
  const e = await again;
  t.equal(e.srsName, 'e2');
  t.equal(rec.forward('1', (await firstPacket())), 2, 'the app\'s handle now feeds both entries');
  await m.stopRecording(cs.callId);
});

async function firstPacket(): Promise<Buffer> {
  for await (const p of syntheticCall({ durationMs: 40 })) return p.bytes;
  throw new Error('no packet');
}

t.test('ACK without an answer: BYE from the SRC, recordingFailed NoStreamsAccepted', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const cs = call(`srs-init-noanswer-${process.pid}@test`);
  const m = await manager(t, srs.uri, () => cs);
  const failed = waitEvent<Ev>(m, 'recordingFailed');
  const r = await srs.invite(srcUri(m), { ackAnswer: false });
  t.equal(r.status, 200);
  const f = await failed;
  t.equal(f.reason, 'NoStreamsAccepted');
  await until(() => srs.requests('BYE').length === 1);
  t.pass('BYE arrived');
  t.equal(m.recording(cs.callId), undefined);
  t.equal(m.userAgents[0].activeRecordings, 0);
});

t.test('not a recording session (no +sip.srs / Require), with or without an offer: 488 even with a policy', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  let asked = 0;
  const m = await manager(t, srs.uri, () => { asked++; return call('x@test'); });
  t.equal((await srs.invite(srcUri(m), { siprec: false })).status, 488);
  const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=recvonly\r\n';
  t.equal((await srs.invite(srcUri(m), { offer, siprec: false })).status, 488, 'an INVITE with an offer (offers with the marks: src-srs-initiated-offer.test.ts)');
  t.equal(asked, 0, 'the policy is not asked');
});

t.test('SRS BYE ends an SRS-initiated session: recordingStopped RemoteBye', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const cs = call(`srs-init-bye-${process.pid}@test`);
  const m = await manager(t, srs.uri, () => cs);
  const started = waitEvent<Ev>(m, 'recordingStarted');
  await srs.invite(srcUri(m));
  await started;
  const stopped = waitEvent<Ev>(m, 'recordingStopped');
  await srs.byeAll();
  t.equal((await stopped).reason, 'RemoteBye');
  await until(() => m.userAgents[0].activeRecordings === 0);
  t.same(m.userAgents[0].liveObjects(), { SipConnection: 1 }, 'nothing left but the connection');
});

t.test('no ACK for the 2xx: recordingFailed AllSrsFailed (outcome Timeout), BYE from the API', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const cs = call(`srs-init-noack-${process.pid}@test`);
  const m = await manager(t, srs.uri, () => cs);
  const failed = waitEvent<Ev>(m, 'recordingFailed', () => true, 15000);
  t.equal((await srs.invite(srcUri(m), { ack: false })).status, 200);
  const f = await failed;
  t.equal(f.reason, 'AllSrsFailed');
  t.same(f.attempts, [{ srs: 'sip:srs@127.0.0.1', outcome: 'Timeout', statusCode: 200 }]);
  await until(() => srs.requests('BYE').length === 1);
  t.equal(m.userAgents[0].activeRecordings, 0);
});
