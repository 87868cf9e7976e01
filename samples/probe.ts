/**
 * The SIPREC conformance probe as a process (what `tsip probe` runs):
 *
 *   npx tsx samples/probe.ts srs sip:127.0.0.1:5090 [--transport tcp] [--json] [--timeout-ms 4000]
 *   npx tsx samples/probe.ts src --listen 127.0.0.1:5090 [--calls 1] [--json] [--timeout-ms 30000]
 *
 * An SRS that authenticates or is reached over TLS (password from a file or TSIP_PROBE_PASSWORD):
 *
 *   npx tsx samples/probe.ts srs 'sips:127.0.0.1:5091' --user src1 --password-file pass.txt --tls-ca ca.pem --tls-cert me.pem --tls-key me.key
 *   npx tsx samples/probe.ts src --listen 127.0.0.1:5091 --transport tls --tls-cert srs.pem --tls-key srs.key
 *
 * Exit code 0 when no check failed, 1 when one did, 2 for bad arguments.
 */
import { probeCommand } from '../lib/cli/probe.js';

process.exitCode = await probeCommand.run(process.argv.slice(2));
