/**
 * rtp-kind.ts: the media kind (and a static payload type's encoding) an rtpdump's packets tell, for
 * an index rebuilt after a crash.
 */
import t from 'tap';
import { guessRtpMedia } from '../../../../lib/siprec/srs/storage/rtp-kind.js';
import type { RtpdumpRecord } from '../../../../lib/siprec/srs/storage/rtpdump.js';

/** An RTP packet (RFC 3550 §5.1) as a dump record. */
function rtp(pt: number, ts: number, offsetMs: number, ssrc = 0x1234): RtpdumpRecord {
  const data = Buffer.alloc(20);
  data[0] = 0x80;
  data[1] = pt;
  data.writeUInt32BE(ts >>> 0, 4);
  data.writeUInt32BE(ssrc, 8);
  return { offsetMs, rtcp: false, data };
}

/** `n` packets every `everyMs`, timestamps at `clock` Hz from `ts0`. */
function stream(pt: number, clock: number, n: number, everyMs: number, ts0 = 1000, ssrc?: number): RtpdumpRecord[] {
  return Array.from({ length: n }, (_, i) => rtp(pt, ts0 + (i * everyMs * clock) / 1000, 50 + i * everyMs, ssrc));
}

t.test('a static payload type names its encoding and kind (RFC 3551 tables 4 and 5)', async (t) => {
  t.same(guessRtpMedia([rtp(0, 0, 0)]), { codec: 'PCMU', kind: 'audio' }, 'one packet is enough');
  t.same(guessRtpMedia(stream(8, 8000, 3, 20)), { codec: 'PCMA', kind: 'audio' });
  t.same(guessRtpMedia([rtp(34, 0, 0)]), { codec: 'H263', kind: 'video' });
  t.same(guessRtpMedia([rtp(9, 0, 0)]), { codec: 'G722', kind: 'audio' });
});

t.test('a dynamic payload type is told by its RTP clock', async (t) => {
  t.same(guessRtpMedia(stream(96, 90000, 31, 33)), { kind: 'video' }, 'H.264 at 30 fps: 90 kHz');
  t.same(guessRtpMedia(stream(111, 48000, 51, 20)), { kind: 'audio' }, 'Opus: 48 kHz');
  t.same(guessRtpMedia(stream(101, 16000, 26, 20)), { kind: 'audio' }, 'a wideband codec: 16 kHz');
  t.same(guessRtpMedia(stream(98, 1000, 4, 300)), { kind: 'text' }, 'T.140: 1 kHz (RFC 4103)');
  // silence suppression: a gap in the packets, the timestamps still follow the clock
  const dtx = [...stream(111, 48000, 10, 20), ...stream(111, 48000, 10, 20, 1000 + 48000 * 2).map((r) => ({ ...r, offsetMs: r.offsetMs + 2000 }))];
  t.same(guessRtpMedia(dtx), { kind: 'audio' }, 'audio with a 2 s silence gap');
  // the timestamp wraps at 2^32 (RFC 3550 §5.1)
  t.same(guessRtpMedia(stream(96, 90000, 31, 33, 0xffff_0000)), { kind: 'video' }, 'across the timestamp wrap');
});

t.test('what does not tell gives nothing', async (t) => {
  t.same(guessRtpMedia([]), {}, 'no packet');
  t.same(guessRtpMedia([{ offsetMs: 0, rtcp: true, data: Buffer.alloc(28, 0x80) }]), {}, 'RTCP only');
  t.same(guessRtpMedia(stream(96, 90000, 3, 33)), {}, 'a dynamic type over 66 ms: too short to trust the clock');
  t.same(guessRtpMedia(stream(100, 200000, 20, 20)), {}, 'a clock of no known kind');
  t.same(guessRtpMedia([rtp(50, 0, 0)]), {}, 'an unassigned static type, one packet');
  // the clock is read from the first source's packets only: a second SSRC interleaved does not skew it
  const two = stream(96, 90000, 31, 33).flatMap((r, i) => [r, rtp(96, i * 7, r.offsetMs, 0x9999)]);
  t.same(guessRtpMedia(two), { kind: 'video' }, 'two sources, the first one read');
});
