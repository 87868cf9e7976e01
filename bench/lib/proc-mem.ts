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
  /** Where the pid's memory was when its RSS peaked. */
  peakBreakdown?: SmapsBreakdown;
}

/** Samples a pid every `intervalMs` until `stop()`; `stop()` returns the peaks. */
export function sampleMemory(pid: number, intervalMs = 200): { stop(): MemoryPeak } {
  const peak: MemoryPeak = { peakRssKb: 0, peakTreePssKb: 0, samples: 0 };
  const sample = (): void => {
    const rss = rssKb(pid);
    if (rss > peak.peakRssKb) {
      peak.peakRssKb = rss;
      peak.peakBreakdown = smapsBreakdown(pid);
    }
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
 * Sends `signal` (SIGUSR2 unless told) to a child that answers it with one report line on stdout
 * (the uas's `--memory-report`, the fuzz soak's heap probe) and resolves with the first line
 * matching `pattern`, or undefined when none came within `ms`.
 */
export function requestReport(proc: ReportingChild, pattern: RegExp, ms = 10_000, signal: NodeJS.Signals = 'SIGUSR2'): Promise<RegExpExecArray | undefined> {
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
    proc.child.kill(signal);
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

/**
 * Where a process's resident memory is, kB, from /proc/<pid>/smaps, summed per kind of mapping:
 * `brkHeap` glibc's main heap ([heap]), `anon` every other anonymous private mapping (V8's heap
 * spaces and code, glibc's mmapped chunks and thread arenas, libuv), `file` mapped files (the node
 * binary, shared libraries), `stack` thread stacks, `other` the rest (vdso, shared memory);
 * `anonLarge` the part of `anon` in mappings of 1 MiB or more resident (V8's large pages, glibc
 * thread arenas), `anonHuge` transparent huge pages.
 */
export interface SmapsBreakdown {
  brkHeap: number;
  anon: number;
  anonLarge: number;
  anonHuge: number;
  file: number;
  stack: number;
  other: number;
}

/** Reads `/proc/<pid>/smaps` into a {@link SmapsBreakdown} (all zero when the pid is gone). */
export function smapsBreakdown(pid: number): SmapsBreakdown {
  const out: SmapsBreakdown = { brkHeap: 0, anon: 0, anonLarge: 0, anonHuge: 0, file: 0, stack: 0, other: 0 };
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return out;
  }
  let kind: keyof SmapsBreakdown = 'other';
  for (const line of text.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (header) {
      const name = header[3] ?? '';
      kind = name === '[heap]' ? 'brkHeap' : name.startsWith('[stack') ? 'stack' : name === '' ? 'anon' : name.startsWith('/') && header[2] !== '0' ? 'file' : 'other';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      const kb = Number(rss[1]);
      out[kind] += kb;
      if (kind === 'anon' && kb >= 1024) out.anonLarge += kb;
      continue;
    }
    const huge = /^AnonHugePages:\s+(\d+) kB/.exec(line);
    if (huge) out.anonHuge += Number(huge[1]);
  }
  return out;
}

/** One line of a {@link SmapsBreakdown}, MB. */
export function formatBreakdown(b: SmapsBreakdown): string {
  const mb = (kb: number): string => (kb / 1024).toFixed(1);
  return `[heap] ${mb(b.brkHeap)} anon ${mb(b.anon)} (in >=1 MB mappings ${mb(b.anonLarge)}, THP ${mb(b.anonHuge)}) file ${mb(b.file)} stack ${mb(b.stack)} other ${mb(b.other)}`;
}
