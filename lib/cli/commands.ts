/** The subcommands of the `tsip` command line, one import and one entry per line. */
import type { CliCommand } from './command.js';
import { srsCommand } from './srs.js';

/** Every `tsip` subcommand. */
export const commands: CliCommand[] = [
  srsCommand,
];
