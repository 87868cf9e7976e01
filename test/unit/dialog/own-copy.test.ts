/**
 * Copies that outlive their message (lib/message/own-copy.ts): a Buffer not cut from Node's shared pool, a
 * string not sliced from the message text, and a dialog whose id does not pin the INVITE it came from.
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ownBuffer, ownString } from '../../../lib/message/own-copy.js';
import { createUasDialog } from '../../../lib/dialog/dialog-factory.js';
import { parseMessage, type SipRequest } from '../../../lib/message/index.js';

t.test('ownBuffer: same bytes in an allocation of its own', async (t) => {
  const pooled = Buffer.from('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
  t.ok(pooled.buffer.byteLength > pooled.length, 'a small Buffer.from is a slice of the pool');
  const own = ownBuffer(pooled);
  t.same(own, pooled);
  t.equal(own.buffer.byteLength, own.length, 'the copy is not a pool slice');
  t.equal(own.byteOffset, 0);
  own[0] = 0x41;
  t.equal(pooled[0], 0x76, 'a copy, not a view');
  t.equal(ownBuffer(Buffer.alloc(0)).length, 0);
});

t.test('ownString: equal text, undefined stays undefined', async (t) => {
  const text = 'x'.repeat(4000) + 'a84b4c76e66710@pc33.atlanta.com' + 'y'.repeat(10);
  const cut = text.slice(4000, 4031);
  t.equal(ownString(cut), cut);
  t.equal(ownString('a"b\\c\u00e9\u2603'), 'a"b\\c\u00e9\u2603', 'quotes, escapes and non-ASCII survive');
  t.equal(ownString(undefined), undefined);
});

t.test('ownString: a kept copy does not pin the text it was cut from', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const keep = (copy: (s: string) => string): number => {
    const kept: string[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      const text = `Call-ID: ${i}-a84b4c76e66710@pc33.atlanta.example.com\r\n` + String(i % 10).repeat(100_000);
      kept.push(copy(text.slice(9, text.indexOf('\r\n'))));
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    t.equal(kept.length, 200);
    return grown;
  };
  t.ok(keep((s) => s) > 10_000_000, 'the slices alone keep the 200 texts of 100 KB (the test can see pinning)');
  t.ok(keep(ownString) < 1_000_000, 'the copies do not');
  t.equal(ownString('short-slice'), 'short-slice', 'under 13 characters the string is its own already');
});

t.test('a UAS dialog keeps the id of the INVITE, equal to the INVITE ones', async (t) => {
  const raw = [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774-long-enough-to-slice',
    'Call-ID: a84b4c76e66710-long-enough-to-slice@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const req = parseMessage(Buffer.from(raw)) as SipRequest;
  const d = createUasDialog(req, { localTag: 'b0b' });
  t.equal(d.id.callId, req.callId);
  t.equal(d.id.remoteTag, req.from.tag);
  t.equal(d.id.localTag, 'b0b');
  t.equal(d.key, `${req.callId}\nb0b\n${req.from.tag}`);
});
