/**
 * Recovery after an overload burst, UDP: a fresh UAS takes a burst above what it sustains (SIPp
 * uac, 10 000 calls/s for 4 s on loopback), then three steps of 4 s at a load it carries easily
 * (3 000 calls/s). What an operator wants to see: once the burst is over, every call succeeds
 * again. Measured in the same run for tsip's UAS with its defaults, for tsip with the limits as
 * they were before 2026-12-07 (`maxUnacknowledgedInvites=5000`, no give-up, no memory of refusals:
 * `--limit` flags below; what stayed is that a BYE stops its dialog's 2xx retransmission) and
 * for Kamailio (test/interop/kamailio/uas.cfg, 4 workers).
 *
 * Why tsip needs the rules: in a burst both the ACK and the BYE of some calls are dropped (the
 * receive buffer overflows), and SIPp's built-in uac then takes a 2xx retransmission for the
 * BYE's 200 and ends the call. Their 2xx wait 64*T1 = 32 s for an ACK that never comes and, near
 * `maxUnacknowledgedInvites`, made the UAS refuse new calls for that long. With
 * `unacknowledgedGiveUpAfter` a new INVITE takes the place of a 2xx that waited 4 s.
 * (A real UAC ACKs every 2xx retransmission; a lost ACK and BYE cost a real UAS no more than the
 * burst's lost calls. The same 2xx pile-up comes from any peer that stops answering, though.)
 *
 * Then the same for an SRS: `tsip srs` and SIPp's SRS scenario take 2 500 SIPREC set-ups/s for
 * 4 s, then three steps at 300/s. (An SRS answers its refusals from a transaction, so only the
 * BYE rule of the UAS's three is in play there.)
 *
 * Bounded: per peer one burst of 40 000 calls (SRS: 10 000 set-ups) and three steps of 12 000
 * (SRS: 1 200), each with SIPp's call count and a hard timeout; about 30 s per peer. Run alone: `npx tsx bench/run.ts overload-recovery`
 * (env BURST, RATE, STEPS, SECONDS to change the load; BASE_BUILD=dir adds the UAS of an older
 * tree compiled there, e.g. `bash bench/lib/ab-uas.sh`'s, as one more peer).
 */
import { startKamailio, startSipp } from '../test/interop/lib/index.js';
import { kamailioConfig, scenarioPath } from '../test/interop/lib/paths.js';
import { benchTree } from './lib/compile.js';
import { skippedWithout } from './lib/peer-tools.js';
import { runSippLoad, type LoadStepResult } from './lib/sipp-load.js';
import { startUas, withTsipSrs } from './lib/uas-process.js';

// far above what any UAS here sustains (SIPp's own UAS tops out near 8 000): at 7 000 a fast day
// let every peer carry the burst, and there was nothing to recover from
const BURST = Number(process.env.BURST ?? 10_000);
const RATE = Number(process.env.RATE ?? 3000);
const STEPS = Number(process.env.STEPS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 4);
/**
 * The SRS's profile: SIPREC set-ups (SIPp src-uac.xml: multipart INVITE, 200, ACK, 1 s held,
 * BYE) against `tsip srs` (every set-up fsyncs its index) and SIPp's SRS scenario. tsip's SRS sets
 * up ~1 500-2 000 recordings/s in the siprec bench: the burst is above that, the steps far below.
 */
const SRS_BURST = Number(process.env.SRS_BURST ?? 2500);
const SRS_RATE = Number(process.env.SRS_RATE ?? 300);

/** What one ladder offers: the burst, then STEPS steps at `rate`, with SIPp's `scenario`. */
interface Profile {
  burst: number;
  rate: number;
  /** A scenario file; SIPp's built-in uac when absent. */
  scenario?: string;
}
const UAS_PROFILE: Profile = { burst: BURST, rate: RATE };
const SRS_PROFILE: Profile = { burst: SRS_BURST, rate: SRS_RATE, scenario: scenarioPath('src-uac.xml') };

interface Recovery {
  name: string;
  profile: Profile;
  burst: LoadStepResult;
  after: LoadStepResult[];
  /** What the UAS said of itself when stopped (tsip's summary line), if anything. */
  note: string;
}

/** The burst, then the steps, against one server on 127.0.0.1:`port`. */
async function ladder(name: string, port: number, pid: number, profile: Profile): Promise<Omit<Recovery, 'note'>> {
  const step = (rate: number) =>
    runSippLoad(
      { host: '127.0.0.1', port, transport: 'u1' },
      { rate, calls: rate * SECONDS, watchPid: pid, timeoutSeconds: SECONDS * 3 + 10, ...(profile.scenario !== undefined ? { scenario: profile.scenario } : {}) },
    );
  const burst = await step(profile.burst);
  const after: LoadStepResult[] = [];
  for (let i = 0; i < STEPS; i++) after.push(await step(profile.rate));
  return { name, profile, burst, after };
}

async function tsip(build: string, name: string, uasArgs: string[]): Promise<Recovery> {
  const uas = await startUas(build, 'tsip', [], uasArgs);
  try {
    const r = await ladder(name, uas.port, uas.proc.pid, UAS_PROFILE);
    await uas.stop();
    const summary = /refused503=\d+ \(.*\)( ackWaitsGivenUp=\d+)?/.exec(uas.proc.stdout.toString());
    return { ...r, note: summary?.[0] ?? '' };
  } finally {
    await uas.stop();
  }
}

async function kamailio(): Promise<Recovery> {
  const kam = await startKamailio({ config: kamailioConfig('uas.cfg'), children: 4, shmMb: 1024 });
  try {
    return { ...(await ladder('kamailio', kam.port, kam.pid, UAS_PROFILE)), note: '' };
  } finally {
    await kam.stop();
  }
}

/** `tsip srs` of the tree `build` on a free port, recordings in a temp dir removed afterwards. */
async function tsipSrs(build: string, name: string): Promise<Recovery> {
  // enough sessions for the burst's: what is measured is the set-up path, not --max-sessions
  return withTsipSrs(build, ['--max-sessions', '20000'], async (srs) => ({ ...(await ladder(name, srs.port, srs.proc.pid, SRS_PROFILE)), note: '' }));
}

/** SIPp's SRS scenario (srs-uas.xml, which checks each INVITE) as the peer SRS. */
async function sippSrs(): Promise<Recovery> {
  const calls = SRS_PROFILE.burst * SECONDS + STEPS * SRS_PROFILE.rate * SECONDS;
  const srs = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport: 'u1', calls, limit: calls, timeoutSeconds: (STEPS + 1) * (SECONDS * 3 + 10) + 30 });
  try {
    await srs.ready;
    return { ...(await ladder('SIPp srs-uas', srs.localPort, srs.pid, SRS_PROFILE)), note: '' };
  } finally {
    await srs.stop();
  }
}

const lost = (r: LoadStepResult): number => r.failed + r.unfinished;

function print(r: Recovery): void {
  const steps = r.after.map((s, i) => `${i + 1}: ${s.successful}/${s.calls}`).join(', ');
  const afterLost = r.after.reduce((n, s) => n + lost(s), 0);
  const afterCalls = r.after.reduce((n, s) => n + s.calls, 0);
  console.log(
    `${r.name.padEnd(26)} burst ${r.profile.burst}/s: ${r.burst.successful}/${r.burst.calls} ok (${r.burst.retransmissions} retransmissions) | ` +
      `then ${r.profile.rate}/s: ${steps} | lost after the burst ${afterLost} of ${afterCalls} (${((100 * afterLost) / afterCalls).toFixed(1)} %)`,
  );
  if (r.note !== '') console.log(`${''.padEnd(26)} ${r.note}`);
}

export async function run(): Promise<void> {
  if (skippedWithout('overload-recovery', ['sipp', 'kamailio'])) return;
  const started = Date.now();
  const build = benchTree();
  console.log(`\n# recovery after an overload burst (UDP, SIPp uac): ${BURST} calls/s for ${SECONDS} s, then ${STEPS} steps of ${SECONDS} s at ${RATE} calls/s; each UAS fresh`);
  const results = [
    await tsip(build, 'tsip', []),
    await tsip(build, 'tsip, limits as before', ['--limit', 'maxUnacknowledgedInvites=5000', '--limit', 'unacknowledgedGiveUpAfter=0', '--limit', 'maxRememberedRefusals=0']),
    await kamailio(),
  ];
  const base = process.env.BASE_BUILD;
  if (base !== undefined && base !== '') results.push(await tsip(base, `tsip at ${base}`, []));
  for (const r of results) print(r);
  console.log(
    `# the same for an SRS (UDP, SIPp src-uac.xml: SIPREC INVITE, 200, ACK, 1 s held, BYE): ${SRS_BURST} set-ups/s for ${SECONDS} s, ` +
      `then ${STEPS} steps of ${SECONDS} s at ${SRS_RATE}/s; each SRS fresh`,
  );
  const srs = [await tsipSrs(build, 'tsip srs'), await sippSrs()];
  if (base !== undefined && base !== '') srs.push(await tsipSrs(base, `tsip srs at ${base}`));
  for (const r of srs) print(r);
  console.log(`# overload-recovery bench took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
