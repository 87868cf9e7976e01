/**
 * SRS-initiated recording sessions whose INVITE carries the SRS's offer (RFC 7866 §6.2): the SRS
 * (built on the public API) offers recvonly m-lines; the SrcManager answers in its 2xx with
 * sendonly m-lines on the same lines (RFC 3264 §6: order kept, port 0 for what it cannot serve),
 * labelled with the recorded streams, plus the complete metadata; RTP then reaches the SRS's
 * sockets for the answered streams, and the session pauses, resumes and stops as usual. An offer
 * with nothing the SRC can send gets 488 with a reason.
 */
import t, { type Test } from 'tap';
import type { CallParams } from '../../../include-types/siprec.js';
import { parseSdp } from '../../../lib/message/index.js';
import { cryptoAttrsOf, formatCryptoAttr, keyMaterialOf, newCryptoAttr, splitRecordingBody, usableCrypto } from '../../../lib/siprec/body/index.js';
import { buildRtp, syntheticCall } from '../../../lib/siprec/media/index.js';
import { SrtpReceiver } from '../../../lib/siprec/media/srtp/index.js';
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

async function setup(t: Test, cs: CallParams, srtp?: 'AES_CM_128_HMAC_SHA1_80'): Promise<{ srs: ApiSrs; m: SrcManager; uri: string }> {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const r = testPorts();
  const m = new SrcManager({
    t1: 100,
    srs: [{ name: 'e1', srsUris: [srs.uri], localAddress: '127.0.0.1', inviteTimeoutMs: 3000, media: { portMin: r.min, portMax: r.max, rtcpIntervalMs: 200, ...(srtp ? { srtp } : {}) } }],
    acceptSrsInitiated: (req) => (req.header('X-Record-Call') === cs.callId ? cs : undefined),
  });
  await m.start();
  t.teardown(() => m.shutdown());
  return { srs, m, uri: /<([^>]+)>/.exec(m.userAgents[0].contact)![1] };
}

async function feed(m: SrcManager, srs: ApiSrs, cs: CallParams, keys: [string, string]): Promise<number> {
  const rec = m.recording(cs.callId)!;
  const got = (): number => (srs.rtp.get(keys[0])?.length ?? 0) + (srs.rtp.get(keys[1])?.length ?? 0);
  const before = got();
  let sent = 0;
  for await (const p of syntheticCall({ durationMs: 200 })) sent += rec.forward(p.party === 0 ? '1' : '2', p.bytes);
  await until(() => got() === before + sent);
  return sent;
}

t.test('labelled offer: answered on its m-lines by label, unknown label port 0, media, pause, stop', async (t) => {
  const cs = call(`srs-offer-${process.pid}@test`);
  const { srs, m, uri } = await setup(t, cs);
  const offer = await srs.offer([{ key: '2', label: '2', payloads: '8 0' }, { key: 'x', label: '9' }, { key: '1', label: '1' }]);
  const started = waitEvent<Ev>(m, 'recordingStarted');
  const r = await srs.invite(uri, { offer, headers: [['X-Record-Call', cs.callId]] });
  t.equal(r.status, 200);
  t.match(r.contact, /\+sip\.src/);
  const a = parseSdp(r.sdp!);
  t.same(a.media.map((x) => [x.label, x.direction, Number(x.port) === 0, String(x.payloads)]), [
    ['2', 'sendonly', false, '8'], [undefined, undefined, true, '0 8'], ['1', 'sendonly', false, '0'],
  ], 'same m-lines in the offer\'s order: sendonly, labelled, the SRS\'s first format; the unknown label refused');
  t.match(r.metadata, /sip:alice@example\.com/, 'complete metadata in the 2xx');
  t.match(r.metadata, /<datamode>complete<\/datamode>/);
  const e = await started;
  t.equal(e.srsInitiated, true);
  t.same(e.streams.map((s: { label: string; accepted: boolean }) => [s.label, s.accepted]), [['1', true], ['2', true]]);
  const sent = await feed(m, srs, cs, ['1', '2']);
  t.ok(sent > 0, 'RTP reached the sockets of the SRS\'s offer');
  t.equal(srs.rtp.get('x')?.length ?? 0, 0, 'nothing to the refused line');
  t.ok(srs.rtp.get('2')!.every((p) => p.payloadType === 8 || p.payloadType === 0));
  t.ok(await m.pauseRecording(cs.callId), 'pause by re-INVITE');
  const reoffer = parseSdp(srs.requests('INVITE').at(-1)!.body);
  t.same(reoffer.media.map((x) => [x.label, Number(x.port) === 0]), [['2', false], [undefined, true], ['1', false]], 'the re-offer keeps the SRS\'s m-lines');
  t.same(reoffer.media.filter((x) => Number(x.port) !== 0).map((x) => x.direction), ['inactive', 'inactive']);
  t.ok(await m.resumeRecording(cs.callId));
  t.ok(await feed(m, srs, cs, ['1', '2']) > 0, 'media again after resume, to the same sockets');
  t.ok(await m.updateRecording(cs.callId, { streamsAdded: [{ label: '3', sender: 'alice' }] }), 'a stream added');
  const last = srs.requests('INVITE').at(-1)!;
  const added = parseSdp(splitRecordingBody(last.contentType, Buffer.from(last.body)).sdp!);
  t.same(added.media.map((x) => [x.label, Number(x.port) === 0]), [['2', false], [undefined, true], ['1', false], ['3', false]], 'a new m-line at the end (RFC 3264 §8.2)');
  const rec = m.recording(cs.callId)!;
  for (let i = 0; i < 5; i++) rec.forward('3', Buffer.concat([Buffer.from([0x80, 0, 0, i, 0, 0, 0, i * 160, 0, 0, 0, 9]), Buffer.alloc(160, 0xff)]));
  await until(() => (srs.rtp.get('3')?.length ?? 0) === 5);
  t.ok(await feed(m, srs, cs, ['1', '2']) > 0, 'the first streams keep their targets');
  const stopped = waitEvent<Ev>(m, 'recordingStopped');
  await m.stopRecording(cs.callId);
  t.equal((await stopped).byeStatusCode, 200);
  t.equal(srs.requests('BYE').length, 1);
});

t.test('unlabelled offer: mapped in order; one line only records the first stream', async (t) => {
  const cs = call(`srs-offer-order-${process.pid}@test`);
  const { srs, m, uri } = await setup(t, cs);
  const started = waitEvent<Ev>(m, 'recordingStarted');
  const r = await srs.invite(uri, { offer: await srs.offer([{ key: 'a' }]), headers: [['X-Record-Call', cs.callId]] });
  t.equal(r.status, 200);
  const a = parseSdp(r.sdp!);
  t.same(a.media.map((x) => [x.label, x.direction, String(x.payloads)]), [['1', 'sendonly', '0']]);
  const e = await started;
  t.same(e.streams.map((s: { accepted: boolean }) => s.accepted), [true, false]);
  const rec = m.recording(cs.callId)!;
  let sent = 0;
  for await (const p of syntheticCall({ durationMs: 200 })) if (p.party === 0) sent += rec.forward('1', p.bytes);
  await until(() => (srs.rtp.get('a')?.length ?? 0) === sent);
  t.ok(sent > 0);
  await m.stopRecording(cs.callId);
});

t.test('unusable offers get 488 with a reason', async (t) => {
  const cs = call(`srs-offer-488-${process.pid}@test`);
  const { srs, m, uri } = await setup(t, cs);
  const failed: Ev[] = [];
  m.on('recordingFailed', (e) => failed.push(e));
  const opus = await srs.invite(uri, { offer: await srs.offer([{ key: 'o1', payloads: '96' }, { key: 'o2', payloads: '96' }]), headers: [['X-Record-Call', cs.callId]] });
  t.equal(opus.status, 488, 'no common codec');
  t.match(opus.reason, /No usable stream.*no common codec/);
  const key = formatCryptoAttr(newCryptoAttr(1, 'AES_CM_128_HMAC_SHA1_80'));
  const srtp = await srs.invite(uri, { offer: await srs.offer([{ key: 's1', proto: 'RTP/SAVP', crypto: key }]), headers: [['X-Record-Call', cs.callId]] });
  t.equal(srtp.status, 488, 'SRTP offered to an entry without media.srtp');
  t.match(srtp.reason, /SRTP not enabled/);
  const labels = await srs.invite(uri, { offer: await srs.offer([{ key: 'l1', label: 'nope' }]), headers: [['X-Record-Call', cs.callId]] });
  t.equal(labels.status, 488, 'only unknown labels');
  t.match(labels.reason, /unknown label nope/);
  t.equal((await srs.invite(uri, { offer: 'not sdp', headers: [['X-Record-Call', cs.callId]] })).status, 488, 'not SDP');
  await until(() => failed.length === 3);
  t.ok(failed.every((e) => e.reason === 'NoStreamsAccepted'));
  t.equal(m.userAgents[0].activeRecordings, 0);
  t.equal(m.recording(cs.callId), undefined);
});

t.test('SRTP offer: answered per RFC 4568 when the entry has media.srtp; plain RTP then refused', async (t) => {
  const cs = call(`srs-offer-srtp-${process.pid}@test`);
  const { srs, m, uri } = await setup(t, cs, 'AES_CM_128_HMAC_SHA1_80');
  const theirs = newCryptoAttr(7, 'AES_CM_128_HMAC_SHA1_80');
  const offer = await srs.offer([
    { key: '1', label: '1', proto: 'RTP/SAVP', crypto: `3 AES_CM_256_HMAC_SHA1_80 inline:${Buffer.alloc(46, 1).toString('base64')}` },
    { key: '2', label: '2', proto: 'RTP/SAVP', crypto: formatCryptoAttr(theirs) },
  ]);
  const r0 = await srs.invite(uri, { offer: await srs.offer([{ key: 'p', label: '1' }]), headers: [['X-Record-Call', cs.callId]] });
  t.equal(r0.status, 488, 'plain RTP to an SRTP entry');
  const started = waitEvent<Ev>(m, 'recordingStarted');
  const r = await srs.invite(uri, { offer, headers: [['X-Record-Call', cs.callId]] });
  t.equal(r.status, 200);
  const a = parseSdp(r.sdp!);
  t.equal(Number(a.media[0].port), 0, 'an unknown suite: port 0');
  t.equal(a.media[1].protocol, 'RTP/SAVP');
  const c = cryptoAttrsOf(a.media[1]);
  t.equal(c.length, 1);
  t.equal(c[0].tag, 7, 'the offered tag');
  t.equal(c[0].suite, 'AES_CM_128_HMAC_SHA1_80');
  t.not(c[0].keySalt.toString('hex'), theirs.keySalt.toString('hex'), 'a key of our own');
  const e = await started;
  t.same(e.streams.map((s: { accepted: boolean }) => s.accepted), [false, true]);
  const rec = m.recording(cs.callId)!;
  let sent = 0;
  for await (const p of syntheticCall({ durationMs: 200 })) if (p.party === 1) sent += rec.forward('2', p.bytes);
  await until(() => (srs.rtp.get('2')?.length ?? 0) === sent);
  t.ok(sent > 0, 'SRTP packets reached the SRS');
  const ours = c[0];
  if (!usableCrypto(ours)) return t.fail('usable a=crypto');
  const rx = new SrtpReceiver(keyMaterialOf(ours));
  t.ok(srs.rtp.get('2')!.every((p) => rx.unprotectRtp(buildRtp(p)).ok), 'they decrypt with the key of the 2xx answer (RFC 4568 §6.1)');
  await m.stopRecording(cs.callId);
});
