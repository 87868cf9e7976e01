/**
 * samples/srs.ts as a process: UDP and TCP on one port, records a call, and on SIGTERM shuts
 * down cleanly (BYE to the live recording, files complete, exit 0).
 */
import { spawn } from 'node:child_process';
import t from 'tap';
import { freeSipPort } from '../../../lib/siprec/common/ports.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, feed, startManager, tempDir, twoParty, waitFor } from './helpers.js';

t.test('standalone SRS: record, SIGTERM, clean shutdown', async (t) => {
  const dir = tempDir(t);
  const port = await freeSipPort('127.0.0.1');
  const child = spawn(process.execPath, ['--import=tsx', 'samples/srs.ts', '--host', '127.0.0.1', '--port', String(port), '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`SRS did not start: ${out}`)), 20000);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (/SRS listening/.test(out)) { clearTimeout(timer); resolve(); } });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  });
  await listening;
  t.match(out, new RegExp(`udp:127\\.0\\.0\\.1:${port}, tcp:127\\.0\\.0\\.1:${port}`), 'UDP and TCP on the one port');
  const m = await startManager(t, [entry([`sip:srs@127.0.0.1:${port};transport=tcp`], { transport: 'tcp' })]);
  const p = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(twoParty());
  await p;
  await feed(rec, 500);
  const stopped = waitFor(m, 'recordingStopped');
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  child.kill('SIGTERM');
  t.equal((await stopped).reason, 'RemoteBye', 'the SRS ended the live recording with BYE');
  t.equal(await exited, 0, 'exit 0');
  t.match(out, /SIGTERM: shutting down \(1 live recordings\)/);
  t.match(out, /SRS stopped/);
  const [r] = listRecordings(dir);
  t.equal(r.index.state, 'complete');
  t.equal(r.index.endReason, 'shutdown');
});
