/**
 * The internal life of an API {@link ClientTransaction} (not public: the app sees the include-types
 * `TransactionState` of the machine underneath). One state instead of a set of flags, so every
 * question the object answers (may it be cancelled, disposed, is it over) reads one value.
 *
 * States: Sending → (Challenged ⇄ Sending) → Final | Accepted → Terminated | InviteCompleted, and Failed.
 * Transitions:
 * - Sending → Challenged: a 401/407 waits for the app's credentials (RFC 3261 §22.2).
 * - Challenged → Sending: the credentials came, the request goes again (next CSeq).
 * - Sending | Challenged → Final: a final response went to the owner (a declined challenge's
 *   401/407 included); for an INVITE, a non-2xx one.
 * - Sending | Challenged → Accepted: an INVITE's 2xx went to the owner; later 2xx (forks,
 *   retransmissions) follow it until the machine ends (RFC 6026 §7.2, Timer M).
 * - Accepted → InviteCompleted: the machine ended 64*T1 after the 2xx (`inviteCompleted`).
 * - Sending | Final → Terminated: the machine ended (a CANCEL with nothing to cancel ends at once).
 * - Sending | Challenged | Final | Accepted → Failed: timeout or transport error (RFC 3261 §17.1.4).
 * - Failed → InviteCompleted: an Accepted INVITE that failed still reports the end of its machine.
 * The end of a challenged attempt's machine is no transition (the app may still answer it), nor
 * is the end of a Failed, Terminated or InviteCompleted one.
 *
 * Not a state: `dropped` (its connection went down) silences the observer calls in any state,
 * already posted ones included, so it is a latched flag beside the state.
 * @module
 */

/** @internal The states of an API client transaction. */
export const ClientTxState = {
  Sending: 'Sending',
  Challenged: 'Challenged',
  Final: 'Final',
  Accepted: 'Accepted',
  InviteCompleted: 'InviteCompleted',
  Terminated: 'Terminated',
  Failed: 'Failed',
} as const;
/** @internal One of the {@link ClientTxState} values. */
export type ClientTxState = (typeof ClientTxState)[keyof typeof ClientTxState];

const S = ClientTxState;

const ALLOWED: Readonly<Record<ClientTxState, readonly ClientTxState[]>> = {
  [S.Sending]: [S.Challenged, S.Final, S.Accepted, S.Terminated, S.Failed],
  [S.Challenged]: [S.Sending, S.Final, S.Accepted, S.Failed],
  [S.Final]: [S.Terminated, S.Failed],
  [S.Accepted]: [S.InviteCompleted, S.Failed],
  [S.InviteCompleted]: [],
  [S.Terminated]: [],
  /** An INVITE's 2xx was followed by a failure: its machine still ends with `inviteCompleted`. */
  [S.Failed]: [S.InviteCompleted],
};

/** @internal True when a client transaction may go from `from` to `to`. */
export function clientTxTransitionAllowed(from: ClientTxState, to: ClientTxState): boolean {
  return ALLOWED[from].includes(to);
}

/** @internal True once the request is over (its machine ended, or it failed). */
export function clientTxEnded(s: ClientTxState): boolean {
  return s === S.Terminated || s === S.InviteCompleted || s === S.Failed;
}
