/**
 * samples/status-page.ts: an embedded SRS with its status page records a demo call (paused in the
 * middle); the page's JSON lists it with its participants and pause, and the sample ends cleanly
 * on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ManagedProcess } from '../../interop/lib/child.js';
import type { SrsStatusReport } from '../../../include-types/siprec.js';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

async function until(what: string, p: ManagedProcess, re: RegExp, ms: number): Promise<RegExpExecArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = re.exec(p.stdout.toString());
    if (m) return m;
    if (p.exit || Date.now() > end) throw new Error(`no ${what}: ${p.stdout.toString()} ${p.stderr.toString()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

t.test('status-page sample: one demo call recorded and listed; SIGTERM ends it with 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-status-sample-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const p = new ManagedProcess(process.execPath, [...nodeArgsFor('samples/status-page.ts'), '--http-port', '0', '--calls', '1', '--seconds', '2', '--dir', dir]);
  t.teardown(() => p.stop());
  const url = (await until('URL', p, /status page: (http:\/\/\S+)\//, 20000))[1];
  await until('end of the demo call', p, /1 demo call\(s\) recorded/, 20000);
  const rep = await (await fetch(`${url}/recordings.json`)).json() as SrsStatusReport;
  t.equal(rep.live.length, 0);
  t.equal(rep.finished.length, 1);
  const r = rep.finished[0];
  t.equal(r.state, 'complete');
  t.same(r.participants.map((x) => x.names[0]), ['Alice Anders', 'Bob Brown']);
  t.equal(r.pauses.length, 1, 'paused once in the middle');
  t.same(r.streams.map((s) => s.files[0].playable), [true, true]);
  const page = await fetch(`${url}/`);
  t.equal(page.status, 200);
  t.match(await page.text(), /Alice Anders/);
  p.signal('SIGTERM');
  t.equal((await p.waitOrKill(10000)).code, 0, 'clean exit on SIGTERM');
});
