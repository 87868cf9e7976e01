/**
 * CSIPNotifyDialogAssoc: the notifier's side of a subscription (RFC 6665) or of REFER's implicit
 * subscription (RFC 3515). Built on the SUBSCRIBE/REFER `ServerTransaction` (the app answers it
 * through that transaction; a 2xx confirms the dialog) or on an existing dialog; sends NOTIFY
 * with `Event` and `Subscription-State`. After a NOTIFY with `terminated` no more are allowed.
 * @module
 */
import type { MessageElementsView } from '../../../include-types/api.js';
import type { NotifyDialogAssoc as NotifyDialogAssocView } from '../../../include-types/api.js';
import type { Dialog as DialogView, ServerTransaction as ServerTransactionView } from '../../../include-types/api.js';
import { asDialog, asServerTx } from '../internal/downcast.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { createUasDialog } from '../../dialog/dialog-factory.js';
import { SipUri } from '../../message/index.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { nameAddr } from '../internal/request-factory.js';
import type { ClientTransaction } from '../transactions/client-transaction.js';
import { DialogAssoc } from './dialog-assoc.js';
import { Dialog } from './dialog.js';
import { uasShaper } from './uas-shaper.js';

/** Options of the notifier's association. */
export interface NotifyDialogAssocOptions {
  /** The Event value (default: the request's Event; "refer" for REFER). */
  event?: string;
  /** The Subscription-State of the next NOTIFY, e.g. "active;expires=3600" or "pending". */
  subscriptionState: string;
  /** Our Contact (default: the IAP's address). */
  contact?: string;
}

/** CSIPNotifyDialogAssoc. */
export class NotifyDialogAssoc extends DialogAssoc implements NotifyDialogAssocView {
  readonly kind = 'NotifyDialogAssoc';
  readonly type = 'NOTIFY' as const;
  /** The Event value of the NOTIFYs. */
  readonly event: string;
  private state: string;
  private ended = false;

  /** @internal Use the static factories. */
  constructor(conn: ConnectionContext, dialog: Dialog, event: string, subscriptionState: string) {
    super(conn, dialog);
    if (subscriptionState.trim() === '') throw new SipError(SipErrorCode.InvalidArgument, 'Subscription-State is required');
    this.event = event;
    this.state = subscriptionState;
    this.join({
      // a re-SUBSCRIBE (or REFER) in the dialog: its 2xx needs our Contact (target refresh)
      screenRequest: (tx) => {
        const core = this.dialog.core;
        const contact = this.dialog.localContactOverride;
        if ((tx.type === 'SUBSCRIBE' || tx.type === 'REFER') && core !== undefined && contact !== undefined) tx.attachShaper(uasShaper(core, tx.request, contact));
        return false;
      },
    });
  }

  /**
   * The notifier for a SUBSCRIBE or REFER that arrived outside a dialog
   * (CSIPNotifyDialogAssoc::NewL(serverTx, event, subscriptionState)).
   * @throws SipError(InvalidArgument) unless `tx` is an unanswered SUBSCRIBE or REFER;
   *   SipError(InvalidState) without a connection on its IAP.
   */
  static fromServerTransaction(view: ServerTransactionView, options: NotifyDialogAssocOptions): NotifyDialogAssoc {
    const tx = asServerTx(view);
    if ((tx.type !== 'SUBSCRIBE' && tx.type !== 'REFER') || !tx.responseAllowed) throw new SipError(SipErrorCode.InvalidArgument, 'needs an unanswered SUBSCRIBE or REFER');
    const conn = tx.clientContext.connectionContext(tx.iapId);
    if (conn === undefined) throw new SipError(SipErrorCode.InvalidState, `no SipConnection on IAP ${tx.iapId}`);
    const req = tx.request;
    const event = options.event ?? req.headers.get('Event') ?? (tx.type === 'REFER' ? 'refer' : '');
    if (req.to.tag !== undefined) {
      throw new SipError(SipErrorCode.InvalidArgument, 'the request is in a dialog: use NotifyDialogAssoc.forDialog');
    }
    const user = req.uri instanceof SipUri ? req.uri.user : undefined;
    const contact = options.contact !== undefined ? nameAddr(options.contact) : conn.localContact(user);
    const core = createUasDialog(req, { localTag: tx.localTag, localContact: contact });
    const dialog = new Dialog(conn, { callId: req.callId, localTag: core.id.localTag, local: req.to, remote: req.from, remoteUri: req.from.uri.toString() }, core);
    dialog.localContactOverride = contact;
    const assoc = new NotifyDialogAssoc(conn, dialog, event, options.subscriptionState);
    tx.attachShaper(uasShaper(core, req, contact));
    return assoc;
  }

  /** A notifier in an existing dialog (e.g. for a SUBSCRIBE that arrived in it). */
  static forDialog(view: DialogView, options: NotifyDialogAssocOptions & { event: string }): NotifyDialogAssoc {
    const dialog = asDialog(view);
    return new NotifyDialogAssoc(dialog.connectionContext, dialog, options.event, options.subscriptionState);
  }

  /** The Subscription-State the next NOTIFY carries. */
  get subscriptionState(): string {
    return this.state;
  }

  /** Sets the Subscription-State for the next NOTIFY (e.g. "terminated;reason=timeout"). */
  setSubscriptionState(value: string): void {
    this.assertAlive();
    if (value.trim() === '' || /[\r\n]/.test(value)) throw new SipError(SipErrorCode.InvalidArgument, 'bad Subscription-State');
    this.state = value;
  }

  /**
   * Sends NOTIFY with Event and Subscription-State (CSIPNotifyDialogAssoc::SendNotifyL). A NOTIFY
   * may go before the SUBSCRIBE is answered (RFC 6665 §4.2.1.1 allows it once the dialog exists).
   * @throws SipError(InvalidState) after a `terminated` NOTIFY; SipError(InvalidDialogState).
   */
  sendNotify(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    if (this.ended) throw new SipError(SipErrorCode.InvalidState, 'the subscription was terminated');
    // RFC 6665 §4.2.1.1: the NOTIFY follows the 2xx (or 202) that created the dialog
    const tx = this.sendInDialog('NOTIFY', elements, [['Event', this.event], ['Subscription-State', this.state]]);
    if (this.state.trim().toLowerCase().startsWith('terminated')) this.ended = true;
    return tx;
  }
}
