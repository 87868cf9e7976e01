/** Every `tsip` subcommand, in the order `tsip --help` lists them. */
import type { CliCommand } from './command.js';
import { probeCommand } from './probe.js';

export const commands: CliCommand[] = [
  probeCommand,
];
