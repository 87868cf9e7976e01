/**
 * A standalone Session Recording Server (the `tsip srs` command): UDP and TCP on one port until
 * SIGTERM or Ctrl-C, which drain it (new recordings refused with 503, live ones run to their BYE,
 * at most --drain-timeout seconds); a second signal stops it at once (BYE to every live recording,
 * files closed and marked complete).
 *
 *   npx tsx samples/srs.ts --host 127.0.0.1 --port 5090 --dir ./recordings [--http 127.0.0.1:9090]
 *
 * Record to it with `npm start -- --srs sip:127.0.0.1:5090`; `--help` lists every option.
 */
import { srsCommand } from '../lib/cli/srs.js';

process.exit(await srsCommand.run(process.argv.slice(2)));
