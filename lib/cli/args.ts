/**
 * The argument parsing every `tsip` subcommand shares: node:util `parseArgs` in strict mode, with its
 * errors (unknown option, missing value) and the commands' own checks turned into {@link CliUsageError},
 * which the dispatcher reports with exit code 2 (`CliExit.Usage`).
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { StackLimits, TransportLimits } from '../../include-types/settings.js';

/** Bad command-line arguments: the dispatcher prints the message, points to `--help` and exits 2. */
export class CliUsageError extends Error {
  /** @param message what is wrong, naming the option (`--seconds must be ...`). */
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** The option table of one command, in node:util `parseArgs` form. */
export type CliOptionTable = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandArgs} returns: node:util's typed `values` and the `positionals`. */
export type ParsedCommandArgs<O extends CliOptionTable> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** How many positional arguments (FILE, ...) a command takes. */
export interface PositionalCount {
  /** Fewest allowed (default 0). */
  min?: number;
  /** Most allowed (default 0). */
  max?: number;
}

/**
 * Parses one command's arguments strictly: an unknown option, an option without its value or a wrong
 * number of positionals throws {@link CliUsageError}.
 *
 * @param argv the arguments after the command name.
 * @param options the option table (`{ seconds: { type: 'string', default: '10' } }`).
 * @param positionals how many positional arguments are allowed.
 */
export function parseCommandArgs<const O extends CliOptionTable>(argv: readonly string[], options: O, positionals: PositionalCount = {}): ParsedCommandArgs<O> {
  let parsed: ParsedCommandArgs<O>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    // node:util reports bad arguments as TypeError with an ERR_PARSE_ARGS_* code
    if (e instanceof TypeError && String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) throw new CliUsageError(e.message);
    throw e;
  }
  const n = parsed.positionals.length;
  const min = positionals.min ?? 0;
  const max = positionals.max ?? 0;
  if (n < min) throw new CliUsageError(`expected ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}, got ${n}`);
  if (n > max) throw new CliUsageError(max === 0 ? `unexpected argument '${parsed.positionals[0]}'` : `too many arguments (at most ${max})`);
  return parsed;
}

/** Limits for {@link numberOption}. */
export interface NumberLimits {
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
  /** The smallest value itself is not allowed (for "more than 0"). */
  minExclusive?: boolean;
  /** Whole numbers only. */
  integer?: boolean;
}

/**
 * The number in a string option, checked against `limits`.
 * @param name the option's name without dashes (for the message).
 * @param raw the option's value; undefined gives undefined.
 * @throws CliUsageError when it is not a number in range.
 */
export function numberOption(name: string, raw: string | undefined, limits: NumberLimits = {}): number | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  const { min = -Infinity, max = Infinity, minExclusive = false, integer = false } = limits;
  const aboveMin = minExclusive ? v > min : v >= min;
  if (!Number.isFinite(v) || !aboveMin || v > max || (integer && !Number.isInteger(v))) {
    const range = `${minExclusive ? '(' : '['}${min}, ${max}]`;
    throw new CliUsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} in ${range} (not ${raw})`);
  }
  return v;
}

/**
 * A string option that must be one of `choices` (compared case-insensitively, returned as listed).
 * @throws CliUsageError for anything else.
 */
export function choiceOption<const C extends string>(name: string, raw: string, choices: readonly C[]): C {
  const found = choices.find((c) => c.toLowerCase() === raw.toLowerCase());
  if (found === undefined) throw new CliUsageError(`--${name} must be ${choices.join(' or ')} (not ${raw})`);
  return found;
}

/**
 * `--NAME HOST:PORT` (`[v6]:PORT`, or `PORT` alone for 127.0.0.1), or undefined when not given.
 * @throws CliUsageError when it is not that shape or the port is out of range.
 */
export function hostPortOption(name: string, raw: string | undefined): { host: string; port: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(raw) ?? /^()()(\d+)$/.exec(raw);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new CliUsageError(`--${name} must be HOST:PORT with a port 0..65535 (not ${raw})`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

/** Every StackLimits name, for `--limit` (a Record, so a limit added to the type must be added here). */
const STACK_LIMIT_NAMES: Record<keyof StackLimits, true> = {
  maxServerTransactions: true,
  maxClientTransactions: true,
  maxDialogs: true,
  maxUnacknowledgedInvites: true,
  limitRetryAfter: true,
  maxRememberedRefusals: true,
  unacknowledgedGiveUpAfter: true,
};

/** Every TransportLimits name, for `--limit` (none is also a StackLimits name). */
const TRANSPORT_LIMIT_NAMES: Record<keyof TransportLimits, true> = {
  maxMessageSize: true,
  maxConnections: true,
  maxBufferedBytesPerConnection: true,
  idleConnectionTimeout: true,
  keepAliveInterval: true,
  maxDiscardBytes: true,
  maxConnectionsPerAddress: true,
  partialMessageTimeout: true,
  udpReceiveBufferSize: true,
  maxUnsentBytesPerConnection: true,
};

/** `--limit` values, split by the settings they belong to. */
export interface CliLimits {
  /** `SipStackSettings.limits`. */
  stack: Partial<StackLimits>;
  /** `SipStackSettings.transportLimits`. */
  transport: Partial<TransportLimits>;
}

/**
 * Reads `--limit NAME=N` values (`tsip uas`, `tsip srs`): a StackLimits or a TransportLimits name.
 * The stack itself checks each value's range when it starts.
 * @throws CliUsageError for an unknown name or a value that is no number.
 */
export function parseLimits(specs: readonly string[]): CliLimits {
  const limits: CliLimits = { stack: {}, transport: {} };
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq < 0 ? spec.length : eq);
    const stack = Object.hasOwn(STACK_LIMIT_NAMES, name);
    if (!stack && !Object.hasOwn(TRANSPORT_LIMIT_NAMES, name)) {
      throw new CliUsageError(`--limit: no limit named ${name} (one of ${[...Object.keys(STACK_LIMIT_NAMES), ...Object.keys(TRANSPORT_LIMIT_NAMES)].join(', ')})`);
    }
    const value = Number(spec.slice(eq + 1));
    if (eq < 0 || spec.length === eq + 1 || !Number.isFinite(value)) throw new CliUsageError(`--limit ${name} needs a number: --limit ${name}=N`);
    if (stack) limits.stack[name as keyof StackLimits] = value;
    else limits.transport[name as keyof TransportLimits] = value;
  }
  return limits;
}
