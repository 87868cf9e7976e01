/**
 * The life of one SRS recording session ({@link SrsSession}), as an explicit state machine.
 *
 * States: Setup → (AwaitingAnswer →) Recording ⇄ Paused → Ended.
 * Transitions:
 * - Setup → Recording | Paused: the SRC's offer in the initial INVITE is applied (RFC 7866 §7.1.1;
 *   Paused when every live stream is a=inactive).
 * - Setup → AwaitingAnswer: the INVITE had no offer; the SRS offered in its 2xx and waits for the
 *   SRC's answer in the ACK (RFC 7866 §7.1.2, RFC 3264 §5).
 * - AwaitingAnswer → Recording | Paused: the answer in the ACK is good.
 * - Recording ⇄ Paused: a re-INVITE/UPDATE (or the answer to our re-offer) makes every live
 *   stream inactive, or makes one active again (RFC 7866 §7.1.1, SIPREC-NOTES SRC-8).
 * - any state but Ended → Ended: BYE, CANCEL, a failure, a limit, shutdown (idempotent: ending
 *   an Ended session is not a transition).
 *
 * Not states, on purpose:
 * - a re-offer of ours waiting for the ACK (an offer-less re-INVITE) happens while Recording or
 *   Paused and does not change what is recorded; the session keeps it as data.
 * - a failed write to the recording (full disk) is a latched condition: the session still
 *   follows the SRC's signalling (pause, resume, BYE) until the server ends it.
 * @module
 */

/** The states of an SRS recording session. */
export const SrsSessionState = {
  /** Created for an INVITE; nothing negotiated yet. */
  Setup: 'setup',
  /** The SRS offered (offer-less INVITE); the SRC's answer is expected in the ACK. */
  AwaitingAnswer: 'awaitingAnswer',
  /** Streams negotiated and being recorded. */
  Recording: 'recording',
  /** The SRC has every live stream inactive (RFC 7866 §7.1.1). */
  Paused: 'paused',
  /** Ended: sockets and the recording are closed. */
  Ended: 'ended',
} as const;
/** One of the {@link SrsSessionState} values. */
export type SrsSessionState = (typeof SrsSessionState)[keyof typeof SrsSessionState];

const S = SrsSessionState;

/** The allowed transitions, from each state (see the module header). */
const ALLOWED: Readonly<Record<SrsSessionState, readonly SrsSessionState[]>> = {
  [S.Setup]: [S.Recording, S.Paused, S.AwaitingAnswer, S.Ended],
  [S.AwaitingAnswer]: [S.Recording, S.Paused, S.Ended],
  [S.Recording]: [S.Paused, S.Ended],
  [S.Paused]: [S.Recording, S.Ended],
  [S.Ended]: [],
};

/** True when a session may go from `from` to `to`. */
export function srsSessionTransitionAllowed(from: SrsSessionState, to: SrsSessionState): boolean {
  return ALLOWED[from].includes(to);
}

/** Thrown on a transition the table does not allow: a bug in the SRS, never the SRC's doing. */
export class SrsSessionStateError extends Error {
  constructor(readonly from: SrsSessionState, readonly to: SrsSessionState, readonly recordingId: string) {
    super(`SRS session ${recordingId}: illegal state transition ${from} → ${to}`);
    this.name = 'SrsSessionStateError';
  }
}
