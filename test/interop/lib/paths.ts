/**
 * Where the interop configs and scenarios live, independent of the caller's working directory.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const interopDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Path of a Kamailio config template in test/interop/kamailio/. */
export function kamailioConfig(name: 'uas.cfg' | 'registrar.cfg' | 'presence.cfg' | (string & {})): string {
  return join(interopDir, 'kamailio', name);
}

/** Path of a SIPp scenario in test/interop/scenarios/. */
export function scenarioPath(name: string): string {
  return join(interopDir, 'scenarios', name);
}
