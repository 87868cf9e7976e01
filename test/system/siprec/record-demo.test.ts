/** `npm start` (samples/record-demo.ts) with its embedded SRS: exit 0, the recording printed and verified. */
import { spawn } from 'node:child_process';
import t from 'tap';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { tempDir } from './helpers.js';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

t.test('record-demo records, prints and verifies a 2 s call', async (t) => {
  const dir = tempDir(t);
  const child = spawn(process.execPath, [...nodeArgsFor('samples/record-demo.ts'), '--seconds', '2', '--dir', dir, '--codec', 'pcma'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 40000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  t.equal(code, 0, 'exit 0', { out });
  t.match(out, /BYE answered 200/);
  t.match(out, /stream 1: stream-1\.wav, PCMA, \d+ packets, 2\.\d+ s, sent by sip:alice@example\.com, loudest tone 440 Hz/);
  t.match(out, /verify 2: OK/);
  t.match(out, /recording OK/);
  const [r] = listRecordings(dir);
  t.equal(r.index.state, 'complete');
  t.same(r.index.streams.map((s) => s.codec), ['PCMA', 'PCMA']);
});
