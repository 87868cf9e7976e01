/** samples/live-levels.ts (issue 13): run with tsx, it prints level bars for both participants while recording and exits 0. */
import { spawn } from 'node:child_process';
import t from 'tap';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [...nodeArgsFor('samples/live-levels.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 40000);
  return new Promise((resolve) => child.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, out });
  }));
}

t.test('live-levels prints bars for Alice and Bob while the call is recorded', async (t) => {
  const { code, out } = await run(['--seconds', '2', '--interval', '200']);
  t.equal(code, 0, 'exit 0', { out });
  const lines = out.split('\n').filter((l) => l.startsWith('['));
  t.ok(lines.length >= 5, `${lines.length} level lines`);
  // a loud bar for each party at some point: alice talks first, bob second
  const loud = (name: string): boolean => lines.some((l) => new RegExp(`${name}\\s+█{10,}░* +-\\d+\\.\\d dBFS`).test(l));
  t.ok(loud('Alice'), 'a bar for Alice');
  t.ok(loud('Bob'), 'a bar for Bob');
  t.ok(lines.some((l) => /Alice\s+█{10,}.*Bob\s+░{20}/.test(l)), 'Bob silent while Alice talks');
  t.match(out, /Alice: \d+ frames, 0 dropped/);
  t.match(out, /live levels OK/);
});
