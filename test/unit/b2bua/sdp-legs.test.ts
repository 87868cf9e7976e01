/** SDP per leg: what a phone's SDP says, and the same SDP pointed at the relay (codecs untouched). */
import t from 'tap';
import { describeAudio, rewriteForRelay, voiceCodec } from '../../../lib/b2bua/index.js';

const PHONE = [
  'v=0', 'o=- 42 7 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0',
  'm=audio 4000 RTP/AVP 111 0 101', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 useinbandfec=1', 'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=rtcp:4005 IN IP4 192.0.2.10', 'a=rtcp-mux',
  'a=candidate:1 1 UDP 2130706431 192.0.2.10 4000 typ host', 'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdefghijkl', 'a=sendrecv',
  'm=video 5000 RTP/AVP 96', 'a=rtpmap:96 VP8/90000', '',
].join('\r\n');

t.test('describeAudio reads address, ports, mux, direction and codecs', async (t) => {
  const d = describeAudio(PHONE)!;
  t.match(d, { address: '192.0.2.10', rtpPort: 4000, rtcpPort: 4005, rtcpMux: true, direction: 'sendrecv', hold: false });
  t.same(d.codecs.map((c) => `${c.payloadType}:${c.name}/${c.clockRate}`), ['111:opus/48000', '0:PCMU/8000', '101:telephone-event/8000']);
  t.equal(voiceCodec(d)?.name, 'opus', 'the first voice codec is the call\'s');
  t.equal(describeAudio(PHONE.replace('a=rtcp:4005 IN IP4 192.0.2.10\r\n', ''))!.rtcpPort, 4001, 'RTCP on RTP + 1 without a=rtcp');
  t.equal(describeAudio('not sdp'), undefined);
  t.equal(describeAudio(PHONE.replace(/m=audio[\s\S]*?m=video/, 'm=video')), undefined, 'no audio');
});

t.test('hold forms: sendonly, inactive, c=0.0.0.0 (RFC 3264 §8.4, RFC 2543)', async (t) => {
  t.equal(describeAudio(PHONE.replace('a=sendrecv', 'a=sendonly'))!.hold, true);
  t.equal(describeAudio(PHONE.replace('a=sendrecv', 'a=inactive'))!.hold, true);
  t.equal(describeAudio(PHONE.replace('a=sendrecv', 'a=recvonly'))!.hold, false, 'recvonly is the answer to a hold, not one');
  t.equal(describeAudio(PHONE.replace('c=IN IP4 192.0.2.10', 'c=IN IP4 0.0.0.0'))!.hold, true);
});

t.test('voiceCodec never picks telephone-event or CN', async (t) => {
  const d = describeAudio(PHONE.replace('m=audio 4000 RTP/AVP 111 0 101', 'm=audio 4000 RTP/AVP 101 13 0'))!;
  t.equal(voiceCodec(d)?.name, 'PCMU');
});

t.test('rewriteForRelay: addresses and ports are the relay\'s, codecs and attributes unchanged, ICE gone, video declined', async (t) => {
  const out = rewriteForRelay(PHONE, { address: '127.0.0.1', rtpPort: 40000, rtcpPort: 40001 });
  t.match(out, /^o=- 42 7 IN IP4 127\.0\.0\.1$/m, 'o= keeps session id and version');
  t.match(out, /^c=IN IP4 127\.0\.0\.1$/m);
  t.notMatch(out, /192\.0\.2\.10/, 'no phone address left');
  t.match(out, /^m=audio 40000 RTP\/AVP 111 0 101$/m);
  t.match(out, /^a=rtcp:40001 IN IP4 127\.0\.0\.1$/m);
  t.match(out, /^a=rtcp-mux$/m, 'rtcp-mux passes through');
  t.match(out, /^a=fmtp:111 useinbandfec=1$/m);
  t.match(out, /^a=rtpmap:101 telephone-event\/8000$/m);
  t.notMatch(out, /candidate|ice-/);
  t.match(out, /^m=video 0 /m, 'the relay carries audio only');
  const again = describeAudio(out)!;
  t.same(again.codecs, describeAudio(PHONE)!.codecs, 'the same codec list');
  const held = rewriteForRelay(PHONE.replace(/c=IN IP4 192\.0\.2\.10/, 'c=IN IP4 0.0.0.0'), { address: '127.0.0.1', rtpPort: 40000, rtcpPort: 40001 });
  t.equal(describeAudio(held)!.hold, true, 'a c=0.0.0.0 hold stays a hold');
  const v6 = rewriteForRelay(PHONE, { address: '::1', rtpPort: 40000, rtcpPort: 40001 });
  t.match(v6, /^c=IN IP6 ::1$/m);
});
