/**
 * The SIP Client API (the Symbian model, DESIGN §3): the objects apps hold.
 * @module
 */
export { SipClient, type SipClientOptions, defaultStackSettings } from './sip-client.js';
export { SipConnection, type SendRequestOptions } from './sip-connection.js';
export { MessageElements, type MessageElementsInit } from './elements/message-elements.js';
export { RequestElements, type RequestElementsInit } from './elements/request-elements.js';
export { ResponseElements, type ResponseElementsInit } from './elements/response-elements.js';
export { Transaction } from './transactions/transaction.js';
export { ClientTransaction } from './transactions/client-transaction.js';
export { ServerTransaction } from './transactions/server-transaction.js';
export { Dialog } from './dialogs/dialog.js';
export { DialogAssoc } from './dialogs/dialog-assoc.js';
export { InviteDialogAssoc, type InviteDialogAssocOptions, type InviteUasOptions } from './dialogs/invite-dialog-assoc.js';
export { SubscribeDialogAssoc, type SubscribeDialogAssocOptions, eventKey } from './dialogs/subscribe-dialog-assoc.js';
export { NotifyDialogAssoc, type NotifyDialogAssocOptions } from './dialogs/notify-dialog-assoc.js';
export { ReferDialogAssoc, type ReferDialogAssocOptions } from './dialogs/refer-dialog-assoc.js';
export type { DialogStartOptions } from './dialogs/uac-dialog-creator.js';
export type { SessionTimerOptions } from './dialogs/session-refresher.js';
export { Refresh, DEFAULT_REFRESH_INTERVAL } from './refresh.js';
export { RegistrationBinding, type RegistrationBindingOptions, MIN_EXPIRES } from './registration-binding.js';
export { HttpDigest, type CredentialOptions } from './http-digest.js';
// the server side of Digest, for apps that challenge requests they receive (an SRS authenticating SRCs)
export { DigestServer, type DigestServerOptions, type DigestUserLookup, type VerifyResult } from '../stack/digest/index.js';
export { RegistrationState } from '../../include-types/api.js';
export { DefaultConnectionObserver, DefaultSipObserver } from './observer-defaults.js';
