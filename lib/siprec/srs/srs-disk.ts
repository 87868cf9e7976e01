/**
 * The SRS's free-space guard (`minFreeDiskBytes`): refuses new recordings while the recordings
 * directory is low (or its free space unknown), tells the periodic check when live ones must end,
 * and keeps a cached reading for health and metrics.
 */
import type { SrsSettings } from '../../../include-types/siprec.js';
import { bytesText, defaultStatfs, freeBytes, SRS_LIMIT_DEFAULTS } from './limits.js';
import { DiskProbe } from './srs-health.js';

/** Free-space checks of one Srs. */
export class SrsDisk {
  /** A reading at most a second old (health, metrics). */
  readonly cached: DiskProbe;
  private checking = false;
  /** The admission reading in flight, shared by the INVITEs that arrive while it runs. */
  private admitting: Promise<number> | undefined;

  constructor(private readonly settings: SrsSettings, now: () => number) {
    this.cached = new DiskProbe(() => this.free(), now, 1000);
  }

  /** Free space `dir` must keep (0: not checked; never in signalling-only mode). */
  get floor(): number {
    return this.settings.signalingOnly ? 0 : Math.max(0, this.settings.minFreeDiskBytes ?? SRS_LIMIT_DEFAULTS.minFreeDiskBytes);
  }

  /** How often live recordings are checked, ms. */
  get intervalMs(): number {
    return Math.max(1, this.settings.diskCheckIntervalMs ?? SRS_LIMIT_DEFAULTS.diskCheckIntervalMs);
  }

  private free(): Promise<number> {
    return freeBytes(this.settings.dir, this.settings.statfs ?? defaultStatfs);
  }

  /** Why a new session cannot be stored now (free space below the floor, or unknown), else undefined. */
  async refusal(): Promise<string | undefined> {
    const floor = this.floor;
    if (floor <= 0) return undefined;
    let free: number;
    try {
      // A burst of INVITEs shares one statfs rather than queueing one each on libuv's thread pool
      // behind the recordings' writes and fsyncs; none of them gets a reading older than its own
      // arrival's in-flight one.
      this.admitting ??= this.free().finally(() => {
        this.admitting = undefined;
      });
      free = await this.admitting;
    } catch (e) {
      return `Free disk space unknown (${(e as NodeJS.ErrnoException).code ?? 'statfs failed'})`;
    }
    return free < floor ? `Insufficient disk space (${bytesText(free)} free, ${bytesText(floor)} needed)` : undefined;
  }

  /**
   * The periodic check: the free bytes, with `low` saying why live recordings must end when below
   * the floor; undefined when off, already running, or the probe failed (unknown: keep recording;
   * new sessions are refused until it answers).
   */
  async check(): Promise<{ free: number; low?: string } | undefined> {
    const floor = this.floor;
    if (floor <= 0 || this.checking) return undefined;
    this.checking = true;
    let free: number;
    try {
      free = await this.free();
    } catch {
      return undefined;
    } finally {
      this.checking = false;
    }
    return free >= floor ? { free } : { free, low: `free disk space ${bytesText(free)} below minFreeDiskBytes ${bytesText(floor)}` };
  }
}
