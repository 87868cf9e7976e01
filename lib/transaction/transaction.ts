/**
 * What the four RFC 3261 §17 machines share: identity, state, named timers, termination (which
 * stops every timer and leaves the layer's table exactly once) and sending through the
 * {@link TransportPort} with transport errors turned into `SipError`s.
 * @module
 */
import { SipError, SipErrorCode, isSipError } from '../../include-types/errors.js';
import type { Clock, Logger } from '../../include-types/settings.js';
import type { TransactionState } from '../../include-types/states.js';
import type { TransportPort } from '../transport/types.js';
import type { SipRequest } from '../message/index.js';
import { type MachineState, TransactionEndReason, apiState } from './states.js';
import type { ExpiryQueue } from './expiry-queue.js';
import { NamedTimers, type TimerValues } from './timers.js';
import { type Held, heldForget, heldGet } from './wire.js';

/** The four machines. */
export type TransactionKind = 'ict' | 'nict' | 'ist' | 'nist';

/**
 * The layer's queues for the timers whose duration never changes (see expiry-queue.ts): one
 * per duration, shared by every transaction.
 */
export interface ExpiryQueues {
  /** 64*T1: Timers B, F, H, J, L. */
  readonly timeout64: ExpiryQueue;
  /** T1: the first 2xx retransmission (RFC 3261 §13.3.1.4). */
  readonly t1: ExpiryQueue;
  /** T4: Timers I, K. */
  readonly t4: ExpiryQueue;
  /** §17.2.1: the INVITE server transaction's 100 Trying delay. */
  readonly trying100: ExpiryQueue;
  /**
   * The queue for one retransmission interval (Timer G, the 2xx's later retransmissions:
   * T1, 2*T1 ... T2), made on first use.
   */
  backoff(ms: number): ExpiryQueue;
}

/** What a machine needs from its surroundings; the layer builds one and shares it. */
export interface TransactionContext {
  readonly transport: TransportPort;
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly logger: Logger;
  readonly queues: ExpiryQueues;
}

/** Called once when a machine reaches Terminated (the layer removes it from its table). */
export type TerminationHook = (tx: Transaction) => void;

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});

/**
 * Calls a transport send, turning a synchronous throw into a rejected promise, so a misbehaving
 * transport cannot leave a transaction half-started or throw out of a timer.
 */
export function settle<T>(send: () => Promise<T>): Promise<T> {
  try {
    return send();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Turns whatever a transport rejected with into a `SipError`. */
export function asTransportError(err: unknown): SipError {
  if (isSipError(err)) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new SipError(SipErrorCode.TransportError, `transport error: ${msg}`, { cause: err });
}

/**
 * Base of every transaction machine. Subclasses own the state transitions; this class owns the
 * bookkeeping every machine repeats.
 */
export abstract class Transaction<S extends MachineState = MachineState, T extends string = string> {
  /** Which machine this is. */
  abstract readonly kind: TransactionKind;
  /** The request, held strongly until {@link forgetRequest} (see wire.ts). */
  private heldRequest: Held<SipRequest>;
  /** The table key the layer filed it under. @internal set by the layer only. */
  key = '';
  /** Why it ended, once Terminated. */
  endReason: TransactionEndReason | undefined;

  /** The queue the one queued timer waits in. @internal written by {@link ExpiryQueue} only. */
  expiryQueue: ExpiryQueue | undefined = undefined;
  /** Its slot there. @internal written by {@link ExpiryQueue} only. */
  expirySlot = -1;
  /** Name of the timer waiting in {@link expiryQueue}. */
  private queuedTimer: T | undefined = undefined;

  protected current: S;
  /** See {@link timers}: made on first use (a server machine on its own may never need one). */
  private namedTimers: NamedTimers<T> | undefined = undefined;
  protected readonly ctx: TransactionContext;
  private readonly onEnd: TerminationHook | undefined;

  protected constructor(ctx: TransactionContext, request: SipRequest, initial: S, onEnd?: TerminationHook) {
    this.ctx = ctx;
    this.heldRequest = request;
    this.current = initial;
    this.onEnd = onEnd;
  }

  /** Timers whose duration varies (retransmissions); the constant ones are queued. */
  protected get timers(): NamedTimers<T> {
    return (this.namedTimers ??= new NamedTimers<T>(this.ctx.clock));
  }

  /**
   * The request that created the transaction: that very object until the machine forgets it
   * (a server transaction at its final response, see {@link forgetRequest}).
   * @throws SipError(InvalidState) once forgotten: whoever still needs it keeps its own reference.
   */
  get request(): SipRequest {
    return heldGet(this.heldRequest);
  }

  /** Keeps nothing of the request from now on (see {@link WireHeld.forget}). */
  protected forgetRequest(): void {
    this.heldRequest = heldForget(this.heldRequest);
  }

  /** The RFC state of the machine (RFC 6026 Accepted included). */
  get rfcState(): S {
    return this.current;
  }

  /** The API state (RFC 6026 Accepted shows as Terminated, see {@link apiState}). */
  get state(): TransactionState {
    return apiState(this.current);
  }

  /** True once Terminated. */
  get terminated(): boolean {
    return this.current === 'Terminated';
  }

  /** The branch of the request's top Via (the transaction id of RFC 3261 §17). */
  get branch(): string {
    return this.request.via[0]?.branch ?? '';
  }

  /** Number of timers this machine has running (tests use it to prove cleanup). */
  get runningTimers(): number {
    return (this.namedTimers?.size ?? 0) + (this.queuedTimer === undefined ? 0 : 1);
  }

  /**
   * Starts timer `name` in `queue` (a constant duration, see expiry-queue.ts), replacing the
   * queued timer running. It fires as {@link queuedTimerFired}.
   */
  protected startQueued(name: T, queue: ExpiryQueue): void {
    this.queuedTimer = name;
    queue.add(this);
  }

  /** Stops queued timer `name` if it runs. */
  protected stopQueued(name: T): void {
    if (this.queuedTimer !== name) return;
    this.queuedTimer = undefined;
    this.expiryQueue?.remove(this);
  }

  /** True if `name` is the queued timer running. */
  protected queuedRunning(name: T): boolean {
    return this.queuedTimer === name;
  }

  /** @internal the queue's callback: the queued timer's deadline came. */
  onExpiry(): void {
    const name = this.queuedTimer;
    this.queuedTimer = undefined;
    if (name !== undefined) this.queuedTimerFired(name);
  }

  /** A queued timer fired (machines that queue timers override it). */
  protected queuedTimerFired(_name: T): void {}

  protected enter(s: S): void {
    // every transition of every transaction: no log record (an object and the branch sliced
    // from the key) for the silent logger
    const logger = this.ctx.logger;
    if (logger !== SILENT_LOGGER) logger.debug('transaction state', { kind: this.kind, branch: this.branch, from: this.current, to: s });
    this.current = s;
  }

  /**
   * Stops every timer, moves to Terminated, leaves the table and tells the user. Idempotent.
   * @returns false if it was already Terminated.
   */
  protected finish(reason: TransactionEndReason): boolean {
    if (this.terminated) return false;
    this.namedTimers?.stopAll();
    if (this.queuedTimer !== undefined) this.stopQueued(this.queuedTimer);
    this.enter('Terminated' as S);
    this.endReason = reason;
    this.onEnd?.(this);
    this.notifyTerminated();
    return true;
  }

  /** Runs a user callback; an exception there is logged, never breaks the machine. */
  protected callUser(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx.logger.error('transaction user callback threw', { branch: this.branch, error: String(e) });
    }
  }

  /** Tells the user the transaction ended. */
  protected abstract notifyTerminated(): void;

  /**
   * Ends the transaction without any message or callback but `onTerminated` (used by
   * {@link TransactionLayer.close}).
   */
  abort(): void {
    this.finish(TransactionEndReason.Closed);
  }
}

export { TransactionEndReason };
