/** PcmTap (issue 13): decoding, bounded buffer with counted drops that recovers once read, gaps, end. */
import t from 'tap';
import { encodeAlaw, encodeUlaw, g711DecoderFor, PcmTap, type RtpPacket } from '../../../lib/siprec/media/index.js';

function tone(n: number, from: number, amp = 8000): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * 440 * (from + i)) / 8000)));
}

function packet(seq: number, pt: number, pcm: Int16Array, ts = seq * 160): RtpPacket {
  return { marker: false, payloadType: pt, sequenceNumber: seq & 0xffff, timestamp: ts, ssrc: 7, csrcs: [], payload: pt === 8 ? encodeAlaw(pcm) : encodeUlaw(pcm) };
}

function tap(opts: Partial<ConstructorParameters<typeof PcmTap>[0]> = {}): PcmTap {
  const g = g711DecoderFor(undefined)!;
  return new PcmTap({ streamLabel: '1', participant: undefined, codec: g.codec, decode: g.decode, reorderPackets: 0, ...opts });
}

function drain(t: PcmTap): Int16Array {
  const bufs: Buffer[] = [];
  for (let b = t.pcm.read() as Buffer | null; b !== null; b = t.pcm.read() as Buffer | null) bufs.push(b);
  const all = Buffer.concat(bufs);
  return Int16Array.from({ length: all.length / 2 }, (_, i) => all.readInt16LE(2 * i));
}

t.test('g711DecoderFor: static types, dynamic ones by name, none for other codecs', async (t) => {
  const pcm = tone(160, 0);
  const dflt = g711DecoderFor(undefined)!;
  t.equal(dflt.codec, 'PCMU');
  t.ok(dflt.decode(0, encodeUlaw(pcm)));
  t.ok(dflt.decode(8, encodeAlaw(pcm)));
  t.equal(dflt.decode(101, Buffer.alloc(4)), undefined, 'telephone-event is not audio');
  const dyn = g711DecoderFor([{ payloadType: 96, name: 'pcma' }, { payloadType: 101, name: 'telephone-event' }])!;
  t.equal(dyn.codec, 'PCMA');
  const out = dyn.decode(96, encodeAlaw(pcm))!;
  t.ok(Math.abs(out[40] - pcm[40]) < 200, 'PT 96 decoded as A-law');
  t.equal(dyn.decode(0, encodeUlaw(pcm)), undefined, 'a type the formats do not name is ignored');
  t.equal(g711DecoderFor([{ payloadType: 9, name: 'G722' }, { payloadType: 111, name: 'opus' }]), undefined);
});

t.test('PCM out is s16le of what was sent; a full buffer drops (counted) until the reader reads again', async (t) => {
  const x = tap({ bufferMs: 40 }); // 640 bytes: two 20 ms frames
  for (let i = 0; i < 10; i++) x.packet(packet(i, 0, tone(160, i * 160)));
  t.equal(x.frames, 2, 'two frames fill the buffer');
  t.equal(x.droppedFrames, 8, 'the rest is dropped and counted');
  t.ok(x.pcm.readableLength <= 640);
  const first = drain(x);
  t.equal(first.length, 320);
  t.ok(Math.abs(first[100] - tone(160, 0)[100]) < 300, 'the samples sent (µ-law error aside)');
  // the reader read: frames flow again
  for (let i = 10; i < 12; i++) x.packet(packet(i, 0, tone(160, i * 160)));
  t.equal(x.frames, 4, 'delivered again after the read');
  t.equal(x.droppedFrames, 8);
  const s = x.end();
  t.same(s, { streamLabel: '1', frames: 4, droppedFrames: 8, samples: 640, droppedSamples: 1280 });
  t.same(await x.done, s);
});

t.test('a short gap comes as zeros, a long one (pause) as nothing', async (t) => {
  const x = tap();
  x.packet(packet(0, 8, tone(160, 0)));
  x.packet(packet(6, 8, tone(160, 0))); // 5 packets (100 ms) lost
  t.equal(drain(x).length, 160 + 800 + 160, 'lost packets filled with zeros');
  x.packet(packet(7, 8, tone(160, 0), 6 * 160 + 8000 * 10)); // 10 s later on the timestamps: a pause
  t.equal(drain(x).length, 160, 'no frames for the pause');
});

t.test('end: the stream ends, later packets are ignored, a destroyed pcm counts drops', async (t) => {
  const x = tap({ reorderPackets: 2 });
  x.packet(packet(0, 0, tone(160, 0)));
  t.equal(x.frames, 0, 'held for reordering');
  const ended = new Promise<void>((r) => x.pcm.once('end', r));
  x.end();
  t.equal(x.frames, 1, 'flushed at the end');
  t.ok(x.ended);
  x.packet(packet(1, 0, tone(160, 160)));
  t.equal(x.frames, 1, 'nothing after the end');
  drain(x);
  await ended;
  const y = tap();
  y.pcm.destroy();
  y.packet(packet(0, 0, tone(160, 0)));
  t.equal(y.droppedFrames, 1, 'a consumer that went away: dropped');
  y.end();
});
