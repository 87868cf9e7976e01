/**
 * This process's CPU time (user + system), in milliseconds. Complexity guards (linear time, no
 * catastrophic backtracking) measure a synchronous block with it instead of the wall clock: a
 * loaded machine stretches wall time many times over, not the CPU the block itself needs.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
