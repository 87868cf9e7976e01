/**
 * The SRS's decision per offered m-line and its answer (RFC 3264 §6, RFC 7866 §7.2): G.711 → one
 * codec to WAV; other RTP → every offered format kept for the rtpdump; t140 with red → both, with
 * red's fmtp; MSRP → a=path and accept-types; SRTP, unknown kinds, switched-off kinds → port 0 with
 * the m-line kept in place; the SRS's own offer and the check of the SRC's answer to it.
 */
import t from 'tap';
import { mediaLabel, parseSdp } from '../../../../lib/message/index.js';
import {
  buildAnswer, buildSrsOffer, checkSrcAnswer, offerCodecs, planOffer, recordable, type MediaPolicy,
} from '../../../../lib/siprec/srs/index.js';

const all: MediaPolicy = { wavCodecs: ['PCMU', 'PCMA'], kinds: ['audio', 'video', 'text', 'message'], msrp: true };
const offer = [
  'v=0', 'o=src 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 30000 RTP/AVP 8 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=label:1', 'a=sendonly',
  'm=audio 30002 RTP/AVP 111 9', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 useinbandfec=1', 'a=label:2', 'a=sendonly',
  'm=video 30004 RTP/AVPF 96 97', 'a=rtpmap:96 H264/90000', 'a=fmtp:96 profile-level-id=42e01f', 'a=rtpmap:97 VP8/90000', 'a=label:3', 'a=sendonly',
  'm=text 30006 RTP/AVP 100 98', 'a=rtpmap:98 t140/1000', 'a=rtpmap:100 red/1000', 'a=fmtp:100 98/98/98', 'a=label:4', 'a=sendonly',
  'm=message 30008 TCP/MSRP *', 'a=accept-types:text/plain', 'a=path:msrp://127.0.0.1:30008/abc;tcp', 'a=label:5', 'a=sendonly',
  'm=audio 30010 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcyAoc2VuZGluZy', 'a=label:6', 'a=sendonly',
  'm=application 30012 UDP/BFCP *', 'a=label:7', 'a=sendonly',
  'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=label:8',
  '',
].join('\r\n');

t.test('a decision per m-line', async (t) => {
  const p = planOffer(offer, all);
  t.same(p.streams.map((s) => [s.label, s.kind, s.store, s.codec]), [
    ['1', 'audio', 'wav', 'PCMA'], ['2', 'audio', 'rtpdump', 'opus'], ['3', 'video', 'rtpdump', 'H264'], ['4', 'text', 't140', 't140'],
    ['5', 'message', 'msrp', 'MSRP'], ['6', 'audio', undefined, undefined], ['7', undefined, undefined, undefined], ['8', 'video', undefined, undefined],
  ]);
  t.same(recordable(p).map((s) => s.label), ['1', '2', '3', '4', '5']);
  t.same(p.streams[3].t140, { t140: 98, red: 100 });
  t.same(p.streams[4].msrp, { acceptTypes: ['text/plain'], path: 'msrp://127.0.0.1:30008/abc;tcp' });
});

t.test('the answer', async (t) => {
  const p = planOffer(offer, all);
  const local = new Map([[0, { port: 40000 }], [1, { port: 40002 }], [2, { port: 40004 }], [3, { port: 40006 }], [4, { port: 40008, msrpPath: 'msrp://127.0.0.1:40008/xyz;tcp' }]]);
  const a = parseSdp(buildAnswer(p, local, { address: '127.0.0.1', sessionId: 5, version: 1 }));
  t.equal(a.media.length, 8, 'one m-line per offered m-line');
  t.same(a.media.map((m) => Number(m.port)), [40000, 40002, 40004, 40006, 40008, 0, 0, 0]);
  t.same(a.media.map((m) => m.type), ['audio', 'audio', 'video', 'text', 'message', 'audio', 'application', 'video'], 'refused m-lines stay in place');
  t.equal(String(a.media[0].payloads), '8', 'G.711: the one codec decoded');
  t.equal(String(a.media[1].payloads), '111 9', 'raw: every offered format');
  t.same(a.media[1].fmtp.map((f) => f.config), ['useinbandfec=1'], 'with its fmtp');
  t.same(a.media[1].rtp.map((r) => [r.codec, r.rate]), [['opus', 48000], ['G722', 8000]]);
  t.equal(a.media[2].protocol, 'RTP/AVPF');
  t.equal(String(a.media[3].payloads), '100 98');
  t.same(a.media[3].fmtp.map((f) => [f.payload, f.config]), [[100, '98/98/98']]);
  const inv = ((a.media[4] as { invalid?: { value: string }[] }).invalid ?? []).map((x) => x.value);
  t.same(inv, ['accept-types:text/plain', 'path:msrp://127.0.0.1:40008/xyz;tcp']);
  t.equal(a.media[4].protocol, 'TCP/MSRP');
  t.ok(a.media.slice(0, 5).every((m) => m.direction === 'recvonly' && mediaLabel(m) !== undefined), 'recvonly, labelled');
  t.equal(a.media[4].rtcp, undefined, 'no RTCP port for MSRP');
});

t.test('policies', async (t) => {
  const g711 = planOffer(offer, { ...all, kinds: ['audio'], rawCodecs: [] });
  t.same(recordable(g711).map((s) => s.label), ['1'], 'the G.711-only SRS of before');
  const someRaw = planOffer(offer, { ...all, rawCodecs: ['vp8', 'opus'] });
  t.same(someRaw.streams[2].formats.map((f) => f.name), ['VP8'], 'rawCodecs filters formats, case-insensitive');
  const audioList = planOffer(offer, { ...all, audioCodecs: ['PCMU', 'G722'] });
  t.same([audioList.streams[0].codec, audioList.streams[1].codec], ['PCMU', 'G722'], 'an audio codec list picks among the offered');
  const noMsrp = planOffer(offer, { ...all, msrp: false });
  t.equal(noMsrp.streams[4].store, undefined);
});

t.test('the SRS offer and the check of the answer in the ACK', async (t) => {
  const codecs = offerCodecs(['pcma', 'G722', 'PCMU']);
  t.same(codecs.map((c) => [c.payloadType, c.name]), [[8, 'PCMA'], [0, 'PCMU']], 'G.711 only, in the order configured');
  const o = parseSdp(buildSrsOffer([{ label: 'a', port: 40000 }, { label: 'b', port: 40002 }], codecs, { address: '::1', sessionId: 1, version: 1 }));
  t.same(o.media.map((m) => [mediaLabel(m), m.direction, Number(m.port), m.rtcp?.port]), [['a', 'recvonly', 40000, 40001], ['b', 'recvonly', 40002, 40003]]);
  t.equal(o.connection?.version, 6);
  const offered = [{ label: 'a', port: 40000 }, { label: 'b', port: 40002 }];
  const ans = (m: string): string => `v=0\r\no=s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n${m}`;
  const ok = checkSrcAnswer(ans('m=audio 3000 RTP/AVP 0\r\na=sendonly\r\nm=audio 0 RTP/AVP 8\r\n'), offered, codecs);
  t.ok(ok.ok && ok.streams[0].store === 'wav' && ok.streams[0].label === 'a' && ok.streams[1].port === 0, 'labels kept from our offer; port 0 declines');
  const wrongCodec = checkSrcAnswer(ans('m=audio 3000 RTP/AVP 18\r\nm=audio 3002 RTP/AVP 8\r\n'), offered, codecs);
  t.ok(wrongCodec.ok && wrongCodec.streams[0].store === undefined && wrongCodec.streams[1].store === 'wav', 'a codec we did not offer is not recorded');
  t.same(checkSrcAnswer(undefined, offered, codecs), { ok: false, reason: 'ACK without an SDP answer' });
  t.notOk(checkSrcAnswer('garbage', offered, codecs).ok);
  t.notOk(checkSrcAnswer(ans('m=audio 3000 RTP/AVP 0\r\n'), offered, codecs).ok, 'one m-line for two');
});
