/**
 * `npm start`: records a synthetic two-party G.711 call with SIPREC — the `tsip record` command
 * (lib/cli/record.ts), run from the sources.
 *
 * Without `--srs`, an embedded Srs runs on loopback, an SrcManager points at it, a 10-second call
 * (alice speaks 440 Hz, bob 1000 Hz, in turns) is forked to it, the recording is stopped with BYE,
 * and the demo prints where the recording is, its streams, durations and participants, and checks
 * that each WAV decodes to the right party's voice.
 *
 *   npm start
 *   npm start -- --seconds 30 --dir ./recordings --codec pcma
 *   npm start -- --srs sip:127.0.0.1:5090 --seconds 5        (an external SRS, e.g. samples/srs.ts)
 *   npm start -- --srs "sip:127.0.0.1:5091,sip:127.0.0.1:5090" (failover list)
 *
 *   npm start -- --srs sip:10.0.0.5:5060 --max-udp 65000         (an SRS listening on UDP only)
 *
 * Exit code 0 only if the recording was set up, carried media, ended with a 200 to its BYE and
 * (embedded SRS) the files verified; 1 if not; 2 for bad arguments.
 */
import { recordCommand } from '../lib/cli/record.js';
import { runCommand } from '../lib/cli/run.js';

process.exit(await runCommand(recordCommand, process.argv.slice(2)));
