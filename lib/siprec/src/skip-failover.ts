/**
 * OpenSIPS `skip_failover_codes` (seed 001 §1.7.1): the final responses that stop the failover
 * along the SRS list and leave the call unrecorded. A regular expression is matched against the
 * whole three-digit code ("408|487", "[34][0-9][0-9]"); a list matches its codes.
 */

/** A compiled matcher: true when `code` must not fail over. */
export type SkipMatcher = (code: number) => boolean;

/** Compiles the setting; default: nothing is skipped (every negative outcome fails over). */
export function compileSkipFailover(setting: string | readonly number[] | undefined): SkipMatcher {
  if (setting === undefined) return () => false;
  if (typeof setting !== 'string') {
    const set = new Set(setting);
    return (code) => set.has(code);
  }
  if (setting.trim() === '') return () => false;
  const re = new RegExp(`^(?:${setting})$`);
  return (code) => re.test(String(code));
}
