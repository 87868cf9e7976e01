/**
 * The heap after a full collection, for the in-process memory probes (uas-heap-probe.ts,
 * refused-heap-probe.ts): run them with `--expose-gc`. Two collections 50 ms apart, because V8
 * finishes freeing (weak references, finalizers) on the turn after the first.
 */
const gc = (globalThis as { gc?: () => void }).gc;

/** Throws unless the process runs with `--expose-gc`. */
export function requireGc(): void {
  if (gc === undefined) throw new Error('run with node --expose-gc');
}

/** Resolves after `ms`. */
export const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `heapUsed` after two full collections. */
export async function heapAfterGc(): Promise<number> {
  requireGc();
  gc!();
  await settle(50);
  gc!();
  return process.memoryUsage().heapUsed;
}
