/** lib/cli/repeat-log.ts: the first line of a kind per window printed, the rest counted and summed at the window's end. */
import t from 'tap';
import { RepeatLog } from '../../../lib/cli/repeat-log.js';

t.test('first of a kind printed at once, the rest of the window summed in one line', async (t) => {
  let now = 0;
  const out: string[] = [];
  const r = new RepeatLog((l) => out.push(l), () => now);
  r.note('rejected 503 busy', 'rejected a: 503 busy');
  r.note('rejected 503 busy', 'rejected b: 503 busy');
  r.note('rejected 486 full', 'rejected c: 486 full');
  r.note('rejected 503 busy', 'rejected d: 503 busy');
  t.same(out, ['rejected a: 503 busy', 'rejected c: 486 full'], 'one line per kind');
  now = 400;
  r.flush();
  t.same(out.slice(2), ['rejected 503 busy: 2 more in the last 0.4 s'], 'the count of the others; a kind seen once adds nothing');
  r.note('rejected 503 busy', 'rejected e: 503 busy');
  t.equal(out.at(-1), 'rejected e: 503 busy', 'a new window prints the first again');
});

t.test('a window that ended is flushed by the next note, before its line; flush with nothing held prints nothing', async (t) => {
  let now = 0;
  const out: string[] = [];
  const r = new RepeatLog((l) => out.push(l), () => now, 1000);
  r.flush();
  t.same(out, []);
  for (let i = 0; i < 5; i++) r.note('k', `line ${i}`);
  now = 1000;
  r.note('k', 'line 5');
  t.same(out, ['line 0', 'k: 4 more in the last 1.0 s', 'line 5']);
  r.flush();
  t.same(out.length, 3, 'nothing more: line 5 was printed');
});
