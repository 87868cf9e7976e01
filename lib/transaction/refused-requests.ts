/**
 * The requests the layer refused for a limit (stateless 503, RFC 3261 §21.5.4), or that the stack
 * user's admission refused for the load (480/486/503, `SipStackSettings.admission`), remembered by
 * transaction key (§17.2.3) for 64*T1, so that a retransmission of one is refused again.
 *
 * Why: a limit's 503 depends on the load, not on the request, so without this a retransmission
 * that arrived once the load had dipped below the limit was admitted. The client already had its
 * 503, a final response: it ACKed it (with the 503's To tag) and gave the call up. The copy was
 * answered 2xx and that 2xx retransmitted for 64*T1 waiting for an ACK that never came, each
 * holding a slot of `maxUnacknowledgedInvites`. After an overload burst (SIPp, 7 000 calls/s for
 * 4 s against a UAS that sustains ~5 000) about 4 900 such 2xx sat at the limit of 5 000 and made
 * it refuse 3-10 % of the calls of a 3 000/s load for the next 30 s. A non-INVITE fared no better:
 * the client counted its MESSAGE as failed (and may send it again) while the copy was delivered.
 * §8.2.7 asks the same of a stateless UAS: the same request gets the same answer.
 *
 * Bounded and timer-free: at most `capacity` keys, the oldest forgotten first. Keys are kept in
 * a ring in the order they were refused; the clock is monotonic, so the expired ones are at its
 * head and each `remember` drops them from there; `has` also checks the age, so a key never
 * outlives its 64*T1 between two refusals.
 * @module
 */
import type { Clock } from '../../include-types/settings.js';
import { ownString } from '../message/own-copy.js';

/** Transaction keys of requests refused for a limit, for 64*T1 (see the module doc). */
export class RefusedRequests {
  /** When each key was refused (clock time). */
  private readonly refusedAt = new Map<string, number>();
  /** Keys in the order they were refused (a ring of `capacity` slots from `head`), made on the first refusal. */
  private ring: Array<string | undefined> | undefined = undefined;
  private head = 0;
  private count = 0;

  /**
   * @param clock the layer's clock
   * @param window how long a refusal is remembered, ms (64*T1: the client's Timer B / F)
   * @param capacity most refusals remembered at once; 0 remembers none
   */
  constructor(
    private readonly clock: Clock,
    private readonly window: number,
    readonly capacity: number,
  ) {}

  /** Number of refusals remembered now (expired ones not yet dropped included). */
  get size(): number {
    return this.refusedAt.size;
  }

  /** True if the request with this key was refused within the window. */
  refusedRecently(key: string): boolean {
    const at = this.refusedAt.get(key);
    return at !== undefined && this.clock.now() - at < this.window;
  }

  /**
   * Remembers that the request with transaction key `key` was refused. A key already remembered
   * keeps its first refusal's time: the client's retransmissions end 64*T1 after its first send,
   * not after the last.
   */
  remember(key: string): void {
    if (this.capacity === 0) return;
    const now = this.clock.now();
    this.dropExpired(now);
    if (this.refusedRecently(key)) return;
    if (this.count === this.capacity) this.dropHead();
    // an own copy: the key is made of substrings of the request's text, which it would keep alive
    const own = ownString(key);
    this.refusedAt.set(own, now);
    // most stacks never refuse anything: the ring (8 bytes a slot) is made when one first does
    this.ring ??= new Array<string | undefined>(this.capacity).fill(undefined);
    this.ring[(this.head + this.count) % this.capacity] = own;
    this.count++;
  }

  /** Forgets everything (layer close). */
  clear(): void {
    this.refusedAt.clear();
    this.ring = undefined;
    this.head = 0;
    this.count = 0;
  }

  private dropExpired(now: number): void {
    while (this.count > 0) {
      const at = this.refusedAt.get((this.ring as string[])[this.head]);
      if (at !== undefined && now - at < this.window) return;
      this.dropHead();
    }
  }

  private dropHead(): void {
    const ring = this.ring as Array<string | undefined>;
    const key = ring[this.head] as string;
    ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.refusedAt.delete(key);
  }
}
