/**
 * A tsip SRS cluster on loopback: N `tsip srs` processes (samples/srs.ts, each its own OS process,
 * port and recordings directory) behind Kamailio's dispatcher (deploy/kamailio/dispatcher.cfg).
 * Used by the cluster interop test and by samples/srs-cluster.ts. Every process is ours, stopped
 * by pid (process group), and killed if this process dies first (see child.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess, forgetTempDir, removeOnExit } from './child.js';
import { startKamailio, type KamailioInstance } from './kamailio.js';
import { LOOPBACK, freePort } from './ports.js';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Path of the dispatcher config template. */
export const DISPATCHER_CFG = join(root, 'deploy/kamailio/dispatcher.cfg');

/** One `tsip srs` process. */
export interface SrsProcess {
  /** Index in the cluster. */
  readonly index: number;
  /** Its SIP port (UDP and TCP). */
  readonly port: number;
  /** Its recordings directory. */
  readonly dir: string;
  /** The running process (replaced by {@link restart}). */
  readonly proc: ManagedProcess;
  /** Its output so far (stdout and stderr). */
  out(): string;
  /** Resolves when its output matches `re`. */
  waitOut(re: RegExp, ms?: number): Promise<void>;
  /** Starts it again on the same port and directory (after it exited or was killed). */
  restart(): Promise<void>;
}

/** Options of {@link startSrsProcess}. */
export interface SrsProcessOptions {
  index: number;
  port: number;
  dir: string;
  /** RTP port range. */
  rtpPorts: { min: number; max: number };
  /** Seconds SIGTERM may drain (default 30). */
  drainTimeoutSeconds?: number;
  /** Extra `tsip srs` arguments. */
  args?: string[];
}

/** Starts `tsip srs` (samples/srs.ts) as a process; resolves once it listens. */
export async function startSrsProcess(o: SrsProcessOptions): Promise<SrsProcess> {
  let proc: ManagedProcess;
  let text = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const launch = async (): Promise<void> => {
    text = '';
    proc = new ManagedProcess(process.execPath, [
      ...nodeArgsFor(join(root, 'samples/srs.ts')), '--host', LOOPBACK, '--port', String(o.port), '--dir', o.dir,
      '--rtp-ports', `${o.rtpPorts.min}-${o.rtpPorts.max}`, '--drain-timeout', String(o.drainTimeoutSeconds ?? 30),
      '--min-free-disk', '0', ...(o.args ?? []),
    ], { cwd: root, tailChars: 65536 });
    const feed = (d: Buffer): void => {
      text += d.toString();
      if (text.length > 1 << 20) text = text.slice(-(1 << 19));
      for (const w of waiters.filter((x) => x.re.test(text))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    proc.child.stdout?.on('data', feed);
    proc.child.stderr?.on('data', feed);
    await self.waitOut(/SRS listening/, 30_000);
  };
  const self: SrsProcess = {
    index: o.index, port: o.port, dir: o.dir,
    get proc() { return proc; },
    out: () => text,
    waitOut: (re, ms = 20_000) => (re.test(text) ? Promise.resolve() : new Promise((res, rej) => {
      const w = { re, resolve: () => { clearTimeout(timer); res(); } };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(w), 1);
        rej(new Error(`SRS ${o.index}: no ${re} within ${ms} ms; output:\n${text.slice(-2000)}`));
      }, ms);
      waiters.push(w);
      void proc.exited.then(() => {
        if (!re.test(text)) setTimeout(() => { if (waiters.includes(w)) { clearTimeout(timer); waiters.splice(waiters.indexOf(w), 1); rej(new Error(`SRS ${o.index} exited; output:\n${text.slice(-2000)}`)); } }, 100);
      });
    })),
    restart: launch,
  };
  await launch();
  return self;
}

/** Options of {@link startSrsCluster}. */
export interface SrsClusterOptions {
  /** SRS processes (default 2). */
  count?: number;
  /** Where the recordings go: `<root>/srs-<i>` (default a temp dir removed at stop). */
  root?: string;
  /** Seconds each SRS may drain on SIGTERM (default 30). */
  drainTimeoutSeconds?: number;
  /** Kamailio's OPTIONS probe interval, s (default 1). */
  pingIntervalSeconds?: number;
  /** Dispatcher algorithm (default 4, round robin). */
  algorithm?: number;
  /**
   * First RTP port; each SRS gets `rtpPortsEach` from there on. Default: in 20000-29999, below
   * the kernel's ephemeral ports and the SRC's (30000-) and SRS's (40000-) default ranges other
   * tests use, picked by the pid so parallel runs rarely share one.
   */
  rtpBase?: number;
  /** RTP ports per SRS (default 1000). */
  rtpPortsEach?: number;
  /** Kamailio's port (default a free one). */
  port?: number;
  /** Extra `tsip srs` arguments for every SRS. */
  srsArgs?: string[];
  /** More dispatcher.cfg placeholders (e.g. FR_TIMEOUT_MS). */
  vars?: Record<string, string | number>;
}

/** A running cluster. */
export interface SrsCluster {
  /** The dispatcher: where SRCs send their INVITEs. */
  readonly kamailio: KamailioInstance;
  /** The entry URI (Kamailio, UDP and TCP). */
  readonly uri: string;
  readonly srs: SrsProcess[];
  /** Stops everything (SIGTERM, SIGKILL after 3 s) and removes a temp root. */
  stop(): Promise<void>;
}

/** Starts N SRS processes, then Kamailio dispatching to them. */
export async function startSrsCluster(o: SrsClusterOptions = {}): Promise<SrsCluster> {
  const count = o.count ?? 2;
  const temp = o.root === undefined;
  const base = o.root ?? mkdtempSync(join(tmpdir(), 'tsip-srs-cluster-'));
  if (temp) removeOnExit(base);
  mkdirSync(base, { recursive: true });
  const each = o.rtpPortsEach ?? 1000;
  const rtpBase = o.rtpBase ?? 20000 + (process.pid % Math.max(1, Math.floor(10_000 / (each * count)))) * each * count;
  const srs: SrsProcess[] = [];
  let kamailio: KamailioInstance | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([kamailio?.stop(), ...srs.map((s) => s.proc.stop(3000))]);
    if (temp) {
      rmSync(base, { recursive: true, force: true });
      forgetTempDir(base);
    }
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    const started = await Promise.all(ports.map((port, i) => startSrsProcess({
      index: i, port, dir: join(base, `srs-${i}`), rtpPorts: { min: rtpBase + i * each, max: rtpBase + (i + 1) * each - 1 },
      ...(o.drainTimeoutSeconds !== undefined ? { drainTimeoutSeconds: o.drainTimeoutSeconds } : {}),
      ...(o.srsArgs ? { args: o.srsArgs } : {}),
    })));
    srs.push(...started);
    const list = join(base, 'dispatcher.list');
    writeFileSync(list, ports.map((p) => `1 sip:${LOOPBACK}:${p} 0 0\n`).join(''));
    kamailio = await startKamailio({
      config: DISPATCHER_CFG, ...(o.port !== undefined ? { port: o.port } : {}),
      vars: { DISPATCHER_LIST: list, PING_INTERVAL: o.pingIntervalSeconds ?? 1, DS_ALG: o.algorithm ?? 4, ...o.vars },
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { kamailio, uri: `sip:srs@${LOOPBACK}:${kamailio.port}`, srs, stop };
}
