/**
 * CPU per call (user and system, from /proc) of tsip's answering UAS and of Node's floor (the bare
 * responder of bench/lib/node-floor-uas.ts) at one SIPp rate, alternated floor, tsip, floor, tsip,
 * each on a fresh process after a warm-up step: how much of a call's CPU is tsip's own work and
 * how much the I/O any Node UAS pays. The uas bench gives the ceilings; this gives the cost below them.
 *
 *   npx tsx bench/lib/uas-cpu-per-call.ts [BUILD]     (without BUILD the tree is compiled first)
 *
 * Environment: RATE (default 2000), TRANSPORT (u1 or t1, default u1), ROUNDS (default 2).
 * Needs sipp; loopback only; each step bounded by SIPp's timeout.
 */
import { rmSync } from 'node:fs';
import { compileTree } from './compile.js';
import { cpuSplitMs } from './proc-mem.js';
import { runSippLoad } from './sipp-load.js';
import { type UasKind, startUas } from './uas-process.js';

const rate = Number(process.env.RATE ?? 2000);
const transport: 'u1' | 't1' = process.env.TRANSPORT === 't1' ? 't1' : 'u1';
const rounds = Number(process.env.ROUNDS ?? 2);
const given = process.argv[2];
const build = given ?? compileTree();

/** One measured step on a fresh process of `which`; prints µs of CPU per successful call. */
async function measure(which: UasKind): Promise<void> {
  const uas = await startUas(build, which);
  try {
    const target = { host: '127.0.0.1', port: uas.port, transport };
    await runSippLoad(target, { rate: 1000, calls: 3000 }); // warm-up: V8 compiles the hot paths
    const before = cpuSplitMs(uas.proc.pid);
    const r = await runSippLoad(target, { rate, calls: rate * 5, watchPid: uas.proc.pid });
    const after = cpuSplitMs(uas.proc.pid);
    const per = (ms: number): string => ((ms * 1000) / Math.max(1, r.successful)).toFixed(0);
    console.log(
      `${which.padEnd(10)} ${transport} ${rate} calls/s: ok ${r.successful}, failed ${r.failed + r.unfinished}, retrans ${r.retransmissions}; ` +
        `CPU per call ${per(after.user - before.user + after.system - before.system)} µs (user ${per(after.user - before.user)}, system ${per(after.system - before.system)})`,
    );
  } finally {
    await uas.stop();
  }
}

try {
  for (let i = 0; i < rounds; i++) for (const which of ['node-floor', 'tsip'] as const) await measure(which);
} finally {
  if (given === undefined) rmSync(build, { recursive: true, force: true });
}
