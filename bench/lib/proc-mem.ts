/**
 * Memory of a process under load, sampled from /proc while a benchmark runs (Linux only).
 *
 * Two figures, because the peers differ in shape: tsip is one node process, Kamailio a creator
 * plus forked workers sharing a big shared-memory segment.
 * - `peakRssKb`: the highest VmRSS of the given pid alone (what the brief asks for; for node this
 *   is the whole story).
 * - `peakTreePssKb`: the highest sum of Pss (proportional set size, /proc/<pid>/smaps_rollup) over
 *   the pid and all its descendants. Pss charges each shared page to its sharers in proportion,
 *   so the sum is the real footprint of a multi-process server; summing RSS would count
 *   Kamailio's shared memory once per worker.
 */
import { readFileSync } from 'node:fs';

function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : statusKb(pid, 'VmRSS');
  } catch {
    return statusKb(pid, 'VmRSS');
  }
}

/** `pid` and all its descendants, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0 && out.length < 1000) {
    const p = stack.pop() as number;
    out.push(p);
    let tids: string[] = [];
    try {
      tids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      /* gone or no children file */
    }
    for (const c of tids) stack.push(Number(c));
  }
  return out;
}

/** Current VmRSS of one pid, kB (0 when it is gone). */
export function rssKb(pid: number): number {
  return statusKb(pid, 'VmRSS');
}

/** Current summed Pss of a pid and its descendants, kB. */
export function treePssKb(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + pssKb(p), 0);
}

export interface MemoryPeak {
  peakRssKb: number;
  peakTreePssKb: number;
  samples: number;
}

/** Samples a pid every `intervalMs` until `stop()`; `stop()` returns the peaks. */
export function sampleMemory(pid: number, intervalMs = 200): { stop(): MemoryPeak } {
  const peak: MemoryPeak = { peakRssKb: 0, peakTreePssKb: 0, samples: 0 };
  const sample = (): void => {
    peak.peakRssKb = Math.max(peak.peakRssKb, rssKb(pid));
    peak.peakTreePssKb = Math.max(peak.peakTreePssKb, treePssKb(pid));
    peak.samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}

/** A child the benches started (test/interop/lib's ManagedProcess), as far as the report needs it. */
interface ReportingChild {
  child: { stdout: NodeJS.ReadableStream | null; kill(signal: NodeJS.Signals): boolean };
}

/**
 * Sends SIGUSR2 to a child that answers it with one report line on stdout (the uas's
 * `--memory-report`, the fuzz soak's heap probe) and resolves with the first line matching
 * `pattern`, or undefined when none came within `ms`.
 */
export function requestReport(proc: ReportingChild, pattern: RegExp, ms = 10_000): Promise<RegExpExecArray | undefined> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('utf8');
      const m = pattern.exec(buf);
      if (m === null) return;
      done();
      resolve(m);
    };
    const timer = setTimeout(() => {
      done();
      resolve(undefined);
    }, ms);
    const done = (): void => {
      clearTimeout(timer);
      proc.child.stdout?.off('data', onData);
    };
    proc.child.stdout?.on('data', onData);
    proc.child.kill('SIGUSR2');
  });
}

/**
 * CPU time (user + system) a pid has used so far, in ms, from /proc/<pid>/stat (fields 14 and 15,
 * in clock ticks of 10 ms on Linux); 0 when it is gone. Differences over a load step give CPU per call.
 */
export function cpuMs(pid: number): number {
  const c = cpuSplitMs(pid);
  return c.user + c.system;
}

/** {@link cpuMs} split into user and system (kernel) time, ms. */
export function cpuSplitMs(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
  } catch {
    return { user: 0, system: 0 };
  }
}
