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
  /**
   * A request outside any dialog arrived on an IAP where no client of the stack has a
   * `SipConnection` (MSIPObserver::IncomingRequest). The app owns `tx`: answer it (after opening a
   * connection, to build a dialog association on it) and dispose it. Without any response (a 1xx
   * will do) within the client's `answerTimeout`, the stack answers 408 (480 for INVITE) and calls {@link timedOut}.
   */
  incomingRequest(iapId: string, tx: ServerTransaction): void;
  /** The app did not answer `tx` in time (MSIPObserver::TimedOut); the stack answered 408/480. Dispose `tx`. */
  timedOut(tx: ServerTransaction): void;
}

/** MSIPConnectionObserver: events for one connection (IAP). */
export interface SipConnectionObserver {
  /**
   * (1) A request outside any dialog arrived on this connection's IAP: MESSAGE, OPTIONS, a new
   * INVITE (build `InviteDialogAssoc.fromServerTransaction(tx)`), SUBSCRIBE/REFER (build a
   * `NotifyDialogAssoc`) ... The app owns `tx`, answers it and disposes it.
   */
  incomingRequest(tx: ServerTransaction): void;
  /**
   * (2) A request inside `dialog` that passed the dialog checks (481/500, 491 glare, PRACK matching
   * are answered by the stack): re-INVITE, UPDATE, PRACK, BYE, INFO, NOTIFY, in-dialog SUBSCRIBE or
   * REFER, and each ACK for a 2xx (on its own `ServerTransaction`, no response allowed). The app
   * owns `tx`, finds the association in `dialog.dialogAssocs`, answers and disposes.
   */
  incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void;
  /** (3) A response (1xx or final) to `connection.sendRequest`/`fetchRegistrations`, or to a refresh's update/terminate. */
  incomingResponse(tx: ClientTransaction): void;
  /** (4) A response (1xx or final) to a request sent through `assoc`, including the CANCEL of its INVITE. */
  incomingResponseInDialog(tx: ClientTransaction, assoc: DialogAssoc): void;
  /**
   * (5) A 2xx from another fork of the INVITE `tx` after the first 2xx (RFC 3261 §13.2.2.4): a new
   * dialog and association the app owns; ACK it with `assoc.sendAck(tx)`, then keep or BYE it.
   */
  incomingResponseForkedInvite(tx: ClientTransaction, assoc: InviteDialogAssoc): void;
  /** (6) A response to a REGISTER of `binding` (register, update, deregister); digest challenges are answered first. */
  incomingResponseForRegistration(tx: ClientTransaction, binding: RegistrationBinding): void;
  /** (7) A stand-alone request failed: Timer F/B (`Timeout`), transport error, no target (`ResolveFailed`), limits. */
  errorOccurred(error: SipError, tx: Transaction): void;
  /** (8) A REGISTER of `binding` failed without a final response (timeout, transport error). */
  errorOccurredInRegistration(error: SipError, tx: ClientTransaction, binding: RegistrationBinding): void;
  /** (9) A request of `assoc` failed, or (callee) no ACK came for our 2xx (`Timeout`, the dialog ends with BYE). */
  errorOccurredInDialog(error: SipError, tx: Transaction, assoc: DialogAssoc): void;
  /** (10) A later refresh of a stand-alone refreshed request failed (`RefreshFailed` with the status, or the error); the refresh is Terminated. */
  errorOccurredInRefresh(error: SipError, refresh: Refresh): void;
  /** (11) A re-REGISTER of `binding` failed (`RefreshFailed`, `Timeout`; `CouldNotConnect` while Suspended); the binding is Unregistered. */
  errorOccurredInRegistrationRefresh(error: SipError, binding: RegistrationBinding): void;
  /** (12) A refresh in `assoc` failed: a re-SUBSCRIBE, a session refresh answered 481/408, or the RFC 4028 session timer expired (`SessionTimerExpired`, BYE sent). */
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
