/**
 * tsip's SIPREC against SIPp on loopback:
 * - tsip Srs answers SIPp's SRC (src-uac.xml) over UDP and TCP and stores the recording;
 *   SIPp's malformed-metadata SRC (src-uac-badmeta.xml) gets the 400 it expects; SIPp's
 *   offer-less SRC (src-uac-offerless.xml) gets the SRS's offer in the 200 and answers in the ACK;
 * - SIPp as an SRS (srs-uac-initiated.xml) starts the recording session itself (RFC 7866 §6.2)
 *   and checks the SrcManager's offer and metadata in the 200;
 * - tsip SrcManager records to SIPp's SRS (srs-uas.xml), whose checks of Require: siprec,
 *   +sip.src, the multipart body, labels, sendonly and the metadata namespace all pass;
 * - SIPp as an SRS that takes over the session refresh (srs-uas-refresher.xml: an UPDATE with
 *   Session-Expires refresher=uac) checks the SrcManager's 200 for RFC 4028 §9's headers;
 * - `npm start -- --srs <SIPp SRS>` (samples/record-demo.ts) exits 0 against it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { SrsEntrySettings } from '../../include-types/siprec.js';
import { SrcManager } from '../../lib/siprec/src/index.js';
import { listRecordings, Srs } from '../../lib/siprec/srs/index.js';
import { describeSipp, requireTool, runSipp, startSipp, type SippRun } from './lib/index.js';
import { scenarioPath } from './lib/paths.js';
import { nodeArgsFor } from '../helpers/ts-entry.js';
import { exclusivePorts } from '../system/siprec/helpers.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'tsip-siprec-interop-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A SIPp SRS running `scenario` and a started SrcManager whose one entry records to it (both stopped at the end). */
async function srcToSippSrs(t: Test, scenario: string, transport: 'u1' | 't1', entry: Partial<SrsEntrySettings>): Promise<{ sipp: SippRun; m: SrcManager }> {
  const sipp = await startSipp({ scenario: scenarioPath(scenario), transport, calls: 1, timeoutSeconds: 20 });
  t.teardown(() => sipp.stop());
  await sipp.ready;
  const m = new SrcManager({
    srs: [{ name: 'sipp', srsUris: [`sip:srs@127.0.0.1:${sipp.localPort}${transport === 't1' ? ';transport=tcp' : ''}`], localAddress: '127.0.0.1', transport: transport === 't1' ? 'tcp' : 'udp',
      // SIPp in u1 mode has no TCP socket: keep the big INVITE on UDP.
      ...(transport === 'u1' ? { maxUdpRequestSize: 65000 } : {}), ...entry }],
  });
  await m.start();
  t.teardown(() => m.shutdown());
  return { sipp, m };
}

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: tsip Srs records SIPp's SRC and refuses its bad metadata with 400`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const srs = new Srs({ host: '127.0.0.1', port: 0, dir: tmp(t), ...(await exclusivePorts(100)) });
    await srs.start();
    t.teardown(() => srs.shutdown());
    let ended = 0; // a recording's files and index are final once the SRS has ended its session
    srs.on('sessionEnded', () => ended++);
    const port = srs.addresses[0].port;
    const ok = await runSipp({ scenario: scenarioPath('src-uac.xml'), target: { host: '127.0.0.1', port }, transport, calls: 1, timeoutSeconds: 15 });
    t.equal(ok.successful, 1, 'SIPp SRC: 200 with +sip.srs, recvonly labelled streams, BYE 200', { sipp: describeSipp(ok) });
    const bad = await runSipp({ scenario: scenarioPath('src-uac-badmeta.xml'), target: { host: '127.0.0.1', port }, transport, calls: 1, timeoutSeconds: 15 });
    t.equal(bad.successful, 1, 'SIPp SRC with malformed metadata got 400', { sipp: describeSipp(bad) });
    const offerless = await runSipp({ scenario: scenarioPath('src-uac-offerless.xml'), target: { host: '127.0.0.1', port }, transport, calls: 1, timeoutSeconds: 15 });
    t.equal(offerless.successful, 1, 'SIPp SRC without an SDP offer: the 200 offers two recvonly PCMU streams labelled from the metadata, the ACK answers, BYE 200', { sipp: describeSipp(offerless) });
    for (let i = 0; i < 100 && ended < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const recs = listRecordings(srs.settings.dir).sort((a, b) => a.index.startedAt.localeCompare(b.index.startedAt));
    t.equal(recs.length, 2, 'two recordings stored (the bad one refused)');
    const second = recs[1];
    t.equal(second.index.state, 'complete', 'the offer-less one completed');
    t.same(second.index.streams.map((s) => s.label), ['1', '2'], 'its streams carry the metadata labels');
    t.equal(recs[0].index.state, 'complete');
    t.same(recs[0].index.streams.map((s) => s.label), ['1', '2']);
    t.same(recs[0].index.participants.map((p) => p.aors[0]).sort(), ['sip:alice@example.com', 'sip:bob@example.net']);
  });

  t.test(`${transport}: tsip SrcManager records to SIPp's SRS`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { sipp, m } = await srcToSippSrs(t, 'srs-uas.xml', transport, { media: { portMin: 46300, portMax: 46399 } });
    const started = new Promise<{ streams: { accepted: boolean }[] }>((res, rej) => { m.once('recordingStarted', res); m.once('recordingFailed', (e) => rej(new Error(JSON.stringify(e)))); });
    const stopped = new Promise<{ byeStatusCode?: number }>((res) => m.once('recordingStopped', res));
    m.startRecording({
      callId: `interop-${transport}@tsip`,
      participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.net' }],
      streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
    });
    const s = await started;
    t.same(s.streams.map((x) => x.accepted), [true, true], 'both streams accepted by SIPp');
    await m.stopRecording(`interop-${transport}@tsip`);
    t.equal((await stopped).byeStatusCode, 200);
    const res = await sipp.result;
    t.equal(res.successful, 1, 'SIPp SRS: every RFC 7866 check passed', { sipp: describeSipp(res) });
  });
}

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: SIPp as an SRS takes over the session refresh; tsip's SrcManager answers it per RFC 4028 §9`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { sipp, m } = await srcToSippSrs(t, 'srs-uas-refresher.xml', transport, { sessionExpires: 90, minSe: 90, media: { portMin: 46400, portMax: 46499 } });
    const started = new Promise((res, rej) => { m.once('recordingStarted', res); m.once('recordingFailed', (e) => rej(new Error(JSON.stringify(e)))); });
    const stopped = new Promise<{ byeStatusCode?: number; reason: string }>((res) => m.once('recordingStopped', res));
    const callId = `interop-refresh-${transport}@tsip`;
    m.startRecording({
      callId,
      participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.net' }],
      streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
    });
    await started;
    // SIPp sends its UPDATE 300 ms after the ACK; the SRC answers it at once
    await new Promise((r) => setTimeout(r, 1000));
    await m.stopRecording(callId);
    const e = await stopped;
    t.equal(e.byeStatusCode, 200, 'the recording ran until the app stopped it');
    const res = await sipp.result;
    t.equal(res.successful, 1, 'SIPp SRS: its refresh was answered with Session-Expires 90;refresher=uac and Require: timer', { sipp: describeSipp(res) });
  });
}

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: SIPp as an SRS starts the recording session (RFC 7866 §6.2) and tsip's SrcManager records`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const callId = `interop-srs-init-${transport}@tsip`;
    const m = new SrcManager({
      srs: [{ name: 'sipp', srsUris: ['sip:srs@127.0.0.1:9'], localAddress: '127.0.0.1', transport: transport === 't1' ? 'tcp' : 'udp', stopMetadata: false,
        ...(transport === 'u1' ? { maxUdpRequestSize: 65000 } : {}), media: { portMin: 46400, portMax: 46499 } }],
      acceptSrsInitiated: (req) => (req.header('X-Record-Call') === callId ? {
        callId,
        participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.net' }],
        streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
      } : undefined),
    });
    await m.start();
    t.teardown(() => m.shutdown());
    const started = new Promise<{ srsInitiated?: boolean; streams: { accepted: boolean }[] }>((res, rej) => { m.once('recordingStarted', res); m.once('recordingFailed', (e) => rej(new Error(JSON.stringify(e)))); });
    const src = /<sip:[^@]+@([^:;>]+):(\d+)/.exec(m.userAgents[0].contact);
    t.ok(src, `the SRC's address from its Contact ${m.userAgents[0].contact}`);
    const sipp = await startSipp({ scenario: scenarioPath('srs-uac-initiated.xml'), target: { host: src![1], port: Number(src![2]) }, transport, calls: 1, timeoutSeconds: 30, keys: { record_call: callId } });
    t.teardown(() => sipp.stop());
    const s = await started;
    t.equal(s.srsInitiated, true, 'recordingStarted says the SRS asked for it');
    t.same(s.streams.map((x) => x.accepted), [true, true], 'both streams accepted by the answer in the ACK');
    const stopped = new Promise<{ byeStatusCode?: number }>((res) => m.once('recordingStopped', res));
    await m.stopRecording(callId);
    t.equal((await stopped).byeStatusCode, 200, 'SIPp answered the BYE');
    const res = await sipp.result;
    t.equal(res.successful, 1, 'SIPp SRS: the 2xx carried the offer and complete metadata, +sip.src', { sipp: describeSipp(res) });
  });
}

t.test('npm start -- --srs <SIPp SRS> exits 0', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const sipp = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport: 't1', calls: 1, timeoutSeconds: 30 });
  t.teardown(() => sipp.stop());
  await sipp.ready;
  const args = [...nodeArgsFor('samples/record-demo.ts'), '--srs', `sip:srs@127.0.0.1:${sipp.localPort};transport=tcp`, '--transport', 'tcp', '--seconds', '2'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  t.equal(code, 0, 'demo exit code', { out });
  t.match(out, /BYE answered 200/);
  t.equal((await sipp.result).successful, 1);
});
