/**
 * Every `tsip` subcommand, in the order `tsip --help` lists them.
 * One import and one entry per line, so commands added on different branches merge cleanly.
 * @module
 */
import type { CliCommand } from './command.js';
import { parseCommand } from './parse.js';
import { probeCommand } from './probe.js';
import { recordCommand } from './record.js';
import { srsCommand } from './srs.js';
import { uasCommand } from './uas.js';

/** The subcommands the dispatcher (main.ts) knows. */
export const commands: CliCommand[] = [
  recordCommand,
  srsCommand,
  uasCommand,
  parseCommand,
  probeCommand,
];
