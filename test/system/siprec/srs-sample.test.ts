/**
 * samples/srs.ts (the `tsip srs` command) as a process: UDP and TCP on one port, /healthz and
 * /metrics over --http; SIGTERM drains (new recordings 503, the live one runs to its BYE, exit 0);
 * a second signal stops at once (BYE to the live recording, files complete, exit 0).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import t, { type Test } from 'tap';
import { freeSipPort } from '../../../lib/siprec/common/ports.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, feed, startManager, tempDir, twoParty, waitFor } from './helpers.js';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

type Sample = { child: ChildProcessWithoutNullStreams; port: number; out: () => string; waitOut: (re: RegExp, ms?: number) => Promise<void> };

/**
 * Starts the sample; resolves once it listens, with its output so far (kept growing). The port is
 * free when picked but another process may bind it before the sample does (tests and benches run
 * side by side): a sample that says it could not bind is started again on a new port.
 */
async function startSample(t: Test, dir: string, extra: string[] = []): Promise<Sample> {
  for (let attempt = 1; ; attempt++) {
    const s = spawnSample(t, dir, extra, await freeSipPort('127.0.0.1'));
    await s.waitOut(/SRS listening|could not bind/);
    if (/SRS listening/.test(s.out())) return s;
    if (attempt === 3) throw new Error(`the sample could not bind three free ports: ${s.out()}`);
    s.child.kill('SIGKILL');
  }
}

function spawnSample(t: Test, dir: string, extra: string[], port: number): Sample {
  const child = spawn(process.execPath, [...nodeArgsFor('samples/srs.ts'), '--host', '127.0.0.1', '--port', String(port), '--dir', dir, ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const push = (d: Buffer): void => {
    out += d.toString();
    for (const w of waiters.filter((x) => x.re.test(out))) w.resolve();
  };
  child.stdout.on('data', push);
  child.stderr.on('data', push);
  const waitOut = (re: RegExp, ms = 20000): Promise<void> => re.test(out) ? Promise.resolve() : new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${re} in: ${out}`)), ms);
    waiters.push({ re, resolve: () => { clearTimeout(timer); resolve(); } });
  });
  return { child, port, out: () => out, waitOut };
}

t.test('standalone SRS: SIGTERM drains, the live recording runs to its BYE, exit 0', async (t) => {
  const dir = tempDir(t);
  const s = await startSample(t, dir, ['--http', '127.0.0.1:0', '--drain-timeout', '20']);
  t.match(s.out(), new RegExp(`udp:127\\.0\\.0\\.1:${s.port}, tcp:127\\.0\\.0\\.1:${s.port}`), 'UDP and TCP on the one port');
  await s.waitOut(/HTTP on http:\/\/127\.0\.0\.1:\d+/);
  const url = /HTTP on (http:\/\/\S+)/.exec(s.out())![1];
  t.equal((await fetch(`${url}/healthz`)).status, 200, '/healthz 200');
  const m = await startManager(t, [entry([`sip:srs@127.0.0.1:${s.port};transport=tcp`], { transport: 'tcp' })]);
  const p = waitFor(m, 'recordingStarted');
  const call = twoParty();
  const rec = m.startRecording(call);
  await p;
  await feed(rec, 300);
  // the status page is on the same server: the live recording is listed
  const page = await fetch(`${url}/`);
  t.equal(page.status, 200, 'status page 200');
  t.match(await page.text(), call.callId, 'the live recording on the status page');
  const listed = (await (await fetch(`${url}/recordings.json`)).json()) as { live: unknown[] };
  t.equal(listed.live.length, 1, '/recordings.json lists it as live');
  const exited = new Promise<number | null>((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await s.waitOut(/SIGTERM: draining \(1 live recordings, at most 20 s\)/);
  const z = await fetch(`${url}/healthz`);
  t.equal(z.status, 503, '/healthz 503 while draining');
  t.match(await z.json(), { state: 'draining' });
  const refused = waitFor(m, 'recordingFailed');
  m.startRecording(twoParty());
  t.equal((await refused).statusCode, 503, 'a new recording is refused with 503');
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  t.equal((await stopped).byeStatusCode, 200, 'the SRC ended the recording with its BYE');
  t.equal(await exited, 0, 'exit 0');
  t.match(s.out(), /drained: 1 ended by BYE, 0 cut at the timeout/);
  t.match(s.out(), process.platform === 'linux' ? /SRS stopped \(SIP datagrams the OS dropped on a full UDP receive buffer: 0\)/ : /SRS stopped/);
  const [r] = listRecordings(dir);
  t.equal(r.index.state, 'complete');
  t.equal(r.index.endReason, 'bye');
});

t.test('standalone SRS: a second signal stops at once', async (t) => {
  const dir = tempDir(t);
  const s = await startSample(t, dir);
  const m = await startManager(t, [entry([`sip:srs@127.0.0.1:${s.port};transport=tcp`], { transport: 'tcp' })]);
  const p = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(twoParty());
  await p;
  await feed(rec, 300);
  const stopped = waitFor(m, 'recordingStopped');
  const exited = new Promise<number | null>((r) => s.child.once('exit', r));
  s.child.kill('SIGINT');
  await s.waitOut(/SIGINT: draining/);
  s.child.kill('SIGINT');
  t.equal((await stopped).reason, 'RemoteBye', 'the SRS ended the live recording with BYE');
  t.equal(await exited, 0, 'exit 0');
  t.match(s.out(), /SIGINT: shutting down \(1 live recordings\)/);
  const [r] = listRecordings(dir);
  t.equal(r.index.state, 'complete');
  t.equal(r.index.endReason, 'shutdown');
});

t.test('tsip srs: bad arguments exit 2 with the usage', async (t) => {
  const child = spawn(process.execPath, [...nodeArgsFor('samples/srs.ts'), '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  t.equal(code, 2);
  t.match(err, /--port must be an integer 0\.\.65535/);
  t.match(err, /usage: tsip srs/);
});
