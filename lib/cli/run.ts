/**
 * The `tsip` dispatcher: picks the subcommand, answers `--help` and `--version`, and turns what a
 * command throws into its exit code (usage error 2, anything else 1). main.ts is the process entry.
 * @module
 */
import { TSIP_VERSION } from '../stack/index.js';
import { CliUsageError } from './args.js';
import { CliExit, type CliCommand } from './command.js';

/** True when `--help` or `-h` comes before a `--` (after it, they are plain arguments). */
function asksForHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** The text of `tsip --help`: every command with its one-line summary. */
export function usage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'usage: tsip <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `  tsip <command> --help   options and exit codes of one command`,
    `  tsip --version          prints the version (${TSIP_VERSION})`,
    '',
    'exit codes: 0 done and the result held, 1 the result is a failure, 2 bad arguments',
  ].join('\n');
}

/**
 * Runs one command with its arguments: `--help` prints its help (exit 0); a {@link CliUsageError}
 * prints the message and exits 2; any other error prints it and exits 1.
 * @returns the process exit code.
 */
export async function runCommand(command: CliCommand, argv: readonly string[]): Promise<number> {
  if (asksForHelp(argv)) {
    console.log(command.help);
    return CliExit.Ok;
  }
  try {
    return await command.run(argv);
  } catch (e) {
    if (e instanceof CliUsageError) {
      console.error(`tsip ${command.name}: ${e.message}`);
      console.error(`run 'tsip ${command.name} --help' for the options`);
      return CliExit.Usage;
    }
    console.error(`tsip ${command.name}: ${e instanceof Error ? e.message : String(e)}`);
    return CliExit.Failed;
  }
}

/**
 * The whole command line: `tsip`, `tsip --help`, `tsip --version`, `tsip help CMD`, `tsip CMD ...`.
 * An unknown command (or none) prints the usage on stderr and gives exit code 2.
 * @returns the process exit code.
 */
export async function runCli(argv: readonly string[], commands: readonly CliCommand[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    console.log(usage(commands));
    return CliExit.Ok;
  }
  if (first === '--version' || first === '-V') {
    console.log(TSIP_VERSION);
    return CliExit.Ok;
  }
  if (first === 'help' && rest.length > 0) return runCli([rest[0], '--help'], commands);
  const command = commands.find((c) => c.name === first);
  if (command === undefined) {
    console.error(first === undefined ? 'tsip: no command given' : `tsip: unknown command '${first}'`);
    console.error(usage(commands));
    return CliExit.Usage;
  }
  return runCommand(command, rest);
}
