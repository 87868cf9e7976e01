#!/usr/bin/env node
/**
 * The `tsip` command line (package.json `bin`): `tsip <command> [options]`, `tsip --help`,
 * `tsip <command> --help`, `tsip --version`. The commands are listed in commands.ts.
 *
 * Exit codes: 0 done and the result held, 1 the result is a failure, 2 bad arguments or an unknown
 * command (see `CliExit` in command.ts; each command's help says what 1 means for it).
 * @module
 */
import { commands } from './commands.js';
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), commands);
// a command may leave sockets or timers of a failed run behind: its exit code is the answer
process.exit(code);
