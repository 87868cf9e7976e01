/**
 * One timer for many: transactions whose timer always has the same duration (Timers H, I, J, K,
 * L and the 100 Trying delay, RFC 3261 §17 / RFC 6026) wait in a FIFO per duration, swept by a
 * single timer on the layer's {@link Clock}. So do the retransmissions that back off (Timer G,
 * the UAS core's 2xx): each wait is one of a few lengths (T1, 2*T1 ... T2), a queue per length
 * ({@link ExpiryQueuesByDuration}).
 *
 * Why: a UAS holds every answered transaction 64*T1 = 32 s (Timers J and L), ~10^5 of them at a
 * few thousand calls/s. A timer of its own costs each one a Node.js Timeout, a handle and two
 * closures with their contexts (~0.5 kB) and, per call, that much garbage to allocate and collect.
 * In a queue a waiting transaction costs two array slots (itself and its deadline).
 *
 * Exactness: the duration is constant and the clock monotonic, so deadlines are added in order;
 * the sweep timer is set for the head's deadline and expires, in the order they were added, every
 * member whose deadline has come, each with `now()` at its deadline under a FakeClock. Removal is
 * O(1) (the slot is emptied), so nothing keeps a stopped member alive until its old deadline.
 * @module
 */
import type { Clock, TimerHandle } from '../../include-types/settings.js';

/** A member waits in at most one queue at a time; the queue alone writes these two fields. */
export interface ExpiryQueueMember {
  /** The queue it waits in, or undefined. */
  expiryQueue: ExpiryQueue | undefined;
  /** Its absolute position in that queue (-1 when not queued). */
  expirySlot: number;
  /** Called once when its deadline comes (it has left the queue by then). */
  onExpiry(): void;
}

/** Compact the arrays once this many expired slots sit at their front (and they are half). */
const COMPACT_AFTER = 1024;

/** A FIFO of members sharing one timer duration, swept by one clock timer. */
export class ExpiryQueue {
  private members: (ExpiryQueueMember | undefined)[] = [];
  private deadlines: number[] = [];
  /** Index of the first slot not yet expired. */
  private head = 0;
  /** Absolute position of index 0 (members keep absolute positions across compaction). */
  private base = 0;
  private live = 0;
  private sweep: TimerHandle | undefined;

  /**
   * @param clock the clock the sweep timer runs on (and deadlines are read from)
   * @param duration every member's timer, ms
   * @param lingers when true, the sweep timer is left running when the last member is removed
   *   (it then fires once, finds nothing and stops; see {@link remove})
   */
  constructor(
    private readonly clock: Clock,
    readonly duration: number,
    private readonly lingers = false,
  ) {}

  /** Queues `m` to expire after {@link duration} (taking it out of any queue it waits in). */
  add(m: ExpiryQueueMember): void {
    m.expiryQueue?.remove(m);
    const due = this.clock.now() + this.duration;
    m.expiryQueue = this;
    m.expirySlot = this.base + this.members.length;
    this.members.push(m);
    this.deadlines.push(due);
    this.live++;
    if (this.sweep === undefined) this.arm(due);
  }

  /**
   * Takes `m` out (its timer stopped); ignored if it does not wait here. The last one out stops
   * the sweep timer, unless the queue {@link lingers}: a queue that empties and refills once per
   * member (the first 2xx retransmission: the ACK usually arrives before the next call's 2xx is
   * queued) would otherwise set and clear a Node.js timer per member. Its sweep then fires at
   * the deadline of the member that was first (never later than any member added since), finds
   * nothing due, and stops or waits for the next deadline; {@link stopIfEmpty} stops it at once.
   */
  remove(m: ExpiryQueueMember): void {
    if (m.expiryQueue !== this) return;
    this.members[m.expirySlot - this.base] = undefined;
    m.expiryQueue = undefined;
    m.expirySlot = -1;
    if (--this.live === 0 && !this.lingers) this.reset();
  }

  /** Stops the sweep timer of a queue nothing waits in (see {@link remove}). */
  stopIfEmpty(): void {
    if (this.live === 0) this.reset();
  }

  /** Number of members waiting. */
  get size(): number {
    return this.live;
  }

  private arm(due: number): void {
    this.sweep = this.clock.setTimer(this.expire, Math.max(0, due - this.clock.now()));
  }

  /** Nothing waits: no timer, no arrays. */
  private reset(): void {
    if (this.sweep !== undefined) this.clock.clearTimer(this.sweep);
    this.sweep = undefined;
    this.base += this.members.length;
    this.members = [];
    this.deadlines = [];
    this.head = 0;
  }

  /** The sweep: expires every member whose deadline has come, then waits for the next one. */
  private readonly expire = (): void => {
    this.sweep = undefined;
    try {
      const now = this.clock.now();
      while (this.head < this.members.length && this.deadlines[this.head] <= now) {
        const m = this.members[this.head];
        this.members[this.head++] = undefined;
        if (m === undefined) continue;
        m.expiryQueue = undefined;
        m.expirySlot = -1;
        this.live--;
        m.onExpiry();
      }
    } finally {
      this.rearm();
    }
  };

  /** After a sweep: compact, then one timer for the earliest member left (none if empty). */
  private rearm(): void {
    if (this.sweep !== undefined) {
      // a member added during the sweep armed one for its own deadline; the head may be earlier
      this.clock.clearTimer(this.sweep);
      this.sweep = undefined;
    }
    if (this.live === 0) {
      this.reset();
      return;
    }
    while (this.members[this.head] === undefined) this.head++;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.members.length) {
      this.members = this.members.slice(this.head);
      this.deadlines = this.deadlines.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    this.arm(this.deadlines[this.head]);
  }
}

/**
 * Queues by duration, each made on first use: for the retransmission intervals of Timer G and
 * of the 2xx (RFC 3261 §17.2.1, §13.3.1.4: min(2^n*T1, T2)), so at most log2(T2/T1) + 2 of them.
 * A never-ACKed INVITE keeps retransmitting for 64*T1: without a Node.js timer (a Timeout, a
 * handle and a closure) per retransmission, that costs its queue two array slots each time.
 */
export class ExpiryQueuesByDuration {
  private readonly byDuration = new Map<number, ExpiryQueue>();

  /**
   * @param clock the clock every queue runs on
   * @param seed queues that already exist for their duration (the layer's T1 queue)
   */
  constructor(
    private readonly clock: Clock,
    seed: readonly ExpiryQueue[] = [],
  ) {
    for (const q of seed) this.byDuration.set(q.duration, q);
  }

  /** The queue for `ms`. */
  get(ms: number): ExpiryQueue {
    let q = this.byDuration.get(ms);
    if (q === undefined) {
      q = new ExpiryQueue(this.clock, ms);
      this.byDuration.set(ms, q);
    }
    return q;
  }
}
