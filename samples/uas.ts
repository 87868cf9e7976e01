/**
 * A UAS on the SipStack: `tsip uas` (lib/cli/uas.ts) as a script. Answers INVITE with 200 OK and
 * an SDP answer (a WebRTC answer to a browser's offer), absorbs the ACK, answers BYE, OPTIONS,
 * MESSAGE and REGISTER with 200, and prints a one-line summary on SIGINT/SIGTERM.
 *
 *   npx tsx samples/uas.ts --transport udp|tcp|ws --host 127.0.0.1 --port 5062
 *   npx tsx samples/uas.ts --transport wss --port 8443 --tls-cert cert.pem --tls-key key.pem
 *
 * `--transport udp,tcp` listens on both. `--help` lists every option. The benchmark and the SIPp
 * and browser interop tests drive it.
 */
import { uasCommand } from '../lib/cli/uas.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(uasCommand.help);
  process.exit(0);
}
process.exit(await uasCommand.run(argv));
