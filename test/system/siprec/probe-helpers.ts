/**
 * What the conformance probe's system tests share (probe.test.ts, probe-auth.test.ts,
 * probe-tls.test.ts): the checks that did not PASS as lines, files in a temporary directory, the
 * CLI run with its output captured, a Digest account, and one recorded call fed through an
 * SrcManager (RTP on both streams, pause, resume, stop).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { runProbe } from '../../../lib/cli/probe.js';
import { ProbeLevel, type ProbeCheckResult, type ProbeReport } from '../../../include-types/siprec-probe.js';
import type { SrcManager } from '../../../lib/siprec/src/index.js';
import { twoParty, waitFor } from './helpers.js';

/** The Srs `auth` setting of the tests: realm srs.example, one user src1. */
export const probeAuth = { realm: 'srs.example', lookup: (u: string) => (u === 'src1' ? { password: 'recording-secret' } : undefined) };

/** Every result that is not a PASS, as `LEVEL id: message`. */
export function notPassed(r: ProbeReport | readonly ProbeCheckResult[]): string[] {
  const list = 'results' in r ? r.results : r;
  return list.filter((x) => x.level !== ProbeLevel.Pass).map((x) => `${x.level} ${x.id}: ${x.message}`);
}

/** Writes each named text to a file in a fresh directory removed at teardown; returns the paths. */
export function files(t: Test, content: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-probe-access-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(content)) {
    out[name] = join(dir, name);
    writeFileSync(out[name], text);
  }
  return out;
}

/** `tsip probe ARGV` in-process, with TSIP_PROBE_PASSWORD set to `env` when given. */
export async function cli(argv: string[], env?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runProbe(argv, { out: (x) => { out += x; }, err: (x) => { err += x; }, ...(env !== undefined ? { env: { TSIP_PROBE_PASSWORD: env } } : {}) });
  return { code, out, err };
}

/** Records one call through `m`: `packets` RTP packets on both streams, pause, resume, stop. */
export async function recordOneCall(m: SrcManager, packets = 10): Promise<void> {
  const call = twoParty();
  const rec = m.startRecording(call);
  await waitFor(m, 'recordingStarted', (e) => e.callId === call.callId);
  for (let seq = 0; seq < packets; seq++) {
    for (const [label, ssrc] of [['1', 11], ['2', 22]] as const) {
      rec.forward(label, { marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrcs: [], payload: Buffer.alloc(160, 0xff) });
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await m.pauseRecording(call.callId);
  await m.resumeRecording(call.callId);
  await m.stopRecording(call.callId);
}
