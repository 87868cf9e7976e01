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
import { NamedTimers } from './timers.js';
import { WireHeld } from './wire.js';
import { type TransactionContext, asTransportError, settle } from './transaction.js';

/** What {@link TwoXxRetransmitter.start} may tell the caller. */
export interface Retransmit2xxOptions {
  /** 64*T1 passed without ACK (RFC 3261 §13.3.1.4: the UAS should end the dialog with BYE). */
  onAckTimeout?(): void;
  /** A retransmission could not be sent; retransmission stops. */
  onTransportError?(error: SipError): void;
}

interface Entry {
  /** Held parsed until the first retransmission, then as its wire form (see wire.ts). */
  response: WireHeld<SipResponse>;
  source: MessageSource;
  interval: number;
  timers: NamedTimers<'retransmit' | 'window'>;
  options: Retransmit2xxOptions;
}

/** Retransmits 2xx responses to INVITEs until their ACK. */
export class TwoXxRetransmitter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ctx: TransactionContext) {}

  /**
   * Starts retransmitting `response` (already sent once) to `source`. A running retransmission
   * for the same key is replaced.
   * @returns the key, for {@link stop}.
   */
  start(response: SipResponse, source: MessageSource, options: Retransmit2xxOptions = {}): string {
    const key = dialogAckKey(response);
    this.stop(key);
    const e: Entry = { response: new WireHeld(response), source, interval: this.ctx.timers.t1, timers: new NamedTimers(this.ctx.clock), options };
    this.entries.set(key, e);
    e.timers.start('retransmit', e.interval, () => this.fire(key, e));
    e.timers.start('window', this.ctx.timers.timeout64, () => {
      this.stop(key);
      this.ctx.logger.warn('no ACK for 2xx', { key });
      this.safe(() => e.options.onAckTimeout?.());
    });
    return key;
  }

  /** Stops the retransmission this ACK acknowledges. @returns true if one was running. */
  ackReceived(ack: SipRequest): boolean {
    return this.stop(dialogAckKey(ack));
  }

  /** Stops a retransmission by key. @returns true if one was running. */
  stop(key: string): boolean {
    const e = this.entries.get(key);
    if (e === undefined) return false;
    e.timers.stopAll();
    this.entries.delete(key);
    return true;
  }

  /** True if the 2xx with that key is still being retransmitted. */
  running(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stops everything (layer close). */
  stopAll(): void {
    for (const k of [...this.entries.keys()]) this.stop(k);
  }

  /** Number of 2xx being retransmitted. */
  get size(): number {
    return this.entries.size;
  }

  private fire(key: string, e: Entry): void {
    if (this.entries.get(key) !== e) return;
    // The ACK usually arrives within a round trip, long before T1; only an entry still waiting
    // here may wait up to 64*T1, so it is worth serializing then, not on every call.
    let response: SipResponse;
    try {
      response = e.response.get();
    } catch (err) {
      // the wire form no longer parses (a serializer/parser disagreement): stop, as for a
      // transport error, rather than throw out of a timer
      this.stop(key);
      this.ctx.logger.error('2xx to retransmit no longer parses', { key, error: String(err) });
      this.safe(() => e.options.onTransportError?.(asTransportError(err)));
      return;
    }
    e.response.release();
    settle(() => this.ctx.transport.sendResponse(response, e.source)).then(undefined, (err: unknown) => {
      if (this.entries.get(key) !== e) return;
      this.stop(key);
      const error = asTransportError(err);
      this.safe(() => e.options.onTransportError?.(error));
    });
    e.interval = Math.min(2 * e.interval, this.ctx.timers.t2);
    e.timers.start('retransmit', e.interval, () => this.fire(key, e));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.logger.error('2xx retransmission callback threw', { error: String(err) });
    }
  }
}
