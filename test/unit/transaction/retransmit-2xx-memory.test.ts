/**
 * While a 2xx waits for its ACK (up to 64*T1), the retransmitter keeps it as its wire form once the
 * first retransmission is out: nothing else of the retransmitter may keep the parsed response (a
 * timer callback sharing a V8 context with it did, and so kept the INVITE's text through the
 * response's copied headers for the whole window).
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type SipResponse, parseMessage } from '../../../lib/message/index.js';
import { makeRequest, reply, single, source } from './harness.js';

setFlagsFromString('--expose-gc');
const gcNow = runInNewContext('gc') as () => void;
/** A full GC in a later job: WeakRef targets touched in this job are kept until it ends. */
async function gc(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  gcNow();
}

t.test('after the first retransmission the parsed 2xx is held by nobody, and is parsed again for the next', async (t) => {
  const { layer, transport, clock } = single();
  const invite = makeRequest({ branch: 'z9hG4bKretransmitmemory' });
  const d = layer.receiveRequest(invite, source());
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  let ok: SipResponse | undefined = reply(invite, 200, 'uas');
  ok.headers.set('X-Marker', 'kept-on-the-wire');
  const watch = new WeakRef(ok);
  const firstWire = ok.toString();
  layer.retransmit2xxUntilAck(d.tx, ok);
  ok = undefined;
  clock.advance(600); // the first retransmission, at T1
  t.same(transport.responseTimes(200), [0, 500]);
  transport.sent.length = 0; // the fake transport would keep the response alive
  await gc();
  t.equal(watch.deref(), undefined, 'the parsed 2xx was collected while its retransmission goes on');
  clock.advance(1000); // the second, at 3*T1
  const again = transport.responses(200);
  t.equal(again.length, 1, 'retransmitted again');
  t.equal(again[0]?.toString(), firstWire, 'from the wire form: the same bytes');
  t.equal(layer.stats().retransmitting2xx, 1);
  layer.close();
});

t.test('a 2xx waiting for its ACK does not keep the text of the INVITE it answers (its key is a flat copy)', async (t) => {
  const { layer, transport, clock } = single();
  // each INVITE's head is ~64 kB; its Call-ID and From tag, parsed out of that text, are V8
  // substrings of it, which the retransmitter's key (Call-ID, CSeq, tags) must not keep
  const pad = 'x'.repeat(64 * 1024);
  const COUNT = 40;
  await gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < COUNT; i++) {
    const text =
      `INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKflatkey${i}\r\nMax-Forwards: 70\r\n` +
      `From: <sip:alice@example.com>;tag=from-tag-long-enough-to-slice-${i}\r\nTo: <sip:bob@example.com>\r\n` +
      `Call-ID: call-id-long-enough-to-be-a-slice-${i}@example.com\r\nCSeq: 1 INVITE\r\nX-Pad: ${pad}${i}\r\nContent-Length: 0\r\n\r\n`;
    const invite = parseMessage(Buffer.from(text, 'latin1'));
    if (!invite.isRequest()) throw new Error('expected a request');
    const d = layer.receiveRequest(invite, source());
    if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
    layer.retransmit2xxUntilAck(d.tx, reply(invite, 200, `uas-tag-${i}`));
  }
  clock.advance(600); // the first retransmissions: every entry now holds only the 2xx's wire form
  transport.sent.length = 0;
  await gc();
  const grown = process.memoryUsage().heapUsed - before;
  t.equal(layer.stats().retransmitting2xx, COUNT, 'every 2xx still waits for its ACK');
  // pinned, the INVITE texts alone would be COUNT * 64 kB = 2.5 MB
  t.ok(grown < (COUNT * pad.length) / 4, `heap grew ${(grown / 1024).toFixed(0)} kB for ${COUNT} entries`);
  layer.close();
});
