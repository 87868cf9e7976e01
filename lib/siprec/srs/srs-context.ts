/**
 * What the parts of the Srs share (srs.ts makes one): its settings and checks, clock, counters,
 * the live-session table, its events, and the few things only the Srs itself knows (shutting
 * down, the drain in progress, its Contact, the sessions' shared environment). The dispatch,
 * admission and in-dialog parts each get this and nothing else.
 */
import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../../../include-types/settings.js';
import type { SrsEvents, SrsSettings } from '../../../include-types/siprec.js';
import type { PortAllocator } from '../media/index.js';
import type { CheckOptions } from './check-invite.js';
import type { SrsAccess } from './access.js';
import type { TokenBucket } from './limits.js';
import type { SrsCounters } from './srs-stats.js';
import type { SrsDisk } from './srs-disk.js';
import type { DrainRun } from './srs-drain.js';
import type { SessionEnv } from './srs-session.js';
import type { SrsSessions } from './srs-sessions.js';

/** The Srs's shared state and hooks, as its parts see them. */
export interface SrsContext {
  readonly settings: SrsSettings;
  /** The INVITE/re-INVITE body checks (check-invite.ts). */
  readonly check: CheckOptions;
  /** Time source of every timer (SrsSettings.clock, else real time). */
  readonly clock: Clock;
  /** Epoch ms on that clock. */
  readonly now: () => number;
  readonly allocator: PortAllocator;
  /** Allow-list and Digest authentication of SRCs. */
  readonly access: SrsAccess;
  /** `maxSetupsPerSecond`. */
  readonly setups: TokenBucket;
  /** Free-space checks of `dir` (`minFreeDiskBytes`). */
  readonly disk: SrsDisk;
  /** Outcome and media counters. */
  readonly counters: SrsCounters;
  /** The live sessions and how one ends. */
  readonly sessions: SrsSessions;
  /** The Srs, to emit its events. */
  readonly events: EventEmitter<SrsEvents>;
  /** True once `shutdown()` was called. */
  stopping(): boolean;
  /** The drain in progress or done, once `drain()` was called. */
  drainRun(): DrainRun | undefined;
  /**
   * Our Contact for a dialog set up over `protocol` by a request to `requestUri` (RFC 7866 §6.2
   * `+sip.srs`; `sips:` for a `sips:` request over TLS, srs-contact.ts).
   */
  contact(protocol: string | undefined, requestUri: string): string;
  /** What every session shares of the server. */
  sessionEnv(): SessionEnv;
}
