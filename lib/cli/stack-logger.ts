/**
 * The SIP stack's warnings and errors for the command-line servers (`tsip uas`, `tsip srs`):
 * printed, each message once a second with its repeats summed (repeat-log.ts), so an operator sees
 * what the library reports (a UDP receive buffer the OS capped, a stream that broke SIP framing, a
 * shutdown that cut sends short) without a flood of lines, and their cost, under hostile load.
 * debug and info are not printed.
 */
import type { Logger } from '../../include-types/settings.js';
import { RepeatLog } from './repeat-log.js';

/** A {@link Logger} for a CLI's stack, and how to stop it (its repeats are then printed). */
export interface CliStackLogger {
  logger: Logger;
  /** Stops the once-a-second summary and prints what is held. */
  stop(): void;
}

/** @param print where lines go (default stderr) */
export function cliStackLogger(print: (line: string) => void = (line) => console.error(line)): CliStackLogger {
  const repeats = new RepeatLog(print);
  const timer = setInterval(() => repeats.flush(), 1000);
  timer.unref();
  const line = (level: string, message: string, data?: Record<string, unknown>): void => {
    const kind = `${level}: ${message}`;
    repeats.note(kind, data === undefined || Object.keys(data).length === 0 ? kind : `${kind} ${JSON.stringify(data)}`);
  };
  return {
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message, data) => line('warn', message, data),
      error: (message, data) => line('error', message, data),
    },
    stop: () => {
      clearInterval(timer);
      repeats.flush();
    },
  };
}
