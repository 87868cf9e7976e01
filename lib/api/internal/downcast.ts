/**
 * Observers hand the app the interface types of include-types; API calls taking those objects
 * back accept the interfaces and check here that they are tsip's own objects.
 * @module
 */
import type { ClientTransaction as ClientTransactionView, Dialog as DialogView, ServerTransaction as ServerTransactionView } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { Dialog } from '../dialogs/dialog.js';
import { ClientTransaction } from '../transactions/client-transaction.js';
import { ServerTransaction } from '../transactions/server-transaction.js';

/** @throws SipError(InvalidArgument) unless tsip made it. */
export function asClientTx(tx: ClientTransactionView): ClientTransaction {
  if (!(tx instanceof ClientTransaction)) throw new SipError(SipErrorCode.InvalidArgument, 'not a tsip ClientTransaction');
  return tx;
}

/** @throws SipError(InvalidArgument) unless tsip made it. */
export function asServerTx(tx: ServerTransactionView): ServerTransaction {
  if (!(tx instanceof ServerTransaction)) throw new SipError(SipErrorCode.InvalidArgument, 'not a tsip ServerTransaction');
  return tx;
}

/** @throws SipError(InvalidArgument) unless tsip made it. */
export function asDialog(d: DialogView): Dialog {
  if (!(d instanceof Dialog)) throw new SipError(SipErrorCode.InvalidArgument, 'not a tsip Dialog');
  return d;
}
