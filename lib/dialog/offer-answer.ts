/**
 * Offer/answer bookkeeping for one dialog (RFC 3264 §4, RFC 6337 §2–3): which side has an offer
 * outstanding, and what to answer when a new offer collides with one.
 *
 * States: Idle ⇄ LocalOffer (we sent an offer, no answer yet) and Idle ⇄ RemoteOffer (we got one
 * and have not answered). Collisions (RFC 3261 §14.2, RFC 3311 §5.2):
 * - an offer arrives while ours is outstanding → 491 (glare; both sides retry after a delay);
 * - an offer arrives while we still owe an answer → 500 with Retry-After 0–10 s.
 * The SDP itself is the caller's business; this only tracks the exchange.
 * @module
 */
import { randomInt } from 'node:crypto';
import { SipError, SipErrorCode } from '../../include-types/errors.js';

/** Where the offer/answer exchange of a dialog stands. */
export const OfferAnswerState = {
  /** No offer outstanding. */
  Idle: 'Idle',
  /** We sent an offer and wait for the answer. */
  LocalOffer: 'LocalOffer',
  /** We received an offer and owe the answer. */
  RemoteOffer: 'RemoteOffer',
} as const;
/** One of the {@link OfferAnswerState} values. */
export type OfferAnswerState = (typeof OfferAnswerState)[keyof typeof OfferAnswerState];

/** The verdict on a received offer. */
export type OfferVerdict =
  | { accept: true }
  /** Glare: answer 491 (RFC 3261 §14.2, RFC 3311 §5.2). */
  | { accept: false; status: 491 }
  /** We owe an answer already: answer 500 with this Retry-After (RFC 3311 §5.2, RFC 3261 §14.2). */
  | { accept: false; status: 500; retryAfter: number };

/** Offer/answer state of one dialog. */
export class OfferAnswer {
  private _state: OfferAnswerState = OfferAnswerState.Idle;
  private _exchanges = 0;
  private readonly retryAfter: () => number;

  /** @param retryAfter picks the Retry-After seconds for a 500 (default random 0..10). */
  constructor(retryAfter: () => number = () => randomInt(0, 11)) {
    this.retryAfter = retryAfter;
  }

  /** Idle, LocalOffer or RemoteOffer. */
  get state(): OfferAnswerState {
    return this._state;
  }

  /** How many offer/answer exchanges completed (0 = no session description agreed yet). */
  get exchanges(): number {
    return this._exchanges;
  }

  /** True if we may send an offer now. */
  canOffer(): boolean {
    return this._state === OfferAnswerState.Idle;
  }

  /** What an SDP body we receive now is: the answer to our offer, or a new offer. */
  incomingRole(): 'offer' | 'answer' {
    return this._state === OfferAnswerState.LocalOffer ? 'answer' : 'offer';
  }

  /** What an SDP body we send now is: the answer we owe, or a new offer. */
  outgoingRole(): 'offer' | 'answer' {
    return this._state === OfferAnswerState.RemoteOffer ? 'answer' : 'offer';
  }

  /**
   * We send an offer.
   * @throws SipError(InvalidState) if an offer is outstanding either way (RFC 3264 §4: one at a time).
   */
  offerSent(): void {
    if (this._state !== OfferAnswerState.Idle) throw new SipError(SipErrorCode.InvalidState, `cannot offer in ${this._state}`);
    this._state = OfferAnswerState.LocalOffer;
  }

  /** An offer arrived: accept it, or say how to refuse it. Accepting moves to RemoteOffer. */
  offerReceived(): OfferVerdict {
    if (this._state === OfferAnswerState.LocalOffer) return { accept: false, status: 491 };
    if (this._state === OfferAnswerState.RemoteOffer) return { accept: false, status: 500, retryAfter: this.retryAfter() };
    this._state = OfferAnswerState.RemoteOffer;
    return { accept: true };
  }

  /**
   * The answer to our offer arrived.
   * @throws SipError(InvalidState) if we have no offer outstanding.
   */
  answerReceived(): void {
    if (this._state !== OfferAnswerState.LocalOffer) throw new SipError(SipErrorCode.InvalidState, 'no offer of ours to answer');
    this.complete();
  }

  /**
   * We send the answer we owe.
   * @throws SipError(InvalidState) if no offer is waiting for our answer.
   */
  answerSent(): void {
    if (this._state !== OfferAnswerState.RemoteOffer) throw new SipError(SipErrorCode.InvalidState, 'no offer to answer');
    this.complete();
  }

  /**
   * The outstanding offer failed (the request carrying it got a non-2xx, or we refused the
   * request carrying theirs): back to Idle, the previous session description stays (RFC 6337 §3.1).
   */
  offerRejected(): void {
    this._state = OfferAnswerState.Idle;
  }

  private complete(): void {
    this._state = OfferAnswerState.Idle;
    this._exchanges++;
  }
}
