/**
 * Runs a private Kamailio on loopback for one test or benchmark.
 *
 * Never the system service: every instance gets its own rendered config, port, working directory,
 * runtime directory and pid file under a fresh temp dir, runs in the foreground (`-DD -E`: the
 * creator stays attached and logs to stderr) and is stopped by the pid we spawned.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedProcess, forgetTempDir, removeOnExit } from './child.js';
import { createDbText } from './dbtext.js';
import { LOOPBACK, freePort } from './ports.js';
import { probeSip } from './sip-probe.js';
import { renderTemplate, type TemplateVars } from './template.js';
import { kamailioModuleDir, missingToolMessage, toolPath } from './tools.js';

export interface StartKamailioOptions {
  /** Path of a .cfg template with `{{NAME}}` placeholders (see test/interop/kamailio/). */
  config: string;
  /** UDP+TCP port to listen on. A free one is chosen when omitted. */
  port?: number;
  /** Loopback address to listen on: 127.0.0.1 (default) or ::1. */
  host?: '127.0.0.1' | '::1';
  /** Extra placeholder values; they override the built-in ones below. */
  vars?: TemplateVars;
  /** Worker processes per listener (`{{CHILDREN}}`); small by default. */
  children?: number;
  /** db_text tables to create; their `text://` URL becomes `{{DB_URL}}`. */
  dbTextTables?: readonly string[];
  /** Bound on start-up until the OPTIONS probe is answered, in ms. */
  readyTimeoutMs?: number;
  /** Shared memory in MB (`-m`); Kamailio's default of 64 is plenty for tests. */
  shmMb?: number;
  /** Keep the temp dir after stop (for debugging a failed run). */
  keepDir?: boolean;
  /** Write Kamailio's whole log to `<dir>/kamailio.log` (with `keepDir`, for debugging). */
  logToFile?: boolean;
}

export interface KamailioInstance {
  /** Pid of the Kamailio creator process we spawned (its workers are in its process group). */
  pid: number;
  /** The bare loopback address it listens on (127.0.0.1 or ::1). */
  host: string;
  port: number;
  /** The temp dir holding the rendered config, pid file, db_text files. */
  dir: string;
  /** Path of the rendered config. */
  configPath: string;
  /** The last stderr lines (Kamailio's log with -E). */
  log(): string;
  /** SIGTERM, SIGKILL after 3 s; removes the temp dir unless `keepDir`. Idempotent. */
  stop(): Promise<void>;
}

/** Renders `config` and starts Kamailio; resolves once it answers an OPTIONS over UDP. */
export async function startKamailio(opts: StartKamailioOptions): Promise<KamailioInstance> {
  const bin = toolPath('kamailio');
  const mpath = kamailioModuleDir();
  if (!bin || !mpath) throw new Error(missingToolMessage('kamailio'));

  const host = opts.host ?? LOOPBACK;
  const v6 = host.includes(':');
  const port = opts.port ?? (await freePort(host));
  const dir = mkdtempSync(join(tmpdir(), 'tsip-kamailio-'));
  if (!opts.keepDir) removeOnExit(dir);
  const vars: TemplateVars = {
    // HOST is URI/listen form ([::1] for IPv6); HOST_IP and IP_VER are for SDP lines.
    HOST: v6 ? `[${host}]` : host,
    HOST_IP: host,
    IP_VER: v6 ? 6 : 4,
    PORT: port,
    MPATH: mpath,
    WORKDIR: dir,
    CHILDREN: opts.children ?? 2,
    ...(opts.dbTextTables ? { DB_URL: createDbText(join(dir, 'db'), opts.dbTextTables) } : {}),
    ...opts.vars,
  };
  const configPath = join(dir, 'kamailio.cfg');
  writeFileSync(configPath, renderTemplate(readFileSync(resolve(opts.config), 'utf8'), vars));

  const args = [
    '-f', configPath,
    '-DD', // foreground, but still forks its workers
    '-E', // log to stderr (captured in a tail)
    '-w', dir,
    '-Y', dir,
    '-P', join(dir, 'kamailio.pid'),
    '-L', mpath,
    '-m', String(opts.shmMb ?? 64),
    '-M', '8',
  ];
  const proc = new ManagedProcess(bin, args, {
    cwd: dir,
    tailChars: 16384,
    ...(opts.logToFile ? { logFile: join(dir, 'kamailio.log') } : {}),
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await proc.stop(3000);
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    forgetTempDir(dir);
  };

  try {
    await probeSip({
      host,
      port,
      timeoutMs: opts.readyTimeoutMs ?? 10_000,
      abort: () => (proc.exit ? `kamailio exited (code ${proc.exit.code}, signal ${proc.exit.signal})` : undefined),
    });
  } catch (err) {
    const log = proc.stderr.toString().split('\n').slice(-40).join('\n');
    await stop();
    throw new Error(`Kamailio (${opts.config}) did not start: ${(err as Error).message}\n--- kamailio log tail ---\n${log}`);
  }

  return {
    pid: proc.pid,
    host,
    port,
    dir,
    configPath,
    log: () => proc.stderr.toString(),
    stop,
  };
}
