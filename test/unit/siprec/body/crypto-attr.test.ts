import t from 'tap';
import {
  answerCrypto, cryptoAttrsOf, formatCryptoAttr, keyMaterialOf, matchCryptoAnswer, newCryptoAttr, parseCryptoAttr, setCryptoAttrs, usableCrypto,
} from '../../../../lib/siprec/body/index.js';
import { parseSdp, writeSdp } from '../../../../lib/message/index.js';

// RFC 4568 §4 example key-params.
const KEY = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';

t.test('parse and format a=crypto (RFC 4568 §4, §6.1)', async (t) => {
  const a = parseCryptoAttr(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^20|1:4`)!;
  t.equal(a.tag, 1);
  t.equal(a.suite, 'AES_CM_128_HMAC_SHA1_80');
  t.equal(a.keySalt.length, 30);
  t.equal(a.lifetime, 2 ** 20);
  t.same(a.mki, { value: 1, length: 4 });
  t.same(a.sessionParams, []);
  t.equal(formatCryptoAttr(a), `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^20|1:4`);
  const b = parseCryptoAttr(`2 AES_CM_128_HMAC_SHA1_32 inline:${KEY} KDR=1`)!;
  t.same(b.sessionParams, ['KDR=1']);
  t.notOk(usableCrypto(b), 'KDR other than 0 is not supported');
  t.ok(usableCrypto(parseCryptoAttr(`3 AES_CM_128_HMAC_SHA1_32 inline:${KEY} WSH=128`)!));
  t.equal(parseCryptoAttr(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1000`)!.lifetime, 1000);
  t.equal(parseCryptoAttr('x AES_CM_128_HMAC_SHA1_80 inline:abc'), undefined, 'bad tag');
  t.equal(parseCryptoAttr('1 AES_CM_128_HMAC_SHA1_80 uri:http://x'), undefined, 'not inline');
  t.equal(parseCryptoAttr(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1:0`), undefined, 'MKI length 0');
  t.equal(parseCryptoAttr('1 AES_CM_128_HMAC_SHA1_80'), undefined, 'no key');
  t.notOk(usableCrypto(parseCryptoAttr('1 AES_CM_128_HMAC_SHA1_80 inline:QUJD')!), 'short key');
  t.notOk(usableCrypto(parseCryptoAttr(`1 F8_128_HMAC_SHA1_80 inline:${KEY}`)!), 'unknown suite');
  const km = keyMaterialOf(a as never);
  t.equal(km.masterKey.length, 16);
  t.equal(km.masterSalt.length, 14);
  t.same(km.mki, { value: 1, length: 4 });
});

t.test('through SDP: read and written on the m-line', async (t) => {
  const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    'm=audio 4000 RTP/SAVP 0', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^20|1:32`, `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`, ''].join('\r\n');
  const s = parseSdp(sdp);
  const list = cryptoAttrsOf(s.media[0]);
  t.same(list.map((c) => c.tag), [1, 2]);
  const m = s.media[0];
  setCryptoAttrs(m, [newCryptoAttr(7, 'AES_CM_128_HMAC_SHA1_32')]);
  const out = writeSdp(s);
  t.match(out, /a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}\r\n/);
  t.equal(cryptoAttrsOf(parseSdp(out).media[0]).length, 1);
});

t.test('offer/answer (RFC 4568 §5.1.2, §5.1.3, §6.1)', async (t) => {
  const offer = [
    parseCryptoAttr(`1 F8_128_HMAC_SHA1_80 inline:${KEY}`)!,
    parseCryptoAttr(`2 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`)!,
    parseCryptoAttr(`3 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`)!,
  ];
  const c = answerCrypto(offer)!;
  t.equal(c.offered.tag, 2, 'first supported in offer order');
  t.equal(c.answer.tag, 2, 'same tag');
  t.equal(c.answer.suite, 'AES_CM_128_HMAC_SHA1_32', 'same suite');
  t.not(c.answer.keySalt.toString('hex'), c.offered.keySalt.toString('hex'), 'its own key');
  t.equal(answerCrypto(offer, ['AES_CM_128_HMAC_SHA1_80'])!.offered.tag, 3, 'restricted to accepted suites');
  t.equal(answerCrypto([offer[0]]), undefined, 'nothing acceptable');
  const back = matchCryptoAnswer(offer, [c.answer])!;
  t.equal(back.offered.tag, 2);
  t.equal(matchCryptoAnswer(offer, [{ ...c.answer, tag: 9 }]), undefined, 'a tag never offered');
  t.equal(matchCryptoAnswer(offer, [{ ...c.answer, suite: 'AES_CM_128_HMAC_SHA1_80' }]), undefined, 'suite differs from the offered tag');
  t.equal(matchCryptoAnswer(offer, []), undefined);
});
