/**
 * Every SIPREC timer runs on the stack's injectable Clock (include-types/settings.ts; see
 * lib/siprec/common/timers.ts), so tests drive them with a FakeClock and no test waits for a real
 * RFC timer: no raw `setTimeout` / `setInterval` (nor `AbortSignal.timeout`, a timer in disguise)
 * in lib/siprec. Deferral to the next turn (`setImmediate`, `queueMicrotask`) is not a timer and
 * is allowed. An exception needs an entry below with its reason.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsFiles } from './ts-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const siprec = join(root, 'lib', 'siprec');

/** File (relative to the repo) → why it may use a real-time timer. */
const ALLOWED: Record<string, string> = {
  'lib/siprec/media/synthetic-call.ts': 'demo/sample packet generator paced on the wall clock with realtime: true; models no protocol time',
};

const RAW_TIMER = /\b(setTimeout|setInterval)\b|\bAbortSignal\s*\.\s*timeout\b/;

/** The code without comments (block and line), strings kept: a timer named in a comment is fine. */
function code(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

t.test('lib/siprec uses the Clock, never a raw timer', async (t) => {
  const bad: string[] = [];
  for (const f of tsFiles(siprec)) {
    const rel = relative(root, f).split('\\').join('/');
    if (rel in ALLOWED) continue;
    code(readFileSync(f, 'utf8')).split('\n').forEach((line, i) => {
      if (RAW_TIMER.test(line)) bad.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  t.same(bad, [], 'raw timers in lib/siprec (put them on the Clock, or allow-list with a reason)');
});

t.test('every allow-list entry has a reason and still needs it', async (t) => {
  for (const [file, why] of Object.entries(ALLOWED)) {
    t.ok(why.trim().length > 20, `${file}: a written reason`);
    t.match(code(readFileSync(join(root, file), 'utf8')), RAW_TIMER, `${file} still uses a raw timer (else drop the entry)`);
  }
});

t.test('the check sees what it must', async (t) => {
  t.match(code('const x = setTimeout(f, 10);'), RAW_TIMER);
  t.match(code('fetch(u, { signal: AbortSignal.timeout(5) })'), RAW_TIMER);
  t.notMatch(code('// setTimeout in a comment\n/* setInterval */ setImmediate(f);'), RAW_TIMER);
});
