import t from 'tap';
import {
  analyseOffer, buildOfferSdp, buildRecordingBody, buildRecvonlyAnswer, classifyRecordingInvite, parseSrsAnswer,
  recordableStreams, splitRecordingBody,
} from '../../../../lib/siprec/body/index.js';
import { MetadataBuilder, parseMetadata } from '../../../../lib/siprec/metadata/index.js';
import { buildMultipart, parseSdp, SipParseError } from '../../../../lib/message/index.js';

function headers(map: Record<string, string[]>) {
  return { headerValues: (n: string) => map[n.toLowerCase()] ?? [] };
}

const twoStreams = [{ label: '1', port: 30000 }, { label: '2', port: 30002 }];

t.test('offer: one sendonly labelled m-line per stream, inactive when paused', async (t) => {
  const sdp = buildOfferSdp(twoStreams, { address: '127.0.0.1', sessionId: 7, version: 1 });
  const s = parseSdp(sdp);
  t.equal(s.media.length, 2);
  t.same(s.media.map((m) => String(m.label)), ['1', '2']);
  t.same(s.media.map((m) => m.direction), ['sendonly', 'sendonly']);
  t.same(s.media.map((m) => m.port), [30000, 30002]);
  t.equal(s.media[0].rtcp?.port, 30001);
  t.match(sdp, /a=rtpmap:0 PCMU\/8000/);
  const paused = parseSdp(buildOfferSdp(twoStreams, { address: '::1', sessionId: 7, version: 2, paused: true }));
  t.same(paused.media.map((m) => m.direction), ['inactive', 'inactive']);
  t.equal(paused.connection?.ip, '::1');
  t.equal(paused.connection?.version, 6);
  t.equal(paused.origin?.sessionVersion, 2);
});

t.test('body: multipart SDP + recording-session metadata round trip', async (t) => {
  const mb = new MetadataBuilder({ callId: 'cs-1', participants: [{ key: 'a', aor: 'sip:a@x' }], streams: [{ label: '1', sender: 'a' }] });
  const sdp = buildOfferSdp(twoStreams, { address: '127.0.0.1', sessionId: 1, version: 1 });
  const b = buildRecordingBody(sdp, mb.completeXml());
  t.match(b.contentType, /^multipart\/mixed;boundary=/);
  t.match(b.body.toString(), /Content-Disposition: recording-session/);
  t.match(b.body.toString(), /Content-Type: application\/rs-metadata\+xml/);
  const parts = splitRecordingBody(b.contentType, b.body);
  t.equal(parts.sdp, sdp);
  t.ok(parts.metadata);
  t.equal(parseMetadata(parts.metadata!).streams[0].label, '1');
  const onlySdp = buildRecordingBody(sdp, undefined);
  t.equal(onlySdp.contentType, 'application/sdp');
  const onlyMeta = buildRecordingBody(undefined, mb.completeXml());
  const p2 = splitRecordingBody(onlyMeta.contentType, onlyMeta.body);
  t.equal(p2.sdp, undefined);
  t.ok(p2.metadata);
});

t.test('body: legacy type, disposition-only metadata, broken multipart, unsupported type', async (t) => {
  const body = Buffer.from('--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b\r\nContent-Type: application/rs-metadata\r\n\r\n<recording/>\r\n--b--\r\n');
  const p = splitRecordingBody('multipart/mixed; boundary=b', body);
  t.equal(p.metadataType, 'application/rs-metadata');
  const body2 = Buffer.from('--b\r\nContent-Type: application/xml\r\nContent-Disposition: recording-session\r\n\r\n<recording/>\r\n--b--\r\n');
  t.ok(splitRecordingBody('multipart/mixed;boundary=b', body2).metadata, 'found by disposition');
  t.throws(() => splitRecordingBody('multipart/mixed;boundary=zz', body), SipParseError);
  try {
    splitRecordingBody('text/plain', Buffer.from('hi'));
    t.fail('no throw');
  } catch (e) {
    t.equal((e as SipParseError).status, 415);
  }
  t.same(splitRecordingBody(undefined, undefined), { ignored: [] });
});

t.test('answer: accepted, port 0, fewer m-lines, inactive, label mismatch', async (t) => {
  const ans = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n' +
    'm=audio 40000 RTP/AVP 8\r\na=label:1\r\na=recvonly\r\n' +
    'm=audio 0 RTP/AVP 0\r\n';
  const r = parseSrsAnswer(['1', '2', '3'], ans, [[0, 8], [0, 8], [0]]);
  t.same(r[0], { label: '1', index: 0, accepted: true, rtp: { address: '127.0.0.2', port: 40000 }, rtcp: { address: '127.0.0.2', port: 40001 }, payloadType: 8 });
  t.equal(r[1].accepted, false);
  t.equal(r[1].rejectReason, 'port0');
  t.equal(r[2].rejectReason, 'missing');
  const inactive = ans.replace('a=recvonly', 'a=inactive');
  t.equal(parseSrsAnswer(['1'], inactive)[0].rejectReason, 'direction');
  t.equal(parseSrsAnswer(['9'], ans)[0].rejectReason, 'labelMismatch');
});

t.test('classify: RFC 7866 §6.2 needs Require: siprec AND +sip.src', async (t) => {
  t.same(classifyRecordingInvite(headers({ require: ['siprec'], contact: ['<sip:src@h>;+sip.src'] })), { siprec: true });
  const noReq = classifyRecordingInvite(headers({ contact: ['<sip:src@h>;+sip.src'] }));
  t.equal(noReq.siprec, false);
  if (!noReq.siprec) t.equal(noReq.missing, 'require');
  const noTag = classifyRecordingInvite(headers({ require: ['timer', 'siprec'], contact: ['<sip:src@h>;+sip-src'] }));
  t.equal(noTag.siprec, false);
  if (!noTag.siprec) { t.equal(noTag.missing, 'src-feature-tag'); t.equal(noTag.status, 488); }
});

t.test('srs answer: codecs chosen, unsupported stream port 0, recvonly with labels', async (t) => {
  const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    'm=audio 30000 RTP/AVP 18 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=label:a\r\na=sendonly\r\n' +
    'm=audio 30002 RTP/AVP 18\r\na=label:b\r\na=sendonly\r\n' +
    'm=video 30004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=label:v\r\na=sendonly\r\n';
  const a = analyseOffer(offer, ['PCMU', 'PCMA']);
  t.same(a.streams.map((s) => [s.label, s.payloadType]), [['a', 8], ['b', undefined], ['v', undefined]]);
  t.same(recordableStreams(a).map((s) => s.label), ['a']);
  const ans = parseSdp(buildRecvonlyAnswer(a, { address: '127.0.0.1', sessionId: 3, version: 1, ports: new Map([[0, 40000]]) }));
  t.equal(ans.media.length, 3, 'same number of m-lines');
  t.same(ans.media.map((m) => m.port), [40000, 0, 0]);
  t.equal(ans.media[0].direction, 'recvonly');
  t.equal(String(ans.media[0].label), 'a');
  t.equal(String(ans.media[0].payloads), '8');
  t.same(parseSrsAnswer(['a', 'b', 'v'], buildRecvonlyAnswer(a, { address: '127.0.0.1', sessionId: 3, version: 1, ports: new Map([[0, 40000]]) })).map((x) => x.accepted), [true, false, false]);
  const paused = analyseOffer(offer.replace('a=label:a\r\na=sendonly', 'a=label:a\r\na=inactive'), ['PCMA']);
  t.equal(parseSdp(buildRecvonlyAnswer(paused, { address: '127.0.0.1', sessionId: 3, version: 2, ports: new Map([[0, 40000]]) })).media[0].direction, 'inactive');
});

// buildRecordingBody writes the multipart text directly (issue 15): the very octets buildMultipart
// writes for the same parts and boundary, and a fresh boundary per body.
t.test('body: the direct multipart writer gives buildMultipart\'s octets', async (t) => {
  const mb = new MetadataBuilder({ callId: 'cs-2', participants: [{ key: 'a', aor: 'sip:a@x', name: 'A & "B" <c>' }], streams: [{ label: '1', sender: 'a' }] });
  const sdp = buildOfferSdp(twoStreams, { address: '127.0.0.1', sessionId: 1, version: 1 });
  const xml = mb.completeXml();
  const meta = { contentType: 'application/rs-metadata+xml', disposition: 'recording-session', body: xml };
  for (const [name, built, parts] of [
    ['SDP + metadata', buildRecordingBody(sdp, xml), [{ contentType: 'application/sdp', body: sdp }, meta]],
    ['metadata alone', buildRecordingBody(undefined, xml), [meta]],
  ] as const) {
    const boundary = /boundary=(.+)$/.exec(built.contentType)![1];
    t.match(boundary, /^tsip-[0-9a-f]{32}$/, `${name}: a random boundary`);
    const reference = buildMultipart(parts, boundary);
    t.equal(built.contentType, reference.contentType.toString(), `${name}: same Content-Type`);
    t.ok(built.body.equals(reference.body), `${name}: same octets`);
  }
  t.not(/boundary=(.+)$/.exec(buildRecordingBody(sdp, xml).contentType)![1], /boundary=(.+)$/.exec(buildRecordingBody(sdp, xml).contentType)![1], 'a new boundary each time');
});
