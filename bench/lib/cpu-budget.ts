/**
 * The parser benches' measuring loop. CPU time (user + system of this process) rather than wall
 * time, so other load on a shared machine does not count against whichever side it hits.
 */

/**
 * Calls `fn(input)` in batches of `batch` until about `ms` ms of CPU are used.
 * @returns [calls made, CPU microseconds used]
 */
export function runForCpu<T>(fn: (input: T) => void, input: T, ms: number, batch: number): [number, number] {
  const budget = ms * 1000;
  let n = 0;
  const c0 = process.cpuUsage();
  let used = 0;
  while (used < budget) {
    for (let i = 0; i < batch; i++) fn(input);
    n += batch;
    const c = process.cpuUsage(c0);
    used = c.user + c.system;
  }
  return [n, used];
}
