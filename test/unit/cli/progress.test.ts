/** lib/cli/progress.ts: the live line on a terminal, plain lines otherwise, messages in between. */
import t from 'tap';
import { formatElapsed, ProgressReporter, type ProgressStream } from '../../../lib/cli/progress.js';

function sink(isTTY: boolean, columns?: number): ProgressStream & { text: string } {
  return { isTTY, ...(columns !== undefined ? { columns } : {}), text: '', write(chunk: string) { this.text += chunk; return true; } };
}

t.test('formatElapsed', async (t) => {
  t.equal(formatElapsed(0), '0:00');
  t.equal(formatElapsed(65_400), '1:05');
  t.equal(formatElapsed(3_600_000 + 62_000), '1:01:02');
  t.equal(formatElapsed(-5), '0:00');
});

t.test('auto mode picks live on a TTY and plain otherwise', async (t) => {
  t.equal(new ProgressReporter({ stream: sink(true) }).mode, 'live');
  t.equal(new ProgressReporter({ stream: sink(false) }).mode, 'plain');
  t.equal(new ProgressReporter({ stream: sink(true), mode: 'off' }).mode, 'off');
});

t.test('the line counts recordings, packets and elapsed time', async (t) => {
  let now = 1000;
  const p = new ProgressReporter({ stream: sink(false), label: 'record', now: () => now }).start();
  p.set({ recordings: 1 });
  for (let i = 0; i < 250; i++) p.add({ packets: 1 });
  now += 5000;
  t.equal(p.line(), 'record: 1 recording, 250 packets, 0:05 elapsed');
  p.set({ recordings: 2, note: 'SRS up' });
  t.equal(p.line(), 'record: 2 recordings, 250 packets, 0:05 elapsed, SRS up');
  p.set({ note: '' });
  t.same(p.current, { recordings: 2, packets: 250 });
  p.stop();
});

t.test('live: redrawn in place, messages above it, erased at stop', async (t) => {
  let now = 0;
  const out = sink(true, 30);
  const p = new ProgressReporter({ stream: out, label: 'x', now: () => now }).start();
  t.equal(out.text, '\r\x1b[Kx: 0 recordings, 0 packets, 0', 'drawn at start, cut to the terminal width');
  out.text = '';
  p.log('SRS is up');
  t.equal(out.text, '\r\x1b[KSRS is up\n\r\x1b[Kx: 0 recordings, 0 packets, 0', 'erase, message, redraw');
  out.text = '';
  now = 2000;
  p.tick();
  t.match(out.text, /^\r\x1b\[K/);
  t.notMatch(out.text, /\n/, 'a redraw never adds a line');
  out.text = '';
  p.stop();
  t.equal(out.text, '\r\x1b[K', 'erased');
  p.stop();
  t.equal(out.text, '\r\x1b[K', 'stop is idempotent');
});

t.test('plain: a summary line every plainEveryMs, messages as they come, no control characters', async (t) => {
  let now = 0;
  const out = sink(false);
  const p = new ProgressReporter({ stream: out, label: 'srs', plainEveryMs: 5000, now: () => now }).start();
  t.equal(out.text, '', 'nothing at start');
  now = 4000;
  p.tick();
  t.equal(out.text, '', 'not yet');
  now = 5000;
  p.add({ packets: 7 });
  p.tick();
  t.equal(out.text, 'srs: 0 recordings, 7 packets, 0:05 elapsed\n');
  p.log('recording abc started');
  now = 6000;
  p.tick();
  t.equal(out.text, 'srs: 0 recordings, 7 packets, 0:05 elapsed\nrecording abc started\n', 'next summary only 5 s later');
  p.stop();
  t.notMatch(out.text, /\x1b/);
});

t.test('off: only messages', async (t) => {
  const out = sink(true);
  const p = new ProgressReporter({ stream: out, mode: 'off' }).start();
  p.tick();
  p.log('hello');
  p.stop();
  t.equal(out.text, 'hello\n');
});
