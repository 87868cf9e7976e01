/**
 * CSIPReferDialogAssoc: REFER (RFC 3515) in a new dialog or an existing one. The REFER creates an
 * implicit subscription to the "refer" event: the NOTIFYs with `message/sipfrag` bodies arrive in
 * `incomingRequestInDialog(tx, dialog)` (also before the 2xx to the REFER, RFC 6665 §4.1.2.4).
 * @module
 */
import type { MessageElementsView } from '../../../include-types/api.js';
import type { ReferDialogAssoc as ReferDialogAssocView } from '../../../include-types/api.js';
import type { Dialog as DialogView } from '../../../include-types/api.js';
import { asDialog } from '../internal/downcast.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { SipRequest } from '../../message/index.js';
import { NameAddr } from '../../message/index.js';
import type { ConnectionContext } from '../internal/contexts.js';
import type { SipConnection } from '../sip-connection.js';
import type { ClientTransaction } from '../transactions/client-transaction.js';
import { DialogAssoc } from './dialog-assoc.js';
import type { Dialog } from './dialog.js';
import { type DialogStartOptions, UacDialogCreator, startDialog } from './uac-dialog-creator.js';

/** Options of {@link ReferDialogAssoc.create}. */
export interface ReferDialogAssocOptions extends DialogStartOptions {
  /** The Refer-To target, e.g. "<sip:carol@example.com>". */
  referTo: string;
}

/** CSIPReferDialogAssoc. */
export class ReferDialogAssoc extends DialogAssoc implements ReferDialogAssocView {
  readonly kind = 'ReferDialogAssoc';
  readonly type = 'REFER' as const;
  /** The Refer-To value. */
  readonly referTo: string;
  private readonly creator: UacDialogCreator | undefined;
  private referCount = 0;

  /** @internal Use the static factories. */
  constructor(conn: ConnectionContext, dialog: Dialog, referTo: string, creator?: UacDialogCreator) {
    super(conn, dialog);
    try {
      NameAddr.parse(referTo);
    } catch (e) {
      throw new SipError(SipErrorCode.InvalidArgument, `bad Refer-To: ${String(e)}`);
    }
    this.referTo = referTo;
    this.creator = creator;
    this.join({ adoptRequest: (req) => (isReferNotify(req) ? this.creator?.adopt(req) : undefined) });
  }

  /** A REFER in a new dialog (CSIPReferDialogAssoc::NewL(connection, from, remoteUri, referTo, to, contact)). */
  static create(connection: SipConnection, options: ReferDialogAssocOptions): ReferDialogAssoc {
    const conn = connection.context;
    const { dialog, route } = startDialog(conn, options);
    try {
      return new ReferDialogAssoc(conn, dialog, options.referTo, new UacDialogCreator(conn, dialog, route));
    } catch (e) {
      dialog.forceDispose();
      throw e;
    }
  }

  /** A REFER in an existing dialog, e.g. a call's (CSIPReferDialogAssoc::NewL(dialog, referTo)). */
  static forDialog(view: DialogView, referTo: string): ReferDialogAssoc {
    const dialog = asDialog(view);
    return new ReferDialogAssoc(dialog.connectionContext, dialog, referTo);
  }

  /**
   * Sends REFER with Refer-To (CSIPReferDialogAssoc::SendReferL).
   * @throws SipError(InvalidDialogState); SipError(MalformedMessage).
   */
  sendRefer(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    const extra: Array<[string, string]> = [['Refer-To', this.referTo]];
    this.referCount++;
    if (this.dialog.core === undefined) {
      if (this.creator === undefined || this.creator.sent) throw new SipError(SipErrorCode.InvalidDialogState, 'the dialog is not established');
      return this.creator.send('REFER', elements, extra, this.defaultOwnerForCreator());
    }
    return this.sendInDialog('REFER', elements, extra);
  }

  /** How many REFERs went out (each starts its own implicit subscription, RFC 3515 §2.4.6). */
  get referSent(): number {
    return this.referCount;
  }

  private defaultOwnerForCreator() {
    return {
      onResponse: (tx: ClientTransaction) => this.postResponse(tx),
      onError: (tx: ClientTransaction, err: SipError) => this.postError(tx, err),
    };
  }
}

function isReferNotify(req: SipRequest): boolean {
  return req.method === 'NOTIFY' && (req.headers.get('Event') ?? '').trim().toLowerCase().startsWith('refer');
}
