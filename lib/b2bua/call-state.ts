/**
 * The states of one B2BUA call (both legs together) and the moves between them. A small explicit
 * machine so that every handler can ask "may this happen now?" instead of poking at flags.
 *
 * ```
 * Calling ──1xx──▶ Early ──2xx──▶ (Answering) ──▶ Connected ──BYE──▶ Ending ──▶ Ended
 *    │               │                 │               
 *    └──CANCEL/≥300──┴──────────────────┴──────────────────────────────────────▶ Ended
 * ```
 * Hold is not a state of its own: a held call is Connected with `held` set (it can still be
 * re-INVITEd, hung up and so on).
 */

/** Where a B2BUA call is. */
export const B2buaCallState = {
  /** The caller's INVITE arrived and the callee's INVITE went out; no answer yet. */
  Calling: 'Calling',
  /** The callee sent a provisional response (180/183, maybe with early media). */
  Early: 'Early',
  /**
   * The callee answered and `recordingRequired` holds the caller's 2xx until the recording is up
   * (or has failed: then the callee gets BYE and the caller 503).
   */
  Answering: 'Answering',
  /** Both legs are confirmed; media flows through the relay. */
  Connected: 'Connected',
  /** One side hung up; the other leg's BYE and the recording's stop are under way. */
  Ending: 'Ending',
  /** Over: both legs ended, relay closed, recording stopped. */
  Ended: 'Ended',
} as const;
/** A value of {@link B2buaCallState}. */
export type B2buaCallState = (typeof B2buaCallState)[keyof typeof B2buaCallState];

const MOVES: Record<B2buaCallState, readonly B2buaCallState[]> = {
  Calling: ['Early', 'Answering', 'Connected', 'Ending', 'Ended'],
  Early: ['Early', 'Answering', 'Connected', 'Ending', 'Ended'],
  Answering: ['Connected', 'Ending', 'Ended'],
  Connected: ['Ending', 'Ended'],
  Ending: ['Ended'],
  Ended: [],
};

/** True when a call in `from` may move to `to`. */
export function canMove(from: B2buaCallState, to: B2buaCallState): boolean {
  return MOVES[from].includes(to);
}

/** True while the caller has no final response yet (a CANCEL still applies). */
export function isUnanswered(s: B2buaCallState): boolean {
  return s === B2buaCallState.Calling || s === B2buaCallState.Early || s === B2buaCallState.Answering;
}
