/**
 * RFC 3711 §3.3.2 replay protection: a sliding window of 64 indexes behind the highest
 * authenticated one. `check` before authentication, `accept` only after it succeeded.
 */

/** Window size in packets. */
export const REPLAY_WINDOW = 64;

/** One SSRC's replay list. */
export class ReplayWindow {
  private highest = -1;
  /** Bit k set: index highest - k was received. */
  private mask = 0n;

  /** True when `index` is new: ahead of the window, or inside it and not seen. */
  check(index: number): boolean {
    if (index > this.highest) return true;
    const d = this.highest - index;
    if (d >= REPLAY_WINDOW) return false;
    return ((this.mask >> BigInt(d)) & 1n) === 0n;
  }

  /** Records an authenticated index. */
  accept(index: number): void {
    if (index > this.highest) {
      const shift = this.highest < 0 ? REPLAY_WINDOW : index - this.highest;
      this.mask = shift >= REPLAY_WINDOW ? 0n : (this.mask << BigInt(shift)) & ((1n << BigInt(REPLAY_WINDOW)) - 1n);
      this.mask |= 1n;
      this.highest = index;
      return;
    }
    this.mask |= 1n << BigInt(this.highest - index);
  }
}
