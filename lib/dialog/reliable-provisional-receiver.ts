/**
 * UAC side of RFC 3262 §4: accepting reliable provisional responses in order and building the
 * RAck of the PRACK. Sequence numbers are kept per To tag (each early dialog has its own).
 * @module
 */
import type { SipResponse } from '../message/index.js';
import { formatRAck, parseRSeq } from './rack.js';

/** What to do with a provisional response. */
export type ProvisionalVerdict =
  /** Not reliable (no Require: 100rel, or 100): process as usual, no PRACK. */
  | { kind: 'unreliable' }
  /** In order: process it and send a PRACK with this `RAck` value. */
  | { kind: 'accept'; rack: string; rseq: number }
  /** Already accepted (a retransmission): discard, no PRACK (§4). */
  | { kind: 'duplicate' }
  /** Not one higher than the last: discard, no PRACK (§4). */
  | { kind: 'out-of-order' }
  /** Require: 100rel but no valid RSeq: discard. */
  | { kind: 'invalid' };

/** Tracks the reliable provisional responses to one INVITE. */
export class ReliableProvisionalReceiver {
  /** Last RSeq per To tag, made on the first reliable 1xx (most INVITEs never see one). */
  private lastByTag: Map<string, number> | undefined;

  /** Number of early dialogs (To tags) being tracked. */
  get size(): number {
    return this.lastByTag?.size ?? 0;
  }

  /** Classifies a provisional response to the INVITE (RFC 3262 §4). */
  receive(res: SipResponse): ProvisionalVerdict {
    if (res.status <= 100 || res.status >= 200 || !res.require.includes('100rel')) return { kind: 'unreliable' };
    const raw = res.headers.get('RSeq');
    const rseq = raw === undefined ? undefined : parseRSeq(raw);
    if (rseq === undefined) return { kind: 'invalid' };
    const tag = res.to.tag ?? '';
    const last = this.lastByTag?.get(tag);
    // RFC 3262 §4: the first one may carry any RSeq; then each must be exactly one higher.
    if (last !== undefined) {
      if (rseq <= last) return { kind: 'duplicate' };
      if (rseq !== last + 1) return { kind: 'out-of-order' };
    }
    (this.lastByTag ??= new Map()).set(tag, rseq);
    return { kind: 'accept', rseq, rack: formatRAck({ rseq, cseq: res.cseq.seq, method: res.cseq.method }) };
  }

  /** Forgets an early dialog (e.g. when it ends). */
  forget(toTag: string): void {
    this.lastByTag?.delete(toTag);
  }
}
