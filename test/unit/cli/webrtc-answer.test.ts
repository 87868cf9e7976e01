/**
 * The WebRTC SDP answer of `tsip uas` (lib/cli/webrtc-answer.ts) for a Chromium-style offer: ICE
 * credentials and a host candidate, the DTLS fingerprint and setup, rtcp-mux, the offer's mids and
 * a BUNDLE group of the accepted sections; other sections rejected with port 0.
 */
import t from 'tap';
import { dtlsFingerprint, isWebRtcOffer, webRtcAnswer } from '../../../lib/cli/webrtc-answer.js';
import { parseSdp } from '../../../lib/message/index.js';
import { testCerts } from '../../helpers/tls-cert.js';

const OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2113937151 8f0e.local 54400 typ host generation 0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

t.test('a Chromium-style offer gets a complete WebRTC answer', async (t) => {
  t.ok(isWebRtcOffer(Buffer.from(OFFER)));
  t.notOk(isWebRtcOffer(Buffer.from('v=0\r\nm=audio 4000 RTP/AVP 0\r\n')), 'plain RTP offer');
  const fingerprint = dtlsFingerprint(testCerts().cert);
  t.match(fingerprint, /^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const answer = webRtcAnswer(OFFER, { host: '127.0.0.1', port: 9, fingerprint });
  const sdp = parseSdp(answer);
  t.equal(sdp.media.length, 2, 'one answer section per offered one (RFC 3264 §6)');
  const [audio, video] = sdp.media;
  t.equal(audio.protocol, 'UDP/TLS/RTP/SAVPF');
  t.equal(String(audio.payloads), '111', 'Opus preferred');
  t.equal(String(audio.mid), '0');
  t.equal(audio.setup, 'passive', 'answer to actpass');
  t.equal(audio.rtcpMux, 'rtcp-mux');
  t.match(audio.iceUfrag, /^.{8}$/);
  t.match(audio.icePwd, /^.{24}$/);
  t.equal(audio.fingerprint?.hash, fingerprint.split(' ')[1]);
  t.equal(audio.candidates?.length, 1);
  t.match(audio.fmtp, [{ payload: 111, config: 'minptime=10;useinbandfec=1' }]);
  t.equal(video.port, 0, 'video rejected');
  t.equal(String(video.mid), '1');
  t.match(answer, /a=group:BUNDLE 0\r\n/, 'BUNDLE lists only the accepted mid');
  t.match(answer, /a=ice-lite/);
});

t.test('PCMU when no Opus; sendonly offer → recvonly; generated fingerprints differ', async (t) => {
  const pcmu = OFFER.replace('111 63 9 0 8', '0 8').replace(/a=rtpmap:111.*\r\na=fmtp:111.*\r\n/, '').replace('a=sendrecv', 'a=sendonly');
  const sdp = parseSdp(webRtcAnswer(pcmu, { host: '::1', port: 9, fingerprint: dtlsFingerprint() }));
  t.equal(String(sdp.media[0].payloads), '0');
  t.equal(sdp.media[0].direction, 'recvonly');
  t.equal(sdp.media[0].connection?.version, 6);
  t.not(dtlsFingerprint(), dtlsFingerprint());
  let status: unknown;
  try {
    webRtcAnswer('not sdp', { host: '127.0.0.1', port: 9, fingerprint: 'x' });
  } catch (err) {
    status = (err as { status?: unknown }).status;
  }
  t.equal(status, 488, 'not SDP → SipParseError 488');
});
