/**
 * Running SIPp as a UAC or UAS against (or for) a peer on loopback, bounded in calls AND time.
 *
 * Every run gets: its own temp working dir (SIPp writes its log files next to itself), explicit
 * free ports for SIP, media and the control socket (so parallel runs never collide on SIPp's
 * defaults 5060/6000/8888), `-m calls`, SIPp's own `-timeout` and, above that, a hard kill of the
 * pid we spawned. Results come from the `-trace_stat` CSV, falling back to the final screen.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ManagedProcess, forgetTempDir, removeOnExit } from './child.js';
import { waitListening } from './listening.js';
import { LOOPBACK, freePort, freePorts } from './ports.js';
import { emptySippStats, parseSippCsv, parseSippScreen, type SippStats } from './sipp-stats.js';
import { renderTemplate, type TemplateVars } from './template.js';
import { missingToolMessage, toolPath } from './tools.js';

/** SIPp transport modes: UDP/TCP, one socket for all calls (`1`) or one per call (`n`). */
export type SippTransport = 'u1' | 't1' | 'un' | 'tn';

export interface SippTarget {
  host: string;
  port: number;
}

export interface SippOptions {
  /** A built-in scenario (`-sn uac|uas`) or the path of a scenario XML file (`-sf`). */
  scenario: 'uac' | 'uas' | (string & {});
  /** Remote `host:port` (required for a UAC; a UAS only answers). */
  target?: string | SippTarget;
  /** Local SIP port; a free one when omitted. */
  localPort?: number;
  /** Local address: 127.0.0.1 (default) or ::1. */
  localHost?: string;
  transport?: SippTransport;
  /** Calls to make or answer before SIPp exits (`-m`). Required: every run is bounded. */
  calls: number;
  /** Call rate in calls per `ratePeriodMs` (`-r`, default 10). */
  rate?: number;
  /** Rate period in ms (`-rp`, default 1000). */
  ratePeriodMs?: number;
  /** Maximum simultaneous calls (`-l`). */
  limit?: number;
  /** SIPp's own global timeout and the base of our hard kill (which comes 5 s later). */
  timeoutSeconds: number;
  /** Request-URI user (`-s`). */
  service?: string;
  /** Values for `[key]` keywords in the scenario (`-key name value`). */
  keys?: Record<string, string | number>;
  /**
   * Values for `{{NAME}}` / `{{NAME=default}}` placeholders in a scenario file, rendered into the
   * run's temp dir before SIPp reads it. For what SIPp's own `[key]`s cannot reach, such as the
   * status code of a response, which SIPp checks when it loads the scenario.
   */
  scenarioVars?: TemplateVars;
  /** Digest credentials for `[authentication]` (`-au`, `-ap`). */
  auth?: { username: string; password: string };
  /** Record every message (`-trace_msg`) into the result's `messages` (for debugging). */
  traceMessages?: boolean;
  /** More SIPp arguments, appended last. */
  extraArgs?: readonly string[];
  /** Keep the temp dir (logs, CSV) after the run. */
  keepDir?: boolean;
}

export interface SippResult {
  /** SIPp's exit code: 0 all calls succeeded, 1 some failed, 97 exit by command, 99 no call processed, 255/254 fatal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when our hard kill fired (SIPp ignored its own -timeout). */
  timedOut: boolean;
  successful: number;
  failed: number;
  stats: SippStats;
  /** The last part of stdout/stderr and of the unexpected-message log (`-trace_err`). */
  stdoutTail: string;
  stderrTail: string;
  errorsTail: string;
  /** The message trace when `traceMessages` was set (tail). */
  messages: string;
  /** Wall time of the run, ms. */
  durationMs: number;
  /** The full command line, for reproducing by hand. */
  commandLine: string;
  localPort: number;
}

/** A SIPp run in progress (a UAS waiting for calls, or a UAC placing them). */
export interface SippRun {
  pid: number;
  localPort: number;
  mediaPort: number;
  /** Resolves once SIPp has bound its SIP port (a UAS can then be called). */
  ready: Promise<void>;
  /** Resolves when SIPp has exited (or was killed at the hard timeout). */
  result: Promise<SippResult>;
  /** Ends the run now: SIGTERM, SIGKILL after 3 s. */
  stop(): Promise<void>;
}

const TAIL = 4000;

function readTail(path: string, max = TAIL): string {
  try {
    return readFileSync(path, 'latin1').slice(-max);
  } catch {
    return '';
  }
}

function targetString(t: SippOptions['target']): string | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return t;
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

/** Builds SIPp's argument list; exported so tests and reports can show it. */
export function sippArgs(
  opts: SippOptions,
  ports: { local: number; media: number; control: number },
  files: { dir: string },
): string[] {
  const host = opts.localHost ?? LOOPBACK;
  const builtin = opts.scenario === 'uac' || opts.scenario === 'uas';
  const args: string[] = builtin
    ? ['-sn', opts.scenario]
    : ['-sf', isAbsolute(opts.scenario) ? opts.scenario : resolve(opts.scenario)];
  args.push(
    '-i', host,
    '-mi', host,
    '-p', String(ports.local),
    '-mp', String(ports.media),
    '-cp', String(ports.control),
    '-t', opts.transport ?? 'u1',
    '-m', String(opts.calls),
    '-r', String(opts.rate ?? 10),
    '-rp', String(opts.ratePeriodMs ?? 1000),
    '-timeout', `${opts.timeoutSeconds}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_stat', '-stf', join(files.dir, 'stats.csv'), '-fd', '1',
    '-trace_screen', '-screen_file', join(files.dir, 'screen.log'),
    '-trace_err', '-error_file', join(files.dir, 'errors.log'),
  );
  if (opts.limit !== undefined) args.push('-l', String(opts.limit));
  // SIPp refuses to start when its default socket cap (50000) exceeds the open-files limit; a
  // socket per call ('un'/'tn') only needs as many as there are calls in flight.
  const perCall = opts.transport === 'un' || opts.transport === 'tn';
  if (perCall && !(opts.extraArgs ?? []).includes('-max_socket')) args.push('-max_socket', '1000');
  if (opts.service !== undefined) args.push('-s', opts.service);
  if (opts.auth) args.push('-au', opts.auth.username, '-ap', opts.auth.password);
  for (const [k, v] of Object.entries(opts.keys ?? {})) args.push('-key', k, String(v));
  if (opts.traceMessages) args.push('-trace_msg', '-message_file', join(files.dir, 'messages.log'));
  args.push(...(opts.extraArgs ?? []));
  const target = targetString(opts.target);
  if (target) args.push(target);
  return args;
}

/**
 * The scenario SIPp should load: built-ins and files without `{{...}}` as they are; templates
 * rendered with `scenarioVars` (and their defaults) into `dir`.
 */
function renderScenario(opts: SippOptions, dir: string): string {
  if (opts.scenario === 'uac' || opts.scenario === 'uas') return opts.scenario;
  const path = isAbsolute(opts.scenario) ? opts.scenario : resolve(opts.scenario);
  const text = readFileSync(path, 'latin1');
  if (!text.includes('{{')) return path;
  const out = join(dir, 'scenario.xml');
  writeFileSync(out, renderTemplate(text, opts.scenarioVars ?? {}), 'latin1');
  return out;
}

/** SIPp's exit code when it cannot bind a socket (EXIT_BIND_ERROR, -2). */
const EXIT_BIND_ERROR = 254;
/** Attempts when a port picked for SIPp was taken meanwhile (a race with other programs). */
const BIND_ATTEMPTS = 3;

/**
 * Starts SIPp and returns at once for a UAC; for a UAS, returns once it has bound its SIP port
 * (`ready` is then already settled). A bind failure on ports we picked is retried on fresh ones.
 * See {@link runSipp} for the one-call form.
 */
export async function startSipp(opts: SippOptions): Promise<SippRun> {
  const bin = toolPath('sipp');
  if (!bin) throw new Error(missingToolMessage('sipp'));
  if (!(opts.calls > 0)) throw new Error('runSipp: calls must be > 0 (every run is bounded)');
  if (!(opts.timeoutSeconds > 0)) throw new Error('runSipp: timeoutSeconds must be > 0');
  if (opts.scenario === 'uac' && opts.target === undefined) throw new Error('runSipp: a UAC needs a target');
  const isUas = opts.scenario === 'uas' || opts.target === undefined;
  for (let attempt = 1; ; attempt++) {
    const run = await spawnSipp(bin, opts, isUas);
    if (!isUas) return run;
    try {
      await run.ready;
      return run;
    } catch {
      const r = await run.result;
      if (r.exitCode !== EXIT_BIND_ERROR || attempt >= BIND_ATTEMPTS) return run;
    }
  }
}

async function spawnSipp(bin: string, opts: SippOptions, isUas: boolean): Promise<SippRun> {
  const host = opts.localHost ?? LOOPBACK;
  const local = opts.localPort ?? (await freePort(host));
  // SIPp binds audio RTP/RTCP at -mp, -mp+1 and video at -mp+2, -mp+3.
  const media = await freePorts(4, 1, host);
  // The control socket (UDP): any free port will do; SIPp only needs it not to collide.
  const control = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tsip-sipp-'));
  if (!opts.keepDir) removeOnExit(dir);
  let scenario: string;
  try {
    scenario = renderScenario(opts, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    forgetTempDir(dir);
    throw err;
  }
  const args = sippArgs({ ...opts, scenario }, { local, media, control }, { dir });
  const started = Date.now();
  const proc = new ManagedProcess(bin, args, { cwd: dir, tailChars: TAIL });
  const proto = (opts.transport ?? 'u1').startsWith('t') ? 'tcp' : 'udp';

  const ready = isUas
    ? waitListening(
        local,
        proto,
        5000,
        () => (proc.exit ? `sipp exited early (code ${proc.exit.code}): ${proc.stderr}` : undefined),
        proc.pid,
      )
    : Promise.resolve();
  // A failed readiness wait is reported through `ready` only; keep it from being unhandled here.
  ready.catch(() => undefined);

  const result = (async (): Promise<SippResult> => {
    const exit = await proc.waitOrKill((opts.timeoutSeconds + 5) * 1000, 3000);
    const csv = readTail(join(dir, 'stats.csv'), 1_000_000);
    const screen = readTail(join(dir, 'screen.log'), 20_000);
    const stats = parseSippCsv(csv) ?? parseSippScreen(screen) ?? emptySippStats();
    const res: SippResult = {
      exitCode: exit.code,
      signal: exit.signal,
      timedOut: exit.timedOut,
      successful: stats.successful,
      failed: stats.failed,
      stats,
      stdoutTail: proc.stdout.toString(),
      stderrTail: proc.stderr.toString(),
      errorsTail: readTail(join(dir, 'errors.log')),
      messages: opts.traceMessages ? readTail(join(dir, 'messages.log'), 40_000) : '',
      durationMs: Date.now() - started,
      commandLine: [bin, ...args].join(' '),
      localPort: local,
    };
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    forgetTempDir(dir);
    return res;
  })();

  return {
    pid: proc.pid,
    localPort: local,
    mediaPort: media,
    ready,
    result,
    stop: async () => {
      await proc.stop(3000);
      await result;
    },
  };
}

/**
 * Runs SIPp to completion (or to its hard timeout) and returns what it measured. A run that
 * could not bind its sockets (and so placed no call) is retried on fresh ports.
 */
export async function runSipp(opts: SippOptions): Promise<SippResult> {
  for (let attempt = 1; ; attempt++) {
    const r = await (await startSipp(opts)).result;
    const placedNothing = r.successful + r.failed === 0 || Number.isNaN(r.successful + r.failed);
    if (r.exitCode !== EXIT_BIND_ERROR || !placedNothing || attempt >= BIND_ATTEMPTS) return r;
  }
}

/** A one-paragraph account of a run, for assertion messages. */
export function describeSipp(r: SippResult): string {
  const reasons = Object.entries(r.stats.failureReasons).map(([k, v]) => `${k}=${v}`).join(' ');
  return [
    `sipp exit=${r.exitCode}${r.signal ? ` signal=${r.signal}` : ''}${r.timedOut ? ' (HARD TIMEOUT)' : ''}`,
    `successful=${r.successful} failed=${r.failed} ${reasons}`,
    `cmd: ${r.commandLine}`,
    r.errorsTail && `--- unexpected messages (tail) ---\n${r.errorsTail.slice(-1500)}`,
    r.stderrTail && `--- stderr (tail) ---\n${r.stderrTail.slice(-1500)}`,
  ]
    .filter(Boolean)
    .join('\n');
}
