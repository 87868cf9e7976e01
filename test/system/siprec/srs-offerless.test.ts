/**
 * Offer-less SIPREC INVITEs at the SRS (RFC 7866 §7.1.2, RFC 3261 §13.2.1, RFC 3264 §5): the SRS
 * offers in the 200 (recvonly, one stream per metadata stream with its label, else two), the
 * SRC's answer comes in the ACK and the streams are recorded end to end; an ACK without an answer
 * or with one that does not parse ends the session with BYE and a recording marked failed; an
 * offer-less re-INVITE gets the SRS's offer and its ACK answer is followed (a pause).
 */
import t from 'tap';
import { buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { parseSdp, mediaLabel } from '../../../lib/message/index.js';
import { METADATA_CONTENT_TYPE, MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { inspectRecording, listRecordings, RecordingState } from '../../../lib/siprec/srs/index.js';
import type { ClientTransaction } from '../../../lib/siprec/common/api.js';
import { exclusivePorts, startSrs, waitFor } from './helpers.js';
import { sendTone, startLeanSrc, udp } from './lean-src.js';

const meta = (labels: string[]): string => new MetadataBuilder({
  callId: 'cs-offerless@test',
  participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.net' }],
  streams: labels.map((label, i) => ({ label, sender: i % 2 === 0 ? 'a' : 'b' })),
}).completeXml();

/** The SRS's offer in a 200. */
function offerOf(tx: ClientTransaction): ReturnType<typeof parseSdp> {
  const me = tx.responseElements!.messageElements;
  if (me.contentType !== 'application/sdp') throw new Error(`200 carries ${me.contentType}`);
  return parseSdp(me.content!.toString());
}

/** An SRC answer: sendonly, PCMU, the offer's labels; `decline` m-line indexes get port 0. */
function answer(offer: ReturnType<typeof parseSdp>, port: number, decline: number[] = [], extra = ''): string {
  const lines = ['v=0', 'o=src 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
  offer.media.forEach((m, i) => {
    if (decline.includes(i)) { lines.push('m=audio 0 RTP/AVP 0'); return; }
    lines.push(`m=audio ${port + 2 * i} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', `a=label:${mediaLabel(m)}`, `a=sendonly${extra}`);
  });
  return lines.join('\r\n') + '\r\n';
}

t.test('multipart with only rs-metadata: the SRS offers, the ACK answers, both streams recorded', async (t) => {
  const srs = await startSrs(t);
  const src = await startLeanSrc(t);
  const started = waitFor(srs, 'sessionStarted');
  const body = buildRecordingBody(undefined, meta(['left', 'right']));
  t.match(body.contentType, /^multipart\/mixed/);
  const { assoc, tx } = await src.invite(srs.uri('tcp'), { content: body.body, contentType: body.contentType });
  t.equal(tx.responseElements?.statusCode, 200, '200, not 488');
  const offer = offerOf(tx);
  t.same(offer.media.map((m) => mediaLabel(m)), ['left', 'right'], 'one m-line per metadata stream, labelled as in it');
  t.ok(offer.media.every((m) => m.direction === 'recvonly' && m.type === 'audio'), 'recvonly audio');
  t.same(offer.media[0].rtp.map((r) => r.codec.toUpperCase()), ['PCMU', 'PCMA'], 'the codecs it records');
  const ports = offer.media.map((m) => Number(m.port));
  t.ok(ports.every((p) => p > 0) && new Set(ports).size === 2, 'a port per stream');
  // RTP may overtake the ACK (RFC 3264 §5: the offerer takes media once it offered): kept.
  const sock = await udp(t);
  await sendTone(sock, ports[0], 440, 10, 111);
  await new Promise((r) => setTimeout(r, 50));
  src.ack(assoc, tx, answer(offer, 31000));
  await started;
  await new Promise((r) => setTimeout(r, 100));
  await sendTone(sock, ports[0], 440, 40, 111, 2, 10);
  await sendTone(sock, ports[1], 1000, 40, 222);
  await new Promise((r) => setTimeout(r, 200));
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  t.equal((await ended).reason, 'bye');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Complete);
  t.same(r.index.streams.map((s) => [s.label, s.kind, s.format, s.codec, s.packets]), [['left', 'audio', 'wav', 'PCMU', 50], ['right', 'audio', 'wav', 'PCMU', 40]], 'every packet of both streams');
  t.same(r.index.metadataFiles, ['metadata-000.xml']);
  t.same(r.index.participants.map((p) => p.sends), [['left'], ['right']], 'participants tied to the offered streams');
  const audio = inspectRecording(r, [440, 1000]);
  t.same(audio.map((a) => a.dominantHz), [440, 1000], 'the WAVs hold what was sent');
});

t.test('a lone application/rs-metadata+xml body; one stream declined in the answer', async (t) => {
  const srs = await startSrs(t);
  const src = await startLeanSrc(t);
  const { assoc, tx } = await src.invite(srs.uri('udp'), { content: Buffer.from(meta(['1', '2', '3'])), contentType: METADATA_CONTENT_TYPE, headers: [['Content-Disposition', 'recording-session']] });
  t.equal(tx.responseElements?.statusCode, 200);
  const offer = offerOf(tx);
  t.equal(offer.media.length, 3);
  const started = waitFor(srs, 'sessionStarted');
  src.ack(assoc, tx, answer(offer, 32000, [1]));
  await started;
  await new Promise((r) => setTimeout(r, 100));
  const sock = await udp(t);
  await sendTone(sock, Number(offer.media[2].port), 700, 10, 3);
  await new Promise((r) => setTimeout(r, 150));
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  await ended;
  const [r] = listRecordings(srs.settings.dir);
  t.same(r.index.streams.map((s) => [s.label, s.packets]), [['1', 0], ['3', 10]], 'the declined stream is not recorded');
});

t.test('no port left for the streams the SRS would offer: 503, and the ports taken are given back', async (t) => {
  const srs = await startSrs(t, await exclusivePorts(4)); // two RTP/RTCP pairs
  const src = await startLeanSrc(t);
  const rejected = waitFor(srs, 'sessionRejected');
  const b = buildRecordingBody(undefined, meta(['1', '2', '3']));
  const { tx } = await src.invite(srs.uri('udp'), { content: b.body, contentType: b.contentType });
  t.equal(tx.responseElements?.statusCode, 503);
  t.equal((await rejected).statusCode, 503);
  const b2 = buildRecordingBody(undefined, meta(['1', '2']));
  const { assoc, tx: ok } = await src.invite(srs.uri('udp'), { content: b2.body, contentType: b2.contentType });
  t.equal(ok.responseElements?.statusCode, 200, 'both pairs free again for the next session');
  src.ack(assoc, ok, answer(offerOf(ok), 36000));
});

t.test('no body at all: two audio streams offered', async (t) => {
  const srs = await startSrs(t, { signalingOnly: true });
  const src = await startLeanSrc(t);
  const { assoc, tx } = await src.invite(srs.uri('udp'));
  t.equal(tx.responseElements?.statusCode, 200);
  const offer = offerOf(tx);
  t.same(offer.media.map((m) => mediaLabel(m)), ['1', '2'], 'the default two streams, signalling-only mode too');
  const started = waitFor(srs, 'sessionStarted');
  src.ack(assoc, tx, answer(offer, 33000));
  t.same((await started).labels, ['1', '2']);
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  await ended;
});

for (const c of [
  { name: 'an ACK without an answer', sdp: undefined, failure: /ACK without an SDP answer/ },
  { name: 'an answer that does not parse', sdp: 'this is not SDP', failure: /does not parse/ },
  { name: 'an answer with the wrong number of m-lines', sdp: 'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 34000 RTP/AVP 0\r\na=sendonly\r\n', failure: /1 m-lines for 2 offered/ },
]) {
  t.test(`${c.name}: BYE, recording marked failed`, async (t) => {
    const srs = await startSrs(t);
    const src = await startLeanSrc(t);
    const { assoc, tx } = await src.invite(srs.uri('tcp'), (() => { const b = buildRecordingBody(undefined, meta(['x', 'y'])); return { content: b.body, contentType: b.contentType }; })());
    t.equal(tx.responseElements?.statusCode, 200);
    const ended = waitFor(srs, 'sessionEnded');
    src.ack(assoc, tx, c.sdp);
    const e = await ended;
    t.equal(e.reason, 'failed');
    t.match(e.failure, c.failure);
    await src.waitRequest('BYE');
    t.ok(src.received.includes('BYE'), 'the SRS sent BYE');
    const [r] = listRecordings(srs.settings.dir);
    t.equal(r.index.state, RecordingState.Failed, 'index says failed');
    t.equal(r.index.endReason, 'failed');
    t.match(r.index.endDetail, c.failure, 'with the words');
    t.equal(srs.activeSessions, 0);
  });
}

t.test('no ACK at all: the API ends the dialog with BYE, the recording is closed as failed', async (t) => {
  const srs = await startSrs(t, { t1: 50 }); // Timer H = 64*T1 = 3.2 s
  const src = await startLeanSrc(t);
  const b = buildRecordingBody(undefined, meta(['x']));
  const ended = waitFor(srs, 'sessionEnded', () => true, 15000);
  const { tx } = await src.invite(srs.uri('tcp'), { content: b.body, contentType: b.contentType });
  t.equal(tx.responseElements?.statusCode, 200);
  const e = await ended;
  t.equal(e.reason, 'failed');
  t.equal(e.failure, 'no ACK for the 2xx');
  await src.waitRequest('BYE');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Failed);
  t.equal(r.index.endReason, 'failed');
  t.equal(r.index.endDetail, 'no ACK for the 2xx');
  t.equal(srs.activeSessions, 0);
});

t.test('an offer-less re-INVITE gets the SRS offer; the ACK answer pauses the recording', async (t) => {
  const srs = await startSrs(t);
  const src = await startLeanSrc(t);
  const b = buildRecordingBody(undefined, meta(['p', 'q']));
  const { assoc, tx } = await src.invite(srs.uri('tcp'), { content: b.body, contentType: b.contentType });
  const offer = offerOf(tx);
  const started = waitFor(srs, 'sessionStarted');
  src.ack(assoc, tx, answer(offer, 35000));
  await started;
  await new Promise((r) => setTimeout(r, 100));
  // A metadata-only re-INVITE: no SDP, so the 200 must carry an offer (RFC 3261 §14.2).
  const upd = buildRecordingBody(undefined, meta(['p', 'q']));
  const re = await src.reinvite(assoc, { content: upd.body, contentType: upd.contentType });
  t.equal(re.responseElements?.statusCode, 200);
  const reoffer = offerOf(re);
  t.same(reoffer.media.map((m) => [mediaLabel(m), Number(m.port), m.direction]), offer.media.map((m) => [mediaLabel(m), Number(m.port), 'recvonly']), 'same streams and ports, recvonly');
  src.ack(assoc, re, answer(reoffer, 35000).replace(/a=sendonly/g, 'a=inactive'));
  await new Promise((r) => setTimeout(r, 300));
  let [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.pauses.length, 1, 'the inactive answer paused the recording');
  t.equal(r.index.pauses[0].to, undefined);
  t.equal(r.index.metadataFiles.length, 2, 'the metadata update stored');
  const re2 = await src.reinvite(assoc);
  src.ack(assoc, re2, answer(offerOf(re2), 35000));
  await new Promise((r) => setTimeout(r, 300));
  [r] = listRecordings(srs.settings.dir);
  t.ok(r.index.pauses[0].to, 'a sendonly answer resumed it');
  // A re-INVITE whose ACK brings no answer ends the session (RFC 3261 §13.3.1.4).
  const ended = waitFor(srs, 'sessionEnded');
  const re3 = await src.reinvite(assoc);
  src.ack(assoc, re3);
  t.equal((await ended).reason, 'failed');
  [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Failed);
});

t.test('nothing leaks: offer-less sessions that ended well, by a bad ACK and without ACK', async (t) => {
  const srs = await startSrs(t, { t1: 50 });
  const src = await startLeanSrc(t);
  const body = (): { content: Buffer; contentType: string } => { const b = buildRecordingBody(undefined, meta(['1', '2'])); return { content: b.body, contentType: b.contentType }; };
  const good = await src.invite(srs.uri('tcp'), body());
  src.ack(good.assoc, good.tx, answer(offerOf(good.tx), 37000));
  await new Promise((r) => setTimeout(r, 100));
  const e1 = waitFor(srs, 'sessionEnded');
  good.assoc.sendBye();
  await e1;
  const e2 = waitFor(srs, 'sessionEnded');
  const bad = await src.invite(srs.uri('tcp'), body());
  src.ack(bad.assoc, bad.tx, 'junk');
  t.equal((await e2).reason, 'failed');
  const e3 = waitFor(srs, 'sessionEnded', () => true, 15000);
  await src.invite(srs.uri('tcp'), body());
  t.equal((await e3).failure, 'no ACK for the 2xx');
  await new Promise((r) => setTimeout(r, 64 * 50 + 1500));
  t.same(srs.liveObjects(), { SipConnection: 1 }, 'SRS: only its connection');
  t.equal(srs.activeSessions, 0);
  t.same(listRecordings(srs.settings.dir).map((r) => r.index.state).sort(), ['complete', 'failed', 'failed']);
});
