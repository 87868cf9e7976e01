import t from 'tap';
import { SipParseError, mediaDirection, mediaLabel, parseSdp, setMediaDirection, writeSdp } from '../../../lib/message/index.js';

const SDP = [
  'v=0',
  'o=SRC 2890844526 2890844526 IN IP4 198.51.100.1',
  's=SIP Recording',
  'c=IN IP4 198.51.100.1',
  't=0 0',
  'a=sendonly',
  'm=audio 12240 RTP/AVP 0 8',
  'a=rtpmap:0 PCMU/8000',
  'a=label:1',
  'm=audio 12242 RTP/AVP 0',
  'a=label:caller-2',
  'a=recvonly',
  '',
].join('\r\n');

t.test('parse, helpers, write', async (t) => {
  const s = parseSdp(Buffer.from(SDP));
  t.equal(s.media.length, 2);
  t.equal(mediaLabel(s.media[0]), '1');
  t.equal(mediaLabel(s.media[1]), 'caller-2');
  t.equal(mediaDirection(s.media[0], s), 'sendonly', 'session-level direction inherited');
  t.equal(mediaDirection(s.media[0]), 'sendrecv', 'default without session');
  t.equal(mediaDirection(s.media[1], s), 'recvonly');
  setMediaDirection(s.media[1], 'inactive');
  const text = writeSdp(s);
  t.match(text, /m=audio 12242 RTP\/AVP 0\r\n(?:a=[^\r]*\r\n)*a=inactive\r\n/);
  const again = parseSdp(text);
  t.equal(mediaDirection(again.media[1], again), 'inactive');
  t.equal(mediaLabel(again.media[0]), '1');
  t.equal(mediaLabel(parseSdp('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n').media[0]), undefined);
});

t.test('non-SDP bodies are refused with 488', async (t) => {
  try {
    parseSdp('<xml/>');
    t.fail('accepted');
  } catch (e) {
    t.equal((e as SipParseError).status, 488);
  }
  t.throws(() => parseSdp('v=0\r\ns=-\r\n'), SipParseError, 'o= is mandatory');
  t.same(parseSdp('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n').media, [], 'no m= lines gives []');
});

t.test('o= keeps 64-bit session ids and versions exactly (RFC 8866 §5.2; WebRTC stacks use them)', async (t) => {
  const text = 'v=0\r\no=- 4611686018427387904 9223372036854775807 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
  const out = writeSdp(parseSdp(text));
  t.match(out, /^o=- 4611686018427387904 9223372036854775807 IN IP4 192\.0\.2\.1\r$/m, 'not rounded through a JS number');
  const small = writeSdp(parseSdp('v=0\r\no=alice 2890844526 2890844527 IN IP6 ::1\r\ns=-\r\nt=0 0\r\n'));
  t.match(small, /^o=alice 2890844526 2890844527 IN IP6 ::1\r$/m, 'ordinary values as before');
});
