/**
 * The SRC's answer to an SRS offer (RFC 7866 §6.2, RFC 3264 §6; body/src-answer.ts): same m-lines
 * in the same order, sendonly with the stream's label; port 0 for lines it cannot serve; the SRS's
 * side written in the stream order for the fork.
 */
import t from 'tap';
import { parseSdp } from '../../../../lib/message/index.js';
import { buildOfferSdp, buildSrcAnswer, noStreamReason } from '../../../../lib/siprec/body/index.js';

const ours = buildOfferSdp([
  { label: 'a', port: 30000 },
  { label: 'v', port: 30002, media: 'video', codecs: [{ payloadType: 96, name: 'H264', clockRate: 90000 }] },
  { label: 'b', port: 30004, codecs: [{ payloadType: 8, name: 'PCMA', clockRate: 8000 }] },
], { address: '192.0.2.1', sessionId: 5, version: 1 });

const head = 'v=0\r\no=srs 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n';

t.test('unlabelled: in order per media kind; directions, codecs, fmtp and addresses', async (t) => {
  const offer = head
    + 'm=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=42e01f\r\na=recvonly\r\n'
    + 'm=audio 5002 RTP/AVP 0\r\nc=IN IP4 198.51.100.9\r\na=sendrecv\r\n'
    + 'm=audio 5004 RTP/AVP 0\r\na=recvonly\r\n'
    + 'm=audio 5006 RTP/AVP 0\r\na=sendonly\r\n';
  const a = buildSrcAnswer(offer, ours);
  const s = parseSdp(a.sdp);
  t.same(s.media.map((m) => [m.type, Number(m.port), m.label, m.direction]), [
    ['video', 30002, 'v', 'sendonly'], ['audio', 30000, 'a', 'sendonly'], ['audio', 0, undefined, undefined], ['audio', 0, undefined, undefined],
  ]);
  t.equal(s.origin?.sessionId, 5, 'o= of the SRC');
  t.same(s.media[0].fmtp.map((f) => f.config), ['profile-level-id=42e01f'], 'the offered fmtp of the chosen format');
  t.same(a.lines.map((l) => l.rejectReason), [undefined, undefined, 'no common codec', 'no audio stream left']);
  t.same(a.layout, [1, 0, undefined]);
  const r = parseSdp(a.remote);
  t.same(r.media.map((m) => [Number(m.port), m.connection?.ip, m.direction]), [
    [5002, '198.51.100.9', 'recvonly'], [5000, '198.51.100.1', 'recvonly'], [0, undefined, undefined],
  ], 'the SRS side in stream order, with its per-m-line address');
});

t.test('labelled: a label taken twice and a missing label get port 0', async (t) => {
  const offer = head
    + 'm=audio 5000 RTP/AVP 8 0\r\na=label:b\r\na=recvonly\r\n'
    + 'm=audio 5002 RTP/AVP 8\r\na=label:b\r\na=recvonly\r\n'
    + 'm=audio 5004 RTP/AVP 0\r\na=recvonly\r\n';
  const a = buildSrcAnswer(offer, ours);
  t.same(parseSdp(a.sdp).media.map((m) => [Number(m.port), m.label, String(m.payloads)]), [[30004, 'b', '8'], [0, undefined, '8'], [0, undefined, '0']]);
  t.same(a.lines.map((l) => l.rejectReason), [undefined, 'label b offered twice', 'no label']);
});

t.test('nothing usable: every reason in one line', async (t) => {
  const a = buildSrcAnswer(head + 'm=audio 0 RTP/AVP 0\r\na=recvonly\r\nm=audio 5000 UDP/TLS/RTP/SAVPF 0\r\na=recvonly\r\n', ours);
  t.same(a.layout, [undefined, undefined, undefined]);
  t.equal(noStreamReason(a), 'No usable stream in the offer (m1: port 0 offered; m2: protocol UDP/TLS/RTP/SAVPF)');
  t.throws(() => buildSrcAnswer('nope', ours));
});
