/**
 * UAS side of RFC 3262 §3: sending a provisional response reliably.
 *
 * States: idle → awaiting PRACK (retransmitting at T1, 2T1, 4T1 …) → idle on a matching PRACK;
 * → failed after 64*T1 without PRACK (the caller answers the INVITE with a 5xx, RFC 3262 §3).
 * Inputs: `send(1xx)`, `receivePrack(PRACK)`, `finalResponseSent()`, the retransmission timer.
 * One reliable provisional response may be unacknowledged at a time (§3).
 * @module
 */
import { randomInt } from 'node:crypto';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { Clock, TimerHandle } from '../../include-types/settings.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { parseRAck } from './rack.js';

/** What the sender needs around it. */
export interface ReliableProvisionalSenderOptions {
  clock: Clock;
  /** RFC 3261 T1 in ms (default 500). */
  t1?: number;
  /** Hands a (re)transmission of the response to the transaction layer. */
  transmit(response: SipResponse): void;
  /** 64*T1 passed without PRACK: answer the request with a 5xx (RFC 3262 §3). */
  onTimeout(response: SipResponse): void;
  /** The first RSeq (default random in 1..2**31-1, RFC 3262 §3). */
  initialRSeq?: number;
}

/** The outcome of a PRACK. */
export type PrackResult =
  /** It acknowledged the pending response (answer 2xx); `response` is the one it acknowledged. */
  | { matched: true; response: SipResponse }
  /** It matches nothing pending: answer 481 (RFC 3262 §3). */
  | { matched: false; status: 481 };

/** Sends the reliable provisional responses to one INVITE. */
export class ReliableProvisionalSender {
  private readonly o: ReliableProvisionalSenderOptions & { t1: number };
  private nextRSeq: number;
  private pending: { response: SipResponse; rseq: number; interval: number; started: number; timer: TimerHandle } | undefined;
  private done = false;

  /** @param options clock, T1, where to transmit, and what to do after 64*T1. */
  constructor(options: ReliableProvisionalSenderOptions) {
    this.o = { t1: 500, ...options };
    this.nextRSeq = options.initialRSeq ?? randomInt(1, 0x80000000);
  }

  /** True while a reliable provisional response waits for its PRACK. */
  get awaitingPrack(): boolean {
    return this.pending !== undefined;
  }

  /**
   * The reliable provisional response awaiting PRACK, if any. RFC 3262 §3: a 2xx may not be sent
   * while one that carried a session description is unacknowledged, so check its body first.
   */
  get pendingResponse(): SipResponse | undefined {
    return this.pending?.response;
  }

  /** The RSeq the next reliable provisional response gets. */
  get nextSequence(): number {
    return this.nextRSeq;
  }

  /**
   * Sends `response` (101–199) reliably: a copy gets `Require: 100rel` and `RSeq`, is transmitted
   * now and again at T1, 2T1, … until PRACK or 64*T1. Returns the copy sent.
   * @throws SipError(InvalidState) while another is unacknowledged or after the final response;
   *   SipError(InvalidArgument) for 100 or a non-provisional status.
   */
  send(response: SipResponse): SipResponse {
    if (response.status <= 100 || response.status >= 200) throw new SipError(SipErrorCode.InvalidArgument, 'only 101-199 can be sent reliably');
    if (this.done) throw new SipError(SipErrorCode.InvalidState, 'final response already sent');
    if (this.pending !== undefined) throw new SipError(SipErrorCode.InvalidState, 'a reliable provisional response is still unacknowledged');
    const copy = response.clone();
    // RFC 3262 §3: Require: 100rel and RSeq, one higher than the previous reliable 1xx.
    if (!copy.require.includes('100rel')) copy.headers.append('Require', '100rel');
    const rseq = this.nextRSeq++;
    copy.headers.set('RSeq', String(rseq));
    const started = this.o.clock.now();
    this.pending = { response: copy, rseq, interval: this.o.t1, started, timer: this.schedule(this.o.t1) };
    this.o.transmit(copy);
    return copy;
  }

  /** Matches a PRACK's RAck against the pending response (RFC 3262 §3). */
  receivePrack(prack: SipRequest): PrackResult {
    const raw = prack.headers.get('RAck');
    const rack = raw === undefined ? undefined : parseRAck(raw);
    if (rack === undefined) return { matched: false, status: 481 };
    const p = this.pending;
    if (p !== undefined) {
      const { seq, method } = p.response.cseq;
      if (rack.rseq === p.rseq && rack.cseq === seq && rack.method === method) {
        this.o.clock.clearTimer(p.timer);
        this.pending = undefined;
        return { matched: true, response: p.response };
      }
    }
    // RFC 3262 §3: a PRACK matching no unacknowledged reliable 1xx gets 481 (retransmissions of
    // a matched PRACK are absorbed by its server transaction before they get here).
    return { matched: false, status: 481 };
  }

  /** The final response was sent: stop retransmitting; no more reliable 1xx. */
  finalResponseSent(): void {
    this.done = true;
    this.stop();
  }

  /** Stops every timer (idempotent). */
  dispose(): void {
    this.done = true;
    this.stop();
  }

  private stop(): void {
    if (this.pending !== undefined) this.o.clock.clearTimer(this.pending.timer);
    this.pending = undefined;
  }

  private schedule(ms: number): TimerHandle {
    return this.o.clock.setTimer(() => this.fire(), ms);
  }

  private fire(): void {
    const p = this.pending;
    if (p === undefined) return;
    const elapsed = this.o.clock.now() - p.started;
    if (elapsed >= 64 * this.o.t1) {
      this.pending = undefined;
      this.done = true;
      this.o.onTimeout(p.response);
      return;
    }
    this.o.transmit(p.response);
    // RFC 3262 §3: the interval doubles each time (no T2 cap), until 64*T1 in total.
    p.interval *= 2;
    p.timer = this.schedule(Math.min(p.interval, p.started + 64 * this.o.t1 - this.o.clock.now()));
  }
}
