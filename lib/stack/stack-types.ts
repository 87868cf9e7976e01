/**
 * The SipStack's public types: its live-object counts, shutdown options and life events.
 * @module
 */
import type { LimitRejections, TransactionStats } from '../transaction/index.js';
import type { TransportStats } from '../transport/index.js';

/** Live objects of a stack, by kind: every count returns to zero when nothing is going on. */
export interface StackStats {
  transactions: TransactionStats;
  dialogs: number;
  dialogSets: number;
  users: number;
  /** INVITE server transactions handed to users and not yet ended. */
  pendingInvites: number;
  /** Requests outside dialogs whose server transaction has not ended (for §8.2.2.2). */
  requestsInProgress: number;
  transport: TransportStats;
  /**
   * Requests answered 503 for a stack limit since start (`maxServerTransactions`,
   * `maxUnacknowledgedInvites`); cumulative, not live (the only counts here that do not return to zero).
   */
  limitRejections: LimitRejections;
  /**
   * Requests the UAS core refused without a transaction since start, by status (RFC 3261 §8.2.7:
   * 405/501, 416, 420, 400, 481 for an unknown dialog or a CANCEL matching no INVITE); cumulative.
   */
  statelessRefusals: Record<number, number>;
}

/** Longest wait {@link SipStack.shutdown} allows for sends still in flight, in ms. */
export const MAX_SHUTDOWN_GRACE_MS = 2000;
/** Default wait of {@link SipStack.shutdown} for sends still in flight, in ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 1000;

/** Options of {@link SipStack.shutdown}. */
export interface ShutdownOptions {
  /**
   * How long to wait for sends still in flight (a response just handed over that is resolving
   * its destination, connecting or being written) before the sockets close; 0 to close at once.
   * Default {@link DEFAULT_SHUTDOWN_GRACE_MS}, at most {@link MAX_SHUTDOWN_GRACE_MS}.
   */
  graceMs?: number;
}

/** A change in the stack's life or in one IAP's availability (the API turns these into connection states). */
export type StackEvent =
  | { kind: 'started' }
  | { kind: 'stopped' }
  | { kind: 'iapSuspended'; iapId: string }
  | { kind: 'iapResumed'; iapId: string };
