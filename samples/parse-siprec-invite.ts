/**
 * Parses a SIPREC INVITE (RFC 7866) and prints what a recording server reads from it: the
 * recording indications in the headers, each SDP stream with its label, and the RFC 7865
 * metadata tying participants to those streams — the `tsip parse` command (lib/cli/parse.ts).
 *
 *   npx tsx samples/parse-siprec-invite.ts [file]     (default: samples/data/siprec-invite.sip)
 *
 * The file may use LF line ends and the word LENGTH for Content-Length: both are fixed, so
 * hand-written messages stay readable. Exit code 1 with the parse error for a broken message.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from '../lib/cli/parse.js';
import { runCommand } from '../lib/cli/run.js';

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'data/siprec-invite.sip');
process.exit(await runCommand(parseCommand, [file]));
