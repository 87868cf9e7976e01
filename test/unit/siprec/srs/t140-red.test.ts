/**
 * RTT (RFC 4103) at the SRS: red payloads (RFC 2198) split into their blocks, the primary T.140
 * text taken once per sequence number, text of lost packets recovered from the redundancy of
 * later ones in order, duplicates and reordering handled, the BOM dropped.
 */
import t from 'tap';
import type { RtpPacket } from '../../../../lib/siprec/media/index.js';
import { parseRedPayload, T140Extractor } from '../../../../lib/siprec/srs/index.js';

const T140 = 98;
const RED = 100;

/** A red payload: redundant blocks oldest first, then the primary (RFC 2198 §3). */
function red(redundant: string[], primary: string): Buffer {
  const heads: Buffer[] = [];
  redundant.forEach((r, i) => {
    const h = Buffer.alloc(4);
    const len = Buffer.byteLength(r);
    const off = (redundant.length - i) * 300;
    h.writeUInt32BE(((0x80 | T140) << 24 | off << 10 | len) >>> 0);
    heads.push(h);
  });
  heads.push(Buffer.from([T140]));
  return Buffer.concat([...heads, ...redundant.map((r) => Buffer.from(r)), Buffer.from(primary)]);
}

const pkt = (seq: number, payload: Buffer, pt = RED, ssrc = 7): RtpPacket =>
  ({ marker: false, payloadType: pt, sequenceNumber: seq & 0xffff, timestamp: seq * 300, ssrc, csrcs: [], payload });

const text = (x: T140Extractor, p: RtpPacket): string => Buffer.concat(x.push(p)).toString('utf8');

t.test('red payload blocks', async (t) => {
  const b = parseRedPayload(red(['ab', ''], 'cd€'));
  t.same(b.map((x) => [x.payloadType, x.data.toString(), x.primary]), [[T140, 'ab', false], [T140, '', false], [T140, 'cd€', true]]);
  t.same(b.map((x) => x.timestampOffset), [600, 300, 0]);
  t.same(parseRedPayload(Buffer.from([T140, 0x41])).map((x) => x.data.toString()), ['A'], 'primary only');
  t.throws(() => parseRedPayload(Buffer.from([0x80 | T140, 0, 0])), RangeError, 'header cut');
  const bad = Buffer.alloc(5);
  bad.writeUInt32BE(((0x80 | T140) << 24 | 0 << 10 | 9) >>> 0);
  bad[4] = T140;
  t.throws(() => parseRedPayload(bad), RangeError, 'block longer than the payload');
});

t.test('each block once; loss recovered from redundancy in order; reordering and duplicates', async (t) => {
  const x = new T140Extractor({ t140PayloadType: T140, redPayloadType: RED });
  const out: string[] = [];
  // The sender's stream of T140blocks: seq n carries block n as primary, n-1 and n-2 as redundancy.
  const blocks = ['\uFEFFHel', 'lo ', 'wor', 'ld', '!', ' ok', '?'];
  const send = (n: number): RtpPacket => pkt(1000 + n, red([blocks[n - 2] ?? '', blocks[n - 1] ?? ''].slice(n >= 2 ? 0 : 2 - n), blocks[n]));
  out.push(text(x, send(0)));
  out.push(text(x, send(1)));
  out.push(text(x, send(1)));              // duplicate
  // 2 and 3 lost; 4 carries them as redundancy.
  out.push(text(x, send(4)));
  out.push(text(x, send(3)));              // late: already recovered
  out.push(text(x, send(5)));
  out.push(text(x, send(6)));
  t.equal(out.join(''), 'Hello world! ok?', 'the text once, in order, BOM dropped');
  t.equal(x.recovered, 2, 'two blocks recovered from redundancy');
  t.ok(x.duplicates >= 2, 'duplicates skipped');
});

t.test('plain t140, sequence wrap, a new SSRC, other payload types', async (t) => {
  const x = new T140Extractor({ t140PayloadType: T140 });
  let s = '';
  for (let i = 0; i < 6; i++) s += text(x, pkt(0xfffd + i, Buffer.from(String(i)), T140));
  t.equal(s, '012345', 'across the 16-bit wrap');
  t.equal(text(x, pkt(0xffff, Buffer.from('3'), T140)), '', 'a duplicate from before the wrap');
  t.equal(text(x, pkt(2, Buffer.from('Z'), T140, 99)), 'Z', 'a new source starts afresh');
  t.equal(text(x, pkt(3, Buffer.from('?'), 13)), '', 'comfort noise or anything else is ignored');
  t.equal(x.ignored, 1);
  t.equal(text(x, pkt(4, red(['a'], 'b'), RED)), '', 'red when red was not negotiated is ignored');
});
