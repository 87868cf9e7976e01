/**
 * The peers a bench measures next to tsip (SIPp, Kamailio ...) are Debian packages that
 * scripts/install-interop-tools.sh installs; without one the bench says so and is skipped, so
 * `npm run bench` goes on with the others.
 */
import { type ToolName, hasTool, missingToolMessage } from '../../test/interop/lib/index.js';

/** True (after printing why) when one of `tools` is missing and `bench` cannot run. */
export function skippedWithout(bench: string, tools: readonly ToolName[]): boolean {
  const missing = tools.find((tool) => !hasTool(tool));
  if (missing === undefined) return false;
  console.log(`${bench} bench not run: ${missingToolMessage(missing)}`);
  return true;
}
