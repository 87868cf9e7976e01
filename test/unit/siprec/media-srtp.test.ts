import t from 'tap';
import {
  aesCmKeystream, counterBlock, deriveSessionKey, KdfLabel, ReplayWindow, SrtpFailure, SrtpReceiver, SrtpSender,
  type SrtpKeyMaterial, type SrtpSuite,
} from '../../../lib/siprec/media/srtp/index.js';
import { buildRtcpSdesCname, buildRtcpSr, buildRtp } from '../../../lib/siprec/media/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 3711 Appendix B.2 (AES-CM test vectors): session key 2B7E...4F3C, ROC 0, SEQ 0, SSRC 0,
// session salt F0F1...FCFD ("already shifted": offset F0F1...FCFD0000); keystream blocks at the
// start and at the end of the 1044512-octet (65282 block) segment.
t.test('RFC 3711 B.2: AES-CM keystream', async (t) => {
  const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const iv = counterBlock(hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 0, 0);
  t.equal(iv.toString('hex').toUpperCase(), 'F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000', 'IV from salt, SSRC 0, index 0');
  const ks = aesCmKeystream(key, iv, 1044512);
  t.equal(ks.subarray(0, 48).toString('hex').toUpperCase(),
    'E03EAD0935C95E80E166B16DD92B4EB4' + 'D23513162B02D0F72A43A2FE4A5F97AB' + '41E95B3BB0A2E8DD477901E4FCA894C0', 'counters 0000..0002');
  t.equal(ks.subarray(ks.length - 48).toString('hex').toUpperCase(),
    'EC8CDF7398607CB0F2D21675EA9EA1E4' + '362B7C3C6773516318A077D7FC5073AE' + '6A2CC3787889374FBEB4C81B17BA6C44', 'counters FEFF..FF01');
});

// RFC 3711 Appendix B.3 (key derivation test vectors), kdr 0.
t.test('RFC 3711 B.3: key derivation', async (t) => {
  const mk = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
  const ms = hex('0EC675AD498AFEEBB6960B3AABE6');
  t.equal(deriveSessionKey(mk, ms, KdfLabel.RtpEncryption, 16).toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087', 'cipher key');
  t.equal(deriveSessionKey(mk, ms, KdfLabel.RtpSalt, 14).toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1', 'cipher salt');
  t.equal(deriveSessionKey(mk, ms, KdfLabel.RtpAuth, 94).toString('hex').toUpperCase(),
    'CEBE321F6FF7716B6FD4AB49AF256A15' + '6D38BAA48F0A0ACF3C34E2359E6CDBCE' + 'E049646C43D9327AD175578EF7227098'
    + '6371C10C9A369AC2F94A8C5FBCDDDC25' + '6D6E919A48B610EF17C2041E47403576' + '6B68642C59BBFC2F34DB60DBDFB2', 'auth key (94 octets)');
});

const km = (suite: SrtpSuite = 'AES_CM_128_HMAC_SHA1_80'): SrtpKeyMaterial => ({
  suite, masterKey: Buffer.from([...Array(16).keys()]), masterSalt: Buffer.from([...Array(14).keys()].map((x) => x + 100)),
});
const rtp = (seq: number, ssrc = 0x11223344, payload = Buffer.from(`payload ${seq}`)): Buffer =>
  buildRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrcs: [], payload });

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
  t.test(`${suite}: round trip RTP and RTCP`, async (t) => {
    const tx = new SrtpSender(km(suite));
    const rx = new SrtpReceiver(km(suite));
    for (let seq = 100; seq < 110; seq++) {
      const plain = rtp(seq);
      const wire = tx.protectRtp(plain)!;
      t.equal(wire.length, plain.length + (suite.endsWith('80') ? 10 : 4));
      t.same(wire.subarray(0, 12), plain.subarray(0, 12), 'header in the clear');
      t.not(wire.subarray(12, plain.length).toString('hex'), plain.subarray(12).toString('hex'), 'payload encrypted');
      const v = rx.unprotectRtp(wire);
      t.ok(v.ok);
      if (v.ok) t.same(v.packet, plain);
    }
    const sr = Buffer.concat([buildRtcpSr({ ssrc: 0x11223344, ntp: { seconds: 1, fraction: 2 }, rtpTimestamp: 1, packetCount: 2, octetCount: 3 }), buildRtcpSdesCname(0x11223344, 'src@x')]);
    const w = tx.protectRtcp(sr)!;
    t.equal(w.length, sr.length + 4 + 10, 'E||index and an 80-bit tag');
    t.equal(w.readUInt32BE(sr.length), 0x80000000, 'E set, index 0');
    const v = rx.unprotectRtcp(w);
    t.ok(v.ok);
    if (v.ok) t.same(v.packet, sr);
    t.equal(tx.protectRtcp(sr)!.readUInt32BE(sr.length), 0x80000001, 'next SRTCP index');
  });
}

t.test('tamper: auth failure, state untouched', async (t) => {
  const tx = new SrtpSender(km());
  const rx = new SrtpReceiver(km());
  const w = tx.protectRtp(rtp(1))!;
  for (const at of [1, 5, 13, w.length - 1]) {
    const bad = Buffer.from(w);
    bad[at] ^= 0x01;
    const v = rx.unprotectRtp(bad);
    t.same(v, { ok: false, failure: SrtpFailure.Auth }, `bit flipped at ${at}`);
  }
  t.ok(rx.unprotectRtp(w).ok, 'the genuine packet still passes');
  const other = new SrtpReceiver({ ...km(), masterKey: Buffer.alloc(16, 7) });
  t.same(other.unprotectRtp(tx.protectRtp(rtp(2))!), { ok: false, failure: SrtpFailure.Auth }, 'wrong key');
  const rw = tx.protectRtcp(buildRtcpSdesCname(0x11223344, 'c'))!;
  rw[10] ^= 0x80;
  t.same(rx.unprotectRtcp(rw), { ok: false, failure: SrtpFailure.Auth }, 'SRTCP tamper');
  t.same(rx.unprotectRtp(Buffer.alloc(5)), { ok: false, failure: SrtpFailure.Malformed });
  t.same(rx.unprotectRtcp(Buffer.from('garbage')), { ok: false, failure: SrtpFailure.Malformed });
  t.same(rx.stats, { ok: 1, authFailures: 5, replays: 0, malformed: 2 });
});

t.test('replay: duplicates and packets behind the 64-packet window refused; reordering inside it fine', async (t) => {
  const tx = new SrtpSender(km());
  const rx = new SrtpReceiver(km());
  const wires = Array.from({ length: 100 }, (_, i) => tx.protectRtp(rtp(1000 + i))!);
  t.ok(rx.unprotectRtp(wires[0]).ok);
  t.same(rx.unprotectRtp(wires[0]), { ok: false, failure: SrtpFailure.Replay }, 'duplicate');
  t.ok(rx.unprotectRtp(wires[5]).ok);
  t.ok(rx.unprotectRtp(wires[3]).ok, 'late inside the window');
  t.same(rx.unprotectRtp(wires[3]), { ok: false, failure: SrtpFailure.Replay });
  t.ok(rx.unprotectRtp(wires[90]).ok);
  t.same(rx.unprotectRtp(wires[10]), { ok: false, failure: SrtpFailure.Replay }, '80 behind: outside the window');
  t.ok(rx.unprotectRtp(wires[40]).ok, '50 behind: inside');
  const srtcp = tx.protectRtcp(buildRtcpSdesCname(0x11223344, 'c'))!;
  t.ok(rx.unprotectRtcp(srtcp).ok);
  t.same(rx.unprotectRtcp(srtcp), { ok: false, failure: SrtpFailure.Replay }, 'SRTCP replay');
  t.equal(rx.stats.replays, 4);
  const w = new ReplayWindow();
  t.ok(w.check(0));
  w.accept(0);
  w.accept(200);
  t.notOk(w.check(136));
  t.ok(w.check(137));
});

t.test('ROC rollover across 65535 → 0, with reordering around the wrap', async (t) => {
  const tx = new SrtpSender(km());
  const rx = new SrtpReceiver(km());
  const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
  const wires = seqs.map((s) => tx.protectRtp(rtp(s))!);
  const order = [0, 1, 2, 3, 4, 6, 5, 7, 9, 8]; // 0 before 65535, 3 before 2
  for (const i of order) {
    const v = rx.unprotectRtp(wires[i]);
    t.ok(v.ok, `seq ${seqs[i]}`);
    if (v.ok) {
      t.equal(v.index, (seqs[i] < 100 ? 65536 : 0) + seqs[i], 'index carries the ROC');
      t.same(v.packet, rtp(seqs[i]));
    }
  }
  // Many wraps: the receiver follows the sender's ROC.
  const tx2 = new SrtpSender(km());
  const rx2 = new SrtpReceiver(km());
  let ok = 0;
  for (let n = 0; n < 3 * 65536 + 10; n += 97) if (rx2.unprotectRtp(tx2.protectRtp(rtp(n & 0xffff, 5, Buffer.alloc(4)))!).ok) ok++;
  t.equal(ok, Math.ceil((3 * 65536 + 10) / 97), 'every packet over three wraps');
  // A wrong ROC guess is an authentication failure, never wrong audio.
  const rx3 = new SrtpReceiver(km());
  const tx3 = new SrtpSender(km());
  tx3.protectRtp(rtp(65535));
  const afterWrap = tx3.protectRtp(rtp(0))!; // ROC 1
  t.same(rx3.unprotectRtp(afterWrap), { ok: false, failure: SrtpFailure.Auth }, 'a receiver starting at ROC 0 cannot take it');
});

t.test('SSRCs have their own state; an RTP header with CSRCs and an extension stays clear', async (t) => {
  const tx = new SrtpSender(km());
  const rx = new SrtpReceiver(km());
  t.ok(rx.unprotectRtp(tx.protectRtp(rtp(7, 1))!).ok);
  t.ok(rx.unprotectRtp(tx.protectRtp(rtp(7, 2))!).ok, 'same seq, other SSRC');
  const p = buildRtp({ marker: true, payloadType: 96, sequenceNumber: 9, timestamp: 1, ssrc: 3, csrcs: [4, 5], extension: { profile: 0xbede, data: Buffer.alloc(4, 1) }, payload: Buffer.from('xyz') });
  const w = tx.protectRtp(p)!;
  t.same(w.subarray(0, p.length - 3), p.subarray(0, p.length - 3), 'header, CSRCs, extension in the clear');
  const v = rx.unprotectRtp(w);
  t.ok(v.ok && v.packet.equals(p));
  t.equal(tx.protectRtp(Buffer.from('nope')), undefined);
});

t.test('MKI carried and checked', async (t) => {
  const k = { ...km(), mki: { value: 1, length: 4 } };
  const tx = new SrtpSender(k);
  const rx = new SrtpReceiver(k);
  const w = tx.protectRtp(rtp(1))!;
  t.equal(w.length, rtp(1).length + 4 + 10);
  t.ok(rx.unprotectRtp(w).ok);
  const other = new SrtpReceiver({ ...km(), mki: { value: 2, length: 4 } });
  t.same(other.unprotectRtp(tx.protectRtp(rtp(2))!), { ok: false, failure: SrtpFailure.UnknownMki });
  t.ok(rx.unprotectRtcp(tx.protectRtcp(buildRtcpSdesCname(1, 'x'))!).ok);
});
