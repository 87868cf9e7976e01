/**
 * RFC 3261 §8.2.2.2 merged requests: a request without a To tag whose From tag, Call-ID and CSeq
 * match a request already in progress on another transaction arrived twice by different paths
 * (a forking proxy upstream). The UAS answers the second one 482 (Loop Detected).
 */
import type { SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { ownString } from '../message/own-copy.js';

/**
 * Flat: the key lives as long as the INVITE transaction (32 s in Accepted on UDP), and a
 * concatenation of header slices would keep the whole request text alive that long.
 */
const keyOf = (req: SipRequest): string => ownString(`${req.from.tag ?? ''}\u0000${req.callId}\u0000${req.cseq.seq}\u0000${req.cseq.method}`);

/** Requests outside dialogs in progress, by the identity §8.2.2.2 compares. */
export class MergedRequestDetector {
  /** The transaction each request in progress arrived on (its branch is read only on a clash). */
  private readonly live = new Map<string, ServerTransaction>();

  /**
   * Records `req` (arriving on transaction `tx`) and says whether it merges with one in progress
   * on another branch. In-dialog requests (To tag) are never merged.
   * @returns the key to {@link release} when the transaction ends, or 'merged'.
   */
  admit(req: SipRequest, tx: ServerTransaction): string | 'merged' | undefined {
    if (req.to.tag !== undefined || req.method === 'ACK' || req.method === 'CANCEL') return undefined;
    const key = keyOf(req);
    const existing = this.live.get(key);
    if (existing !== undefined && existing !== tx && existing.branch !== tx.branch) return 'merged';
    this.live.set(key, tx);
    return key;
  }

  /** Forgets a request whose transaction ended. */
  release(key: string): void {
    this.live.delete(key);
  }

  /** Requests in progress. */
  get size(): number {
    return this.live.size;
  }

  clear(): void {
    this.live.clear();
  }
}
