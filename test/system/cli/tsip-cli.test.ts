/**
 * The `tsip` command line run as a process from the sources (tsx on lib/cli/main.ts): the dispatcher's
 * help and exit codes, `tsip parse` on RFC 4475 messages, and `tsip record` end to end.
 * (The built bin of the packed package is run by test/system/package/packed-install.test.ts.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { commands } from '../../../lib/cli/commands.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

interface Run { code: number | null; stdout: string; stderr: string }

function tsip(args: readonly string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgsFor('lib/cli/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

const corpus = (name: string) => join('test/conformance/rfc4475', name);

t.test('--help lists every command of commands.ts; exit 0', async (t) => {
  const r = await tsip(['--help']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^usage: tsip <command> \[options\]/);
  for (const c of commands) t.match(r.stdout, new RegExp(`\\n  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`), `lists ${c.name}`);
  t.match(r.stdout, /exit codes: 0 .* 1 .* 2 bad arguments/);
});

t.test('an unknown command prints the usage on stderr; exit 2', async (t) => {
  const r = await tsip(['recrod']);
  t.equal(r.code, 2);
  t.match(r.stderr, /tsip: unknown command 'recrod'/);
  t.match(r.stderr, /usage: tsip <command>/);
  t.equal(r.stdout, '');
});

t.test('tsip parse: a good RFC 4475 message exits 0, a must-reject one exits 1 with the reason', async (t) => {
  const [good, bad] = await Promise.all([tsip(['parse', corpus('wsinv.dat')]), tsip(['parse', corpus('badinv01.dat')])]);
  t.equal(good.code, 0, good.stderr);
  t.match(good.stdout, /^INVITE sip:vivekg@chair-dnrc\.example\.com;unknownparam SIP\/2\.0\n/);
  t.match(good.stdout, /Call-ID wsinv\.ndaksdj@192\.0\.2\.1, CSeq 9 INVITE, From tag 98asjd8, To tag 1918181833n, 3 Via/);
  t.match(good.stdout, /Require: -  \(siprec: false\)/);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /^cannot read test\/conformance\/rfc4475\/badinv01\.dat: \S/);
  t.equal(bad.stdout, '');
});

t.test('tsip record --seconds 2 records to the embedded SRS; exit 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-cli-record-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const r = await tsip(['record', '--seconds', '2', '--dir', dir], 60_000);
  t.equal(r.code, 0, 'exit 0', { stdout: r.stdout, stderr: r.stderr });
  t.match(r.stdout, /BYE answered 200/);
  t.match(r.stdout, /verify 1: OK/);
  t.match(r.stdout, /\nrecording OK\n/);
  // not a terminal: no live-line control characters in the output
  t.notMatch(r.stdout, /\x1b\[K/);
  const [rec] = listRecordings(dir);
  t.equal(rec?.index.state, 'complete');
});

t.test('tsip record --http --log-events: /metrics and the status page while the call runs; the five NG9-1-1 log events stored', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-cli-record-ops-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [...nodeArgsFor('lib/cli/main.ts'), 'record', '--seconds', '3', '--dir', dir, '--http', '127.0.0.1:0', '--log-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no HTTP line: ${stdout} ${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /HTTP on (http:\/\/\S+)/.exec(stdout);
      if (m && /recording \S+ set up/.test(stdout)) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  const metrics = await (await fetch(`${url}/metrics`)).text();
  t.match(metrics, /tsip_src_live_recordings\{entry="demo"\} 1/, 'the SRC metrics show the live recording');
  const page = await fetch(`${url}/`);
  t.equal(page.status, 200, 'the embedded SRS status page');
  t.match(await page.text(), /demo-\d+@tsip/, 'with the call on it');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  t.equal(code, 0, 'exit 0', { stdout, stderr });
  t.match(stdout, /log events: \d+ stored in \S+events\S*/);
  t.notMatch(stdout, /MISSING/);
  t.match(stdout, /\nrecording OK\n/);
});
