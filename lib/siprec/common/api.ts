/**
 * The one place lib/siprec reaches the SIP Client API (lib/api): every signalling object the
 * recording client and server use comes through here, so SIPREC runs on the public API only.
 */
export { SipClient, type SipClientOptions } from '../../api/sip-client.js';
export { SipConnection } from '../../api/sip-connection.js';
export { InviteDialogAssoc } from '../../api/dialogs/invite-dialog-assoc.js';
export { MessageElements } from '../../api/elements/message-elements.js';
export { RequestElements } from '../../api/elements/request-elements.js';
export { ResponseElements } from '../../api/elements/response-elements.js';
export type { ClientTransaction } from '../../api/transactions/client-transaction.js';
export type { ServerTransaction } from '../../api/transactions/server-transaction.js';
