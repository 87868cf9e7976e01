/**
 * Starting and ending the external programs a test drives, always by the pid we were given.
 *
 * Each program is spawned as the leader of its own process group (`detached`), so stopping it also
 * reaches the worker processes it forked itself (Kamailio forks one per child/timer/TCP worker)
 * and nothing else: we signal `-pid`, the group we created, never a name. Output is kept as a
 * bounded tail so a failing test can show what the peer said without buffering megabytes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';

/** Keeps the last `max` characters written to it. */
export class Tail {
  private text = '';
  constructor(private readonly max = 8192) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.max * 2) this.text = this.text.slice(-this.max);
  }
  toString(): string {
    return this.text.slice(-this.max);
  }
}

/** How a managed program ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Characters of stdout/stderr kept for diagnostics. */
  tailChars?: number;
  /** Also append everything the program writes (stdout and stderr) to this file. */
  logFile?: string;
}

/** Programs started here and not yet exited; killed if this node process goes away first. */
const live = new Set<ManagedProcess>();
/** Temp dirs of running peers; removed if this node process goes away before their stop(). */
const tempDirs = new Set<string>();
let hooked = false;

/** Removes `dir` if this process exits or is signalled before {@link forgetTempDir}. */
export function removeOnExit(dir: string): void {
  hookExit();
  tempDirs.add(dir);
}

/** The caller cleaned `dir` up itself (or keeps it on purpose). */
export function forgetTempDir(dir: string): void {
  tempDirs.delete(dir);
}

/**
 * Our programs run detached (own process group), so they would outlive this process if it died
 * without stopping them (a crash, tap's timeout SIGTERM): on exit or a terminating signal, SIGKILL
 * every group we started. A signal is then left to whoever else listens for it (tap), or, when
 * nobody does, ends the process as the default action would have.
 */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = (): void => {
    for (const p of live) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    live.clear();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  };
  process.on('exit', killAll);
  // SIGALRM is how tap tells a test process it timed out (SIGKILL follows).
  const codes: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGALRM: 14 };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGALRM'] as const) {
    process.on(sig, () => {
      killAll();
      if (process.listenerCount(sig) === 1) process.exit(128 + codes[sig]);
    });
  }
}

/** A spawned program with its output tails and a promise of its exit. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stdout: Tail;
  readonly stderr: Tail;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  constructor(readonly command: string, readonly args: readonly string[], opts: SpawnOptions = {}) {
    this.stdout = new Tail(opts.tailChars);
    this.stderr = new Tail(opts.tailChars);
    this.child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true, // own process group: see the file comment
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (this.child.pid === undefined) throw new Error(`could not start ${command}`);
    this.pid = this.child.pid;
    hookExit();
    live.add(this);
    const log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout.push(d);
      log?.write(d);
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr.push(d);
      log?.write(d);
    });
    this.child.once('close', () => log?.end());
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (err) => {
        this.stderr.push(`spawn error: ${err.message}\n`);
        this.exitInfo ??= { code: -1, signal: null };
        live.delete(this);
        resolve(this.exitInfo);
      });
      // 'close' (not 'exit') so the tails hold everything the program wrote.
      this.child.once('close', (code, signal) => {
        this.exitInfo ??= { code, signal };
        live.delete(this);
        resolve(this.exitInfo);
      });
    });
  }

  /** Undefined while running; how it ended afterwards. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Sends `signal` to the process group we created; ignores "already gone". */
  signal(signal: NodeJS.Signals): void {
    if (this.exitInfo) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs` if it is still running. Resolves when it has exited.
   * The SIGKILL also goes to the whole group: a wedged worker must not outlive the test.
   */
  async stop(graceMs = 3000): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    let forced = false;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        forced = true;
        this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    const info = await this.exited;
    if (forced) {
      // The leader was wedged; its workers may still be alive in the group we created.
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        /* group is empty: good */
      }
    }
    return info;
  }

  /** Waits for exit at most `ms`; then kills (SIGTERM, SIGKILL) and reports that it timed out. */
  async waitOrKill(ms: number, graceMs = 2000): Promise<ExitInfo & { timedOut: boolean }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    const first = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (first !== 'timeout') return { ...first, timedOut: false };
    const info = await this.stop(graceMs);
    return { ...info, timedOut: true };
  }
}
