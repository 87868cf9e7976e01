/**
 * The observer interfaces the app implements: MSIPObserver, MSIPConnectionObserver (all 15
 * callbacks, one name per Symbian overload) and MSIPHttpDigestChallengeObserver2.
 *
 * Every callback is called from a network or timer event, never from inside the API call that
 * caused it. Objects passed with "the app owns" are the app's to dispose.
 */
import type {
  ClientTransaction,
  Dialog,
  DialogAssoc,
  InviteDialogAssoc,
  Refresh,
  RegistrationBinding,
  ServerTransaction,
  Transaction,
} from './api.js';
import type { SipError } from './errors.js';
import type { ConnectionState } from './states.js';

/** MSIPObserver: events for the client as a whole. */
export interface SipObserver {
  /** A request arrived on an IAP for which this client has no `SipConnection`; the app owns `tx`. */
  incomingRequest(iapId: string, tx: ServerTransaction): void;
  /** The app did not answer `tx` (or open a connection for it) in time; the stack answered 408/480. */
  timedOut(tx: ServerTransaction): void;
}

/** MSIPConnectionObserver: events for one connection (IAP). */
export interface SipConnectionObserver {
  /** (1) A request outside any dialog; the app owns `tx`. */
  incomingRequest(tx: ServerTransaction): void;
  /** (2) A request inside `dialog`; the app owns `tx` and finds the association itself. */
  incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void;
  /** (3) A response to a request sent outside dialogs and registrations. */
  incomingResponse(tx: ClientTransaction): void;
  /** (4) A response to a request sent through `assoc`. */
  incomingResponseInDialog(tx: ClientTransaction, assoc: DialogAssoc): void;
  /** (5) A 2xx from another fork of an INVITE: a new association the app owns (RFC 3261 §13.2.2.4). */
  incomingResponseForkedInvite(tx: ClientTransaction, assoc: InviteDialogAssoc): void;
  /** (6) A response to a REGISTER of `binding`. */
  incomingResponseForRegistration(tx: ClientTransaction, binding: RegistrationBinding): void;
  /** (7) A transaction failed (timeout, transport error). */
  errorOccurred(error: SipError, tx: Transaction): void;
  /** (8) A REGISTER transaction of `binding` failed. */
  errorOccurredInRegistration(error: SipError, tx: ClientTransaction, binding: RegistrationBinding): void;
  /** (9) A transaction of `assoc` failed. */
  errorOccurredInDialog(error: SipError, tx: Transaction, assoc: DialogAssoc): void;
  /** (10) A stand-alone refresh failed. */
  errorOccurredInRefresh(error: SipError, refresh: Refresh): void;
  /** (11) Refreshing `binding` failed (CouldNotConnect if the connection went down). */
  errorOccurredInRegistrationRefresh(error: SipError, binding: RegistrationBinding): void;
  /** (12) Refreshing within `assoc` failed (re-SUBSCRIBE, session refresh). */
  errorOccurredInDialogRefresh(error: SipError, assoc: DialogAssoc): void;
  /** (13) 64*T1 after the first 2xx: no more forked 2xx will come; `tx` may be disposed now. */
  inviteCompleted(tx: ClientTransaction): void;
  /** (14) A CANCEL arrived for the INVITE `tx`; the stack already answered 487. */
  inviteCanceled(tx: ServerTransaction): void;
  /** (15) The connection changed state. On Inactive/Unavailable refreshes were dropped silently. */
  connectionStateChanged(state: ConnectionState): void;
}

/** MSIPHttpDigestChallengeObserver2: the app answers each challenge it has no credentials for. */
export interface HttpDigestChallengeObserver {
  /** A 401/407 arrived for `tx`; call `setCredentialsFor(tx, ...)` or `ignoreChallenge(tx, realm)`. */
  challengeReceived(tx: ClientTransaction): void;
  /** The same, for a refresh. */
  challengeReceivedInRefresh(refresh: Refresh): void;
}
