/**
 * The UAS core's 2xx retransmission (RFC 3261 §13.3.1.4, kept out of the transaction by RFC 6026):
 * the 2xx to an INVITE is resent at T1, 2*T1 ... capped at T2, until the ACK arrives or 64*T1
 * passed. Keyed by Call-ID, CSeq number and both tags ({@link dialogAckKey}).
 *
 * Inputs: start (2xx sent), ACK (stop), retransmission timer, 64*T1 window end (TU told, it
 * should send BYE), transport error (TU told, stop).
 * @module
 */
import type { SipError } from '../../include-types/errors.js';
import type { MessageSource } from '../transport/types.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { dialogAckKey } from './matching.js';
import type { TimerHandle } from '../../include-types/settings.js';
import type { ExpiryQueue } from './expiry-queue.js';
import { ownString } from '../message/own-copy.js';
import { WireHeld } from './wire.js';
import { type TransactionContext, asTransportError, settle } from './transaction.js';

/** What {@link TwoXxRetransmitter.start} may tell the caller. */
export interface Retransmit2xxOptions {
  /** 64*T1 passed without ACK (RFC 3261 §13.3.1.4: the UAS should end the dialog with BYE). */
  onAckTimeout?(): void;
  /** The ACK came and stopped the retransmission (told on the next turn of the clock, outside the receive path). */
  onAck?(): void;
  /** A retransmission could not be sent; retransmission stops. */
  onTransportError?(error: SipError): void;
}

/**
 * One 2xx waiting for its ACK. One timer at a time: each retransmission waits in the layer's
 * queue for its interval (expiry-queue.ts: T1, 2*T1 ... T2; no timer object per retransmission,
 * and a never-ACKed 2xx has a dozen in its 64*T1), only the last wait, clamped to the end of the
 * window (which it then ends), on the clock.
 */
class Pending2xx {
  expiryQueue: ExpiryQueue | undefined = undefined;
  expirySlot = -1;
  /** The last wait's timer, cut at the window's end (the others wait in queues). */
  timer: TimerHandle | undefined = undefined;

  constructor(
    readonly owner: TwoXxRetransmitter,
    readonly key: string,
    /** Held parsed until the first retransmission, then as its wire form (see wire.ts). */
    public response: SipResponse | WireHeld<SipResponse>,
    readonly source: MessageSource,
    readonly options: Retransmit2xxOptions,
    public interval: number,
    /** When the 64*T1 window ends (clock time). */
    readonly windowEnd: number,
  ) {}

  /** A retransmission's turn in its interval's queue. */
  onExpiry(): void {
    this.owner.tick(this);
  }
}

/** Retransmits 2xx responses to INVITEs until their ACK. */
export class TwoXxRetransmitter {
  private readonly entries = new Map<string, Pending2xx>();
  /**
   * A walk over `entries` in start order, for {@link giveUpOldest}: a Map iterator also visits
   * what is inserted after it was made and skips what was deleted, so one walk serves for good
   * (until it runs out) and every entry is stepped over once, not once per search.
   */
  private oldestWalk: IterableIterator<Pending2xx> | undefined = undefined;
  /** Where {@link oldestWalk} stands: the oldest live entry when last looked for. */
  private oldestSeen: Pending2xx | undefined = undefined;
  /** The last wait calls back through this (no closure per timer). */
  private readonly tickLater = (e: Pending2xx): void => {
    e.timer = undefined;
    this.tick(e);
  };

  constructor(private readonly ctx: TransactionContext) {}

  /**
   * Starts retransmitting `response` (already sent once) to `source`. A running retransmission
   * for the same key is replaced.
   * @returns the key, for {@link stop}.
   */
  start(response: SipResponse, source: MessageSource, options: Retransmit2xxOptions = {}): string {
    // a flat copy: the key is a concatenation of the 2xx's Call-ID and tags, which createResponse
    // copied from the INVITE as V8 substrings of its text; kept as they are, the entry (and the
    // layer's map) would keep the whole INVITE text (up to 64 kB) for the 64*T1 window
    const key = ownString(dialogAckKey(response));
    this.stop(key);
    const { clock, timers, queues } = this.ctx;
    const e = new Pending2xx(this, key, response, source, options, timers.t1, clock.now() + timers.timeout64);
    this.entries.set(key, e);
    queues.t1.add(e);
    return key;
  }

  /** Stops the retransmission this ACK acknowledges. @returns true if one was running. */
  ackReceived(ack: SipRequest): boolean {
    const key = dialogAckKey(ack);
    const e = this.entries.get(key);
    if (e === undefined) return false;
    this.stop(key);
    // the TU may send a request then (a BYE it held, RFC 3261 §15)
    if (e.options.onAck !== undefined) this.tellSoon(() => e.options.onAck?.());
    return true;
  }

  /** Stops a retransmission by key. @returns true if one was running. */
  stop(key: string): boolean {
    const e = this.entries.get(key);
    if (e === undefined) return false;
    e.expiryQueue?.remove(e);
    if (e.timer !== undefined) this.ctx.clock.clearTimer(e.timer);
    e.timer = undefined;
    this.entries.delete(key);
    if (this.oldestSeen === e) this.oldestSeen = undefined; // the walk goes on from it; it need not keep its 2xx
    return true;
  }

  /**
   * Gives up the 2xx that has waited longest for its ACK if it has waited at least `minWait` ms:
   * its retransmission stops and, on the next turn of the clock, `onAckTimeout` is called as at
   * the end of 64*T1 (RFC 3261 §13.3.1.4: the TU ends the dialog). For the layer's
   * `maxUnacknowledgedInvites`: a new INVITE may take the place of a 2xx whose ACK has stopped coming.
   * @returns true if one was given up.
   */
  giveUpOldest(minWait: number): boolean {
    const e = this.oldestLive();
    if (e === undefined) return false;
    const now = this.ctx.clock.now();
    if (now - (e.windowEnd - this.ctx.timers.timeout64) < minWait) return false;
    this.stop(e.key);
    this.ctx.logger.warn('no ACK for 2xx: given up early for a new INVITE', { key: e.key });
    // the TU may send a BYE then
    this.tellSoon(() => e.options.onAckTimeout?.());
    return true;
  }

  /**
   * Calls `tell` on the next turn of the clock, not from inside the caller's receive path: the TU
   * it reaches may send a request, which would re-enter the transaction layer mid-request.
   */
  private tellSoon(tell: () => void): void {
    this.ctx.clock.setTimer(() => this.safe(tell), 0);
  }

  private oldestLive(): Pending2xx | undefined {
    let e = this.oldestSeen;
    while (e === undefined || this.entries.get(e.key) !== e) {
      this.oldestWalk ??= this.entries.values();
      const step = this.oldestWalk.next();
      if (step.done === true) {
        // a finished iterator stays finished: the next search starts a new walk
        this.oldestWalk = undefined;
        this.oldestSeen = undefined;
        return undefined;
      }
      e = step.value;
    }
    this.oldestSeen = e;
    return e;
  }

  /** True if the 2xx with that key is still being retransmitted. */
  running(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stops everything (layer close). */
  stopAll(): void {
    for (const k of [...this.entries.keys()]) this.stop(k);
    this.oldestWalk = undefined;
    this.oldestSeen = undefined;
  }

  /** Number of 2xx being retransmitted. */
  get size(): number {
    return this.entries.size;
  }

  /** @internal a retransmission is due, or (at its end) the window ran out. */
  tick(e: Pending2xx): void {
    const key = e.key;
    if (this.entries.get(key) !== e) return;
    const now = this.ctx.clock.now();
    if (now >= e.windowEnd) {
      // RFC 3261 §13.3.1.4: 64*T1 without ACK; the TU should end the dialog
      this.stop(key);
      this.ctx.logger.warn('no ACK for 2xx', { key });
      this.safe(() => e.options.onAckTimeout?.());
      return;
    }
    // The ACK usually arrives within a round trip, long before T1; only an entry still waiting
    // here may wait up to 64*T1, so it is worth serializing then, not on every call.
    let response: SipResponse;
    try {
      response = e.response instanceof WireHeld ? e.response.get() : e.response;
    } catch (err) {
      // the wire form no longer parses (a serializer/parser disagreement): stop, as for a
      // transport error, rather than throw out of a timer
      this.stop(key);
      this.ctx.logger.error('2xx to retransmit no longer parses', { key, error: String(err) });
      this.safe(() => e.options.onTransportError?.(asTransportError(err)));
      return;
    }
    if (!(e.response instanceof WireHeld)) {
      e.response = new WireHeld(response);
      e.response.release();
    }
    this.send(e, response);
    e.interval = Math.min(2 * e.interval, this.ctx.timers.t2);
    this.wait(e, now);
  }

  /**
   * Waits for the next retransmission: in the queue for its interval, or, the last one, on a
   * timer cut at the window's end, where that tick then ends it. Its own function for the reason
   * given at {@link send}: a closure made in `tick` would keep the parsed 2xx.
   */
  private wait(e: Pending2xx, now: number): void {
    const left = e.windowEnd - now;
    if (e.interval < left) this.ctx.queues.backoff(e.interval).add(e);
    else e.timer = this.ctx.clock.setTimer(() => this.tickLater(e), left);
  }

  /**
   * Sends one retransmission. Its own function, not inline in {@link tick}: V8 gives all closures
   * made in one call a single context, so the timer callback made in `tick` would otherwise keep
   * `response` (the parsed 2xx, and through its copied headers the INVITE's text) for the whole
   * 64*T1 window, defeating the WireHeld release.
   */
  private send(e: Pending2xx, response: SipResponse): void {
    settle(() => this.ctx.transport.sendResponse(response, e.source)).then(undefined, (err: unknown) => {
      if (this.entries.get(e.key) !== e) return;
      this.stop(e.key);
      const error = asTransportError(err);
      this.safe(() => e.options.onTransportError?.(error));
    });
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.logger.error('2xx retransmission callback threw', { error: String(err) });
    }
  }
}
