/**
 * The SRC's SRTP offer and its reading of the answer (RFC 4568 §5.1.3, §6.1): RTP streams offered
 * RTP/SAVP with one a=crypto each (MSRP never), the same key in every re-offer; an answer that keeps
 * RTP/SAVP with the offered tag and suite arms the forwarder with the offered key, anything else
 * (RTP/AVP, another tag, no a=crypto) refuses that stream: it is not forked.
 */
import t from 'tap';
import { parseSdp, writeSdp } from '../../../../lib/message/index.js';
import { cryptoAttrsOf, newCryptoAttr, setCryptoAttrs } from '../../../../lib/siprec/body/index.js';
import { MessageElements, PortAllocator, RtpEndpoint, SrtpReceiver, keyOf } from './srtp-fixtures.js';
import { EndpointPool } from '../../../../lib/siprec/src/endpoint-pool.js';
import { MediaFork } from '../../../../lib/siprec/src/media-fork.js';
import { applyAnswer } from '../../../../lib/siprec/src/session-answer.js';
import { offerSdp, type SessionStream } from '../../../../lib/siprec/src/session-offer.js';

t.test('offer RTP/SAVP with a stable key; the answer decides per stream', async (t) => {
  const streams: SessionStream[] = [
    { params: { label: '1', sender: 'a' }, port: 30000 },
    { params: { label: '2', sender: 'b' }, port: 30002 },
    { params: { label: '3', sender: 'b' }, port: 30004 },
    { params: { label: 'm', sender: 'a', media: 'message' }, port: 30006 },
  ];
  const suite = 'AES_CM_128_HMAC_SHA1_32';
  const o1 = parseSdp(offerSdp(streams, '127.0.0.1', 1, 1, false, suite));
  t.same(o1.media.map((m) => m.protocol), ['RTP/SAVP', 'RTP/SAVP', 'RTP/SAVP', 'TCP/MSRP']);
  t.same(o1.media.map((m) => cryptoAttrsOf(m).map((c) => `${c.tag} ${c.suite}`)), [[`1 ${suite}`], [`1 ${suite}`], [`1 ${suite}`], []]);
  const o2 = parseSdp(offerSdp(streams, '127.0.0.1', 1, 2, true, suite));
  t.ok(cryptoAttrsOf(o2.media[0])[0].keySalt.equals(cryptoAttrsOf(o1.media[0])[0].keySalt), 'the same key in the re-offer');
  t.notOk(cryptoAttrsOf(o1.media[0])[0].keySalt.equals(cryptoAttrsOf(o1.media[1])[0].keySalt), 'a key per stream');
  t.same(parseSdp(offerSdp(streams, '127.0.0.1', 1, 3, false)).media.map((m) => m.protocol), ['RTP/AVP', 'RTP/AVP', 'RTP/AVP', 'TCP/MSRP'], 'no setting: plain');

  // The SRS's answer: stream 1 well, stream 2 as plain RTP/AVP, stream 3 with another tag.
  const sink = await RtpEndpoint.bind({ address: '127.0.0.1', port: 0 });
  t.teardown(() => sink.close());
  const got: Buffer[] = [];
  sink.onPacket((d) => got.push(d));
  const answer = structuredClone(o1);
  answer.media.forEach((m) => { m.port = sink.local.port; m.direction = 'recvonly'; });
  answer.media[0].rtcp = { port: sink.local.port + 1 };
  setCryptoAttrs(answer.media[0], [newCryptoAttr(1, suite)]);
  answer.media[1].protocol = 'RTP/AVP';
  setCryptoAttrs(answer.media[1], []);
  setCryptoAttrs(answer.media[2], [newCryptoAttr(2, suite)]);
  const fork = new MediaFork({ pool: new EndpointPool('127.0.0.1', new PortAllocator({ min: 41200, max: 41299 }), 0), cname: 'c', rtcpIntervalMs: 0 });
  t.teardown(() => fork.close());
  for (const s of streams.slice(0, 3)) await fork.add(s.params.label);
  const me = new MessageElements();
  me.setContent(writeSdp(answer), 'application/sdp');
  const info = applyAnswer(fork, streams.slice(0, 3), me, undefined, suite);
  t.same(info.map((s) => s.accepted), [true, false, false]);
  t.ok(fork.get('1')?.secure, 'stream 1 sends SRTP');
  const pkt = Buffer.concat([Buffer.from('8000000100000000000000aa', 'hex'), Buffer.alloc(160, 0xd5)]);
  t.ok(fork.forward('1', pkt));
  t.notOk(fork.forward('2', pkt), 'refused: not forked');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(got.length, 1);
  t.equal(got[0].length, 12 + 160 + 4);
  const rx = new SrtpReceiver(keyOf(cryptoAttrsOf(o1.media[0])[0]));
  const v = rx.unprotectRtp(got[0]);
  t.ok(v.ok, 'decrypts with the offered key (RFC 4568 §6.1)');
  if (v.ok) t.same(v.packet.subarray(12), pkt.subarray(12));
});
