/**
 * The SRS's own limits beyond the stack's: a token bucket for setup and packet rates, and the
 * free-space probe of the recordings directory (fs.statfs, Node ≥ 18.15).
 */
import { statfs as fsStatfs } from 'node:fs/promises';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { SrsSettings, SrsStorageSettings, StatfsLike } from '../../../include-types/siprec.js';

/** Defaults of the SRS limits (see SrsSettings). */
export const SRS_LIMIT_DEFAULTS = {
  maxMetadataBytes: 1 << 20,
  maxSetupsPerSecond: 0,
  // Set-ups plus 2xx not yet ACKed: a flood of INVITEs never ACKed holds at most this many
  // sessions (sockets, files, dialog) for Timer H; an honest SRC's ACK comes within a round trip.
  maxUnconfirmedSessions: 200,
  minFreeDiskBytes: 100 * (1 << 20),
  diskCheckIntervalMs: 5000,
  maxRecordingSeconds: 0,
  // 5000/s: a 20 Mbit/s video stream with its RTCP stays under it; a flood does not
  maxRtpPacketsPerSecondPerStream: 5000,
} as const;

/** The numeric SRS limits and their floors (a value below, NaN or infinite is refused). */
const NUMERIC: [keyof SrsSettings, number, boolean][] = [
  // name, minimum, integer
  ['maxSessions', 0, true], ['rtpPortMin', 1, true], ['rtpPortMax', 1, true], ['maxMetadataBytes', 0, true],
  ['maxSetupsPerSecond', 0, false], ['minFreeDiskBytes', 0, true], ['diskCheckIntervalMs', 10, true],
  ['maxRecordingSeconds', 0, false], ['maxRtpPacketsPerSecondPerStream', 0, false], ['offerlessStreams', 1, true],
  ['maxUnconfirmedSessions', 0, true],
];

/**
 * Checks the SRS's numeric settings.
 * @throws SipError(InvalidArgument) naming the setting, for a negative, fractional (where whole
 * numbers are needed), NaN or infinite value, or an RTP range upside down.
 */
export function validateSrsLimits(settings: SrsSettings): void {
  for (const [name, min, integer] of NUMERIC) {
    const v = settings[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      throw new SipError(SipErrorCode.InvalidArgument, `SrsSettings.${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got ${String(v)})`);
    }
  }
  if ((settings.rtpPortMin ?? 40000) > (settings.rtpPortMax ?? 49999)) {
    throw new SipError(SipErrorCode.InvalidArgument, 'SrsSettings.rtpPortMin must not be above rtpPortMax');
  }
  validateStorage(settings.storage);
}

/** Defaults of `SrsSettings.storage` (the write queue of each recording file, queued-file.ts). */
export const SRS_STORAGE_DEFAULTS = { maxQueuedBytesPerFile: 1 << 20, wavBatchBytes: 4096 } as const;

/** The write queue bounds of every recording file from `SrsSettings.storage` (defaults filled in). */
export function storageQueue(storage: SrsStorageSettings | undefined): { maxQueuedBytes: number; wavBatchBytes: number; durability: 'fsync' | 'none' } {
  const maxQueuedBytes = storage?.maxQueuedBytesPerFile ?? SRS_STORAGE_DEFAULTS.maxQueuedBytesPerFile;
  return { maxQueuedBytes, wavBatchBytes: storage?.wavBatchBytes ?? Math.min(maxQueuedBytes, SRS_STORAGE_DEFAULTS.wavBatchBytes), durability: storage?.durability ?? 'fsync' };
}

/** Checks `SrsSettings.storage` (same rules and error as the other limits). */
function validateStorage(storage: SrsStorageSettings | undefined): void {
  if (storage === undefined) return;
  if (typeof storage !== 'object' || storage === null) throw new SipError(SipErrorCode.InvalidArgument, 'SrsSettings.storage must be an object');
  const check = (name: keyof SrsStorageSettings, min: number): void => {
    const v = storage[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new SipError(SipErrorCode.InvalidArgument, `SrsSettings.storage.${name} must be an integer >= ${min} (got ${String(v)})`);
    }
  };
  check('maxQueuedBytesPerFile', 1);
  check('wavBatchBytes', 0);
  if (storage.durability !== undefined && storage.durability !== 'fsync' && storage.durability !== 'none') {
    throw new SipError(SipErrorCode.InvalidArgument, `SrsSettings.storage.durability must be 'fsync' or 'none' (got ${String(storage.durability)})`);
  }
  const max = storage.maxQueuedBytesPerFile ?? SRS_STORAGE_DEFAULTS.maxQueuedBytesPerFile;
  if ((storage.wavBatchBytes ?? Math.min(max, SRS_STORAGE_DEFAULTS.wavBatchBytes)) > max) {
    throw new SipError(SipErrorCode.InvalidArgument, `SrsSettings.storage.wavBatchBytes must not be above maxQueuedBytesPerFile (${max})`);
  }
}

/**
 * A token bucket: `rate` tokens a second, holding at most `burst` (default `rate`: one second's
 * worth), full at the start. `rate` 0 (or less) means unlimited: every take succeeds.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  /**
   * @param rate - tokens per second (0 = unlimited)
   * @param now - clock in ms (default Date.now; tests pass a FakeClock's)
   * @param burst - bucket size (default max(1, rate))
   */
  constructor(readonly rate: number, private readonly now: () => number = Date.now, burst?: number) {
    this.burst = burst ?? Math.max(1, rate);
    this.tokens = this.burst;
    this.last = now();
  }

  /** True when unlimited. */
  get unlimited(): boolean {
    return !(this.rate > 0);
  }

  /** Takes one token; false when none is left (the caller refuses or drops). */
  take(): boolean {
    if (this.unlimited) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (0 when one is there). */
  msUntilNext(): number {
    if (this.unlimited) return 0;
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }

  private refill(): void {
    const t = this.now();
    const dt = t - this.last;
    this.last = t;
    // A clock that goes back adds nothing (and takes nothing).
    if (dt > 0) this.tokens = Math.min(this.burst, this.tokens + (dt * this.rate) / 1000);
  }
}

/** The default free-space probe: fs.promises.statfs. */
export const defaultStatfs: StatfsLike = (path) => fsStatfs(path);

/** Bytes free for an unprivileged writer at `path`; throws what statfs throws. */
export async function freeBytes(path: string, statfs: StatfsLike = defaultStatfs): Promise<number> {
  const s = await statfs(path);
  return Number(s.bavail) * Number(s.bsize);
}

/** Retry-After seconds (RFC 3261 §20.33) for a wait of `ms`: whole seconds, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Human form of a byte count for reasons (MiB with one decimal, or bytes). */
export function bytesText(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${n} bytes`;
}
