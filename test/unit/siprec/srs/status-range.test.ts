/** Range header parsing for stored files (RFC 9110 §14): 206 ranges, 416 for bad or unsatisfiable ones, whole otherwise. */
import t from 'tap';
import { parseRange } from '../../../../lib/siprec/srs/status/range.js';

t.test('single byte ranges', async (t) => {
  t.same(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  t.same(parseRange('bytes=0-', 100), { kind: 'partial', start: 0, end: 99 }, 'open end (what audio elements send)');
  t.same(parseRange('bytes=90-200', 100), { kind: 'partial', start: 90, end: 99 }, 'last-pos clipped to the file');
  t.same(parseRange('bytes=99-99', 100), { kind: 'partial', start: 99, end: 99 }, 'the last byte');
  t.same(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 }, 'suffix');
  t.same(parseRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 }, 'suffix longer than the file: all of it');
  t.same(parseRange('Bytes = 5-6', 100), { kind: 'partial', start: 5, end: 6 }, 'unit case-insensitive, spaces around');
});

t.test('unsatisfiable or malformed: 416', async (t) => {
  for (const h of ['bytes=100-', 'bytes=100-200', 'bytes=-0', 'bytes=5-2', 'bytes=', 'bytes=-', 'bytes=abc', 'bytes=1-2-3', 'bytes=0x10-',
    'bytes= 1 -2', 'bytes=1234567890123456-', 'bytes=-1234567890123456', 'bytes=1.5-2', 'bytes=+1-2', 'garbage']) {
    t.same(parseRange(h, 100), { kind: 'unsatisfiable' }, h);
  }
  t.same(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' }, 'an empty file has no byte to send');
  t.same(parseRange('bytes=-1', 0), { kind: 'unsatisfiable' });
  t.same(parseRange('bytes=0-1, 5-2', 100), { kind: 'unsatisfiable' }, 'a malformed spec in a set');
});

t.test('ignored: whole file', async (t) => {
  t.same(parseRange(undefined, 100), { kind: 'whole' });
  t.same(parseRange('items=0-1', 100), { kind: 'whole' }, 'unknown unit (RFC 9110 §14.2)');
  t.same(parseRange('bytes=0-1,5-6', 100), { kind: 'whole' }, 'several ranges (no multipart/byteranges)');
});
