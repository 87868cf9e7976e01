/**
 * One subcommand of the `tsip` command line (`tsip record`, `tsip srs`, `tsip uas`, `tsip parse`,
 * `tsip probe`). The dispatcher lists them, prints `help` for `--help`, and exits with what `run`
 * resolves to.
 */
export interface CliCommand {
  /** The word after `tsip`. */
  readonly name: string;
  /** One line for `tsip --help`. */
  readonly summary: string;
  /** The full text for `tsip NAME --help`: usage, options, exit codes. */
  readonly help: string;
  /** Runs with the arguments after the name; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/**
 * Exit codes every command shares; a command documents its own meaning of `Failed` in its help.
 * 2 is the usual code for a usage error (as getopt-style tools do).
 */
export const CliExit = {
  /** Done, and what was checked held. */
  Ok: 0,
  /** Ran, but the result is a failure (recording not complete, a probe check failed, parse error). */
  Failed: 1,
  /** Bad arguments: the help says how to call it. */
  Usage: 2,
} as const;
