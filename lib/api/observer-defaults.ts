/**
 * Observers with a default for every callback, to extend when an app cares about a few events
 * only. Every default is listed on its method.
 * @module
 */
import type { ClientTransaction, Dialog, DialogAssoc, InviteDialogAssoc, Refresh, RegistrationBinding, ServerTransaction, Transaction } from '../../include-types/api.js';
import type { SipError } from '../../include-types/errors.js';
import type { SipConnectionObserver, SipObserver } from '../../include-types/observers.js';
import type { ConnectionState } from '../../include-types/states.js';
import { ResponseElements } from './elements/response-elements.js';

/** Answers a request the app does not handle, and releases it. */
function decline(tx: ServerTransaction, status: number): void {
  if (tx.responseAllowed) tx.sendResponse(new ResponseElements({ statusCode: status }));
  tx.dispose();
}

/** A `SipObserver` whose defaults decline everything. */
export class DefaultSipObserver implements SipObserver {
  /** Default: answers 480 Temporarily Unavailable and disposes `tx`. */
  incomingRequest(_iapId: string, tx: ServerTransaction): void {
    decline(tx, 480);
  }
  /** Default: disposes `tx` (the stack already answered). */
  timedOut(tx: ServerTransaction): void {
    tx.dispose();
  }
}

/** A `SipConnectionObserver` with quiet defaults; extend it and override what you need. */
export class DefaultConnectionObserver implements SipConnectionObserver {
  /** Default: answers 501 Not Implemented and disposes `tx`. */
  incomingRequest(tx: ServerTransaction): void {
    decline(tx, 501);
  }
  /** Default: ACK is disposed; anything else is answered 501 and disposed. */
  incomingRequestInDialog(tx: ServerTransaction, _dialog: Dialog): void {
    if (tx.type === 'ACK') tx.dispose();
    else decline(tx, 501);
  }
  /** Default: nothing. */
  incomingResponse(_tx: ClientTransaction): void {}
  /** Default: nothing. */
  incomingResponseInDialog(_tx: ClientTransaction, _assoc: DialogAssoc): void {}
  /** Default: the extra fork is released (the app should rather ACK and BYE it). */
  incomingResponseForkedInvite(_tx: ClientTransaction, assoc: InviteDialogAssoc): void {
    assoc.dispose();
  }
  /** Default: nothing. */
  incomingResponseForRegistration(_tx: ClientTransaction, _binding: RegistrationBinding): void {}
  /** Default: nothing. */
  errorOccurred(_error: SipError, _tx: Transaction): void {}
  /** Default: nothing. */
  errorOccurredInRegistration(_error: SipError, _tx: ClientTransaction, _binding: RegistrationBinding): void {}
  /** Default: nothing. */
  errorOccurredInDialog(_error: SipError, _tx: Transaction, _assoc: DialogAssoc): void {}
  /** Default: nothing. */
  errorOccurredInRefresh(_error: SipError, _refresh: Refresh): void {}
  /** Default: nothing. */
  errorOccurredInRegistrationRefresh(_error: SipError, _binding: RegistrationBinding): void {}
  /** Default: nothing. */
  errorOccurredInDialogRefresh(_error: SipError, _assoc: DialogAssoc): void {}
  /** Default: disposes `tx` (it is no longer needed). */
  inviteCompleted(tx: ClientTransaction): void {
    tx.dispose();
  }
  /** Default: nothing (the stack answered 487). */
  inviteCanceled(_tx: ServerTransaction): void {}
  /** Default: nothing. */
  connectionStateChanged(_state: ConnectionState): void {}
}
