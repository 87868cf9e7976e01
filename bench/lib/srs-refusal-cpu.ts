/**
 * CPU per refused SIPREC INVITE: `tsip srs --max-sessions 1` under SIPp's SRC scenario
 * (test/interop/scenarios/src-uac.xml, UDP) at RATE INVITEs/s (default 2 000) for CALLS (default
 * 10 000): all but one are refused 486 for `maxSessions`, each with its ACK. The SRS's CPU (user +
 * system, /proc) over the run, per INVITE. What a burst the SRS cannot take costs it per INVITE.
 *   npx tsx bench/lib/srs-refusal-cpu.ts [TREE ...]
 * Each TREE is a compiled tree (e.g. `bash bench/lib/ab-uas.sh`'s, or the output of
 * `tsc --outDir`); none: this checkout, compiled. With several, they run in turn, ROUNDS times
 * (default 2), so the machine's swings fall on each alike. Loopback only; each run bounded by
 * SIPp's timeout.
 */
import { scenarioPath } from '../../test/interop/lib/paths.js';
import { benchTree } from './compile.js';
import { cpuMs } from './proc-mem.js';
import { runSippLoad } from './sipp-load.js';
import { withTsipSrs } from './uas-process.js';

const RATE = Number(process.env.RATE ?? 2000);
const CALLS = Number(process.env.CALLS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);

async function once(tree: string): Promise<{ cpuPerInviteUs: number; refused: number }> {
  return withTsipSrs(tree, ['--max-sessions', '1'], async (srs) => {
    const before = cpuMs(srs.proc.pid);
    const r = await runSippLoad({ host: '127.0.0.1', port: srs.port, transport: 'u1' }, { rate: RATE, calls: CALLS, scenario: scenarioPath('src-uac.xml'), timeoutSeconds: Math.ceil(CALLS / RATE) * 3 + 15 });
    const used = cpuMs(srs.proc.pid) - before;
    return { cpuPerInviteUs: (used * 1000) / CALLS, refused: r.failed };
  });
}

const trees = process.argv.slice(2);
if (trees.length === 0) trees.push(benchTree());
console.log(`CPU per SIPREC INVITE refused by tsip srs --max-sessions 1 (SIPp src-uac.xml, UDP, ${RATE}/s, ${CALLS} INVITEs)`);
for (let round = 1; round <= ROUNDS; round++) {
  for (const tree of trees) {
    const r = await once(tree);
    console.log(`round ${round} ${tree}: ${r.cpuPerInviteUs.toFixed(0)} µs per INVITE (${r.refused} refused)`);
  }
}
