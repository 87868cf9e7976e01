/**
 * Profiling driver for SIPREC set-ups (issue 15): tsip SrcManager → tsip Srs (signalling only)
 * in one process, N INVITE/200/ACK + BYE/200 cycles with a window in flight. Run under
 * `node --cpu-prof --import tsx bench/lib/setup-profile-driver.ts [cycles]` and read the profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Srs } from '../../lib/siprec/srs/index.js';
import { SrcManager } from '../../lib/siprec/src/index.js';

const cycles = Number(process.argv[2] ?? 3000);
const dir = mkdtempSync(join(tmpdir(), 'tsip-prof-srs-'));
const srs = new Srs({ host: '127.0.0.1', port: 0, dir, maxSessions: 50_000, maxUnconfirmedSessions: 1000, signalingOnly: true, rtpPortMin: 20000, rtpPortMax: 65000 });
await srs.start();
const port = srs.addresses[0].port;
const m = new SrcManager({ srs: [{ name: 'bench', srsUris: [`sip:srs@127.0.0.1:${port}`], localAddress: '127.0.0.1', transport: 'tcp', sessionExpires: 0, stopMetadata: false, media: { rtcp: false, portMin: 30000, portMax: 39999 } }] });
await m.start();
const two = (i: number) => ({
  callId: `prof-${i}@tsip`,
  participants: [{ key: 'alice', aor: `sip:alice${i}@example.com`, name: 'Alice' }, { key: 'bob', aor: `sip:bob${i}@example.net`, name: 'Bob' }],
  streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
});
let next = 0; let done = 0; let failed = 0;
const t0 = Date.now(); const c0 = process.cpuUsage();
const chunks: string[] = []; let lastCpu = c0; let lastMs = t0;
await new Promise<void>((resolve) => {
  const launch = (): void => { if (next >= cycles) { if (done + failed >= next) resolve(); return; } m.startRecording(two(next++)); };
  m.on('recordingStarted', (e) => void m.stopRecording(e.callId));
  m.on('recordingStopped', () => {
    // CPU per cycle per 1000 cycles: the warm-up curve, then the steady state
    if (++done % 1000 === 0) { const c = process.cpuUsage(); const now = Date.now(); chunks.push(`${(((c.user + c.system) - (lastCpu.user + lastCpu.system)) / 1000 / 1000).toFixed(2)}`); lastCpu = c; lastMs = now; }
    launch();
  });
  m.on('recordingFailed', (e) => { if (failed++ === 0) console.log(e); launch(); });
  for (let i = 0; i < 64; i++) launch();
});
const ms = Date.now() - t0; const cu = process.cpuUsage(c0);
console.log(`${done} cycles, ${failed} failed, ${ms} ms, ${(done / ms * 1000).toFixed(0)}/s, CPU per cycle (both sides) ${((cu.user + cu.system) / 1000 / done).toFixed(2)} ms; per 1000 cycles: ${chunks.join(' ')} ms`);
void lastMs;
await m.shutdown(); await srs.shutdown(); rmSync(dir, { recursive: true, force: true });
process.exit(0);
