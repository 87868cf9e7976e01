/**
 * One INVITE transaction at a time in a dialog (RFC 3261 §14.1, §14.2), independent of whether
 * the INVITEs carry offers (offer collisions in UPDATE/PRACK are `OfferAnswer`'s business).
 *
 * - We may not start a re-INVITE while an INVITE transaction is in progress in either direction.
 * - A re-INVITE arriving while ours is in progress → 491 (glare).
 * - A re-INVITE arriving before we answered the previous one → 500 with Retry-After 0–10 s.
 * - After a 491 the UAC waits a random time before trying again (§14.1): 2.1–4 s if it owns the
 *   Call-ID (it sent the dialog-creating request), else 0–2 s, in units of 10 ms.
 * @module
 */
import { randomInt } from 'node:crypto';
import { SipError, SipErrorCode } from '../../include-types/errors.js';

/** The verdict on a received re-INVITE. */
export type ReinviteVerdict =
  | { accept: true }
  | { accept: false; status: 491 }
  | { accept: false; status: 500; retryAfter: number };

/** Tracks the INVITE transactions of one dialog. */
export class InviteGuard {
  private sending = false;
  private receiving = false;
  private readonly random: (min: number, max: number) => number;

  /** @param random integer in [min, max) (default crypto randomInt). */
  constructor(random: (min: number, max: number) => number = randomInt) {
    this.random = random;
  }

  /** True while our INVITE waits for its final response. */
  get localInviteInProgress(): boolean {
    return this.sending;
  }

  /** True while a received INVITE waits for our final response. */
  get remoteInviteInProgress(): boolean {
    return this.receiving;
  }

  /** RFC 3261 §14.1: true if we may send a (re-)INVITE now. */
  canSendInvite(): boolean {
    return !this.sending && !this.receiving;
  }

  /**
   * We send an INVITE.
   * @throws SipError(InvalidState) if an INVITE transaction is in progress either way.
   */
  inviteSent(): void {
    if (!this.canSendInvite()) throw new SipError(SipErrorCode.InvalidState, 'an INVITE transaction is in progress');
    this.sending = true;
  }

  /** Our INVITE got its final response (or failed). */
  inviteCompleted(): void {
    this.sending = false;
  }

  /** A (re-)INVITE arrived: accept it, or how to refuse it (RFC 3261 §14.2). */
  inviteReceived(): ReinviteVerdict {
    if (this.receiving) return { accept: false, status: 500, retryAfter: this.random(0, 11) };
    if (this.sending) return { accept: false, status: 491 };
    this.receiving = true;
    return { accept: true };
  }

  /** We sent the final response to the received INVITE. */
  inviteAnswered(): void {
    this.receiving = false;
  }

  /**
   * How long to wait before retrying after a 491 (RFC 3261 §14.1), in ms.
   * @param ownsCallId true if this side sent the dialog-creating request.
   */
  glareRetryDelayMs(ownsCallId: boolean): number {
    return ownsCallId ? this.random(210, 401) * 10 : this.random(0, 201) * 10;
  }
}
