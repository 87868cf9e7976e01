/**
 * The SRS's SRTP decisions (RFC 7866 §12, RFC 4568 §5.1.2): RTP/SAVP(F) with a usable a=crypto
 * recorded and answered RTP/SAVP with the same tag and suite and the SRS's own key; SRTP without
 * SDES keys (DTLS-SRTP) refused; `srtp: 'refuse'` / `'require'`.
 */
import t from 'tap';
import { parseSdp } from '../../../../lib/message/index.js';
import { cryptoAttrsOf, newCryptoAttr, formatCryptoAttr } from '../../../../lib/siprec/body/index.js';
import { buildAnswer, planOffer, recordable, type MediaPolicy } from '../../../../lib/siprec/srs/index.js';

const key = newCryptoAttr(3, 'AES_CM_128_HMAC_SHA1_32');
const offer = [
  'v=0', 'o=src 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 30000 RTP/SAVP 0', `a=crypto:${formatCryptoAttr({ ...key, tag: 1, suite: 'F8_128_HMAC_SHA1_80' })}`, `a=crypto:${formatCryptoAttr(key)}`, 'a=label:1', 'a=sendonly',
  'm=audio 30002 RTP/AVP 0', 'a=label:2', 'a=sendonly',
  'm=audio 30004 UDP/TLS/RTP/SAVP 0', 'a=fingerprint:sha-256 AA:BB', 'a=label:3', 'a=sendonly',
  'm=video 30006 RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000', 'a=label:4', 'a=sendonly',
  '',
].join('\r\n');
const policy = (srtp?: MediaPolicy['srtp']): MediaPolicy => ({ wavCodecs: ['PCMU', 'PCMA'], kinds: ['audio', 'video'], msrp: false, ...(srtp ? { srtp } : {}) });

t.test('accept (default): SDES stream recorded, answered RTP/SAVP with our own key', async (t) => {
  const p = planOffer(offer, policy());
  t.same(p.streams.map((s) => [s.label, s.store ?? null, s.srtp?.offered.tag ?? null]), [['1', 'wav', 3], ['2', 'wav', null], ['3', null, null], ['4', null, null]]);
  t.ok(p.streams[0].srtp!.offered.keySalt.equals(key.keySalt), 'the SRC key is what we decrypt with');
  const ans = parseSdp(buildAnswer(p, new Map([[0, { port: 40000 }], [1, { port: 40002 }]]), { address: '127.0.0.1', sessionId: 1, version: 1 }));
  t.equal(ans.media[0].protocol, 'RTP/SAVP');
  const c = cryptoAttrsOf(ans.media[0]);
  t.equal(c.length, 1);
  t.equal(c[0].tag, 3);
  t.equal(c[0].suite, 'AES_CM_128_HMAC_SHA1_32');
  t.notOk(c[0].keySalt.equals(key.keySalt), 'a key of its own');
  t.equal(ans.media[1].protocol, 'RTP/AVP');
  t.equal(cryptoAttrsOf(ans.media[1]).length, 0);
  t.equal(ans.media[2].port, 0, 'DTLS-SRTP: no keys, port 0');
  t.equal(ans.media[3].port, 0, 'SAVPF without a=crypto: port 0');
});

t.test("refuse / require", async (t) => {
  t.same(recordable(planOffer(offer, policy('refuse'))).map((s) => s.label), ['2']);
  t.same(recordable(planOffer(offer, policy('require'))).map((s) => s.label), ['1']);
  t.same(recordable(planOffer(offer.replace(/RTP\/SAVP 0/, 'RTP/AVP 0'), policy('require'))).map((s) => s.label), [], 'plain only: nothing (488)');
});
