/**
 * A SipConnectionObserver with every callback a no-op (each documented in include-types/observers),
 * so the SIPREC user agents override only the callbacks they act on.
 */
import type {
  ClientTransaction, Dialog, DialogAssoc, InviteDialogAssoc, Refresh, RegistrationBinding, ServerTransaction, Transaction,
} from '../../../include-types/api.js';
import type { SipError } from '../../../include-types/errors.js';
import type { SipConnectionObserver } from '../../../include-types/observers.js';
import type { ConnectionState } from '../../../include-types/states.js';

/** Base observer: unhandled requests are disposed (the API answers them 500), the rest ignored. */
export class ObserverBase implements SipConnectionObserver {
  /** Default: dispose (answered by the API). */
  incomingRequest(tx: ServerTransaction): void { tx.dispose(); }
  /** Default: dispose. */
  incomingRequestInDialog(tx: ServerTransaction, _dialog: Dialog): void { tx.dispose(); }
  /** Default: dispose the transaction once final. */
  incomingResponse(_tx: ClientTransaction): void {}
  /** Default: ignore. */
  incomingResponseInDialog(_tx: ClientTransaction, _assoc: DialogAssoc): void {}
  /** Default: a forked 2xx of a recording INVITE is not wanted: dispose the new association. */
  incomingResponseForkedInvite(_tx: ClientTransaction, assoc: InviteDialogAssoc): void { assoc.dispose(); }
  /** Default: ignore. */
  incomingResponseForRegistration(_tx: ClientTransaction, _b: RegistrationBinding): void {}
  /** Default: ignore. */
  errorOccurred(_e: SipError, _tx: Transaction): void {}
  /** Default: ignore. */
  errorOccurredInRegistration(_e: SipError, _tx: ClientTransaction, _b: RegistrationBinding): void {}
  /** Default: ignore. */
  errorOccurredInDialog(_e: SipError, _tx: Transaction, _assoc: DialogAssoc): void {}
  /** Default: ignore. */
  errorOccurredInRefresh(_e: SipError, _r: Refresh): void {}
  /** Default: ignore. */
  errorOccurredInRegistrationRefresh(_e: SipError, _b: RegistrationBinding): void {}
  /** Default: ignore. */
  errorOccurredInDialogRefresh(_e: SipError, _assoc: DialogAssoc): void {}
  /** Default: ignore. */
  inviteCompleted(_tx: ClientTransaction): void {}
  /** Default: ignore. */
  inviteCanceled(_tx: ServerTransaction): void {}
  /** Default: ignore. */
  connectionStateChanged(_s: ConnectionState): void {}
}
