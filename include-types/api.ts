/**
 * The object surfaces of the SIP Client API (the Symbian model, DESIGN §3), as interfaces.
 * lib/api implements each one with a class of the same name; observers are typed against these
 * interfaces so this folder stays free of lib/ imports.
 *
 * Values the app builds (`MessageElements`, `RequestElements`, `ResponseElements`) are copied by
 * the stack when handed over; objects the stack hands out are owned by the app, which disposes them.
 */
import type { ConnectionState, DialogState, RefreshState, TransactionState } from './states.js';

/** One header field as the app sees it: a name and its raw value. */
export interface HeaderField {
  /** Header field name as written. */
  readonly name: string;
  /** The raw value. */
  readonly value: string;
}

/** Something the app owns and must dispose (Symbian: `delete`). `dispose()` is idempotent. */
export interface Owned {
  /** True once disposed; any other use then throws `SipError(ObjectDisposed)`. */
  readonly isDisposed: boolean;
  /** Releases the object and everything it holds (timers, listeners, table entries). */
  dispose(): void;
  /** Same as `dispose()`, so `using x = ...` works. */
  [Symbol.dispose](): void;
}

/** CSIPMessageElements: the headers the app may set, and the body. */
export interface MessageElementsView {
  /** Headers other than the ones the stack owns (Via, Call-ID, CSeq, tags, Max-Forwards, Content-Length). */
  readonly userHeaders: readonly HeaderField[];
  /** The body, if any. */
  readonly content: Buffer | undefined;
  /** The body's Content-Type (e.g. "application/sdp", or multipart with its boundary). */
  readonly contentType: string | undefined;
  /** First value of a header (case-insensitive, compact forms understood). */
  header(name: string): string | undefined;
  /** Every value of a header, list headers split on their commas. */
  headerValues(name: string): string[];
}

/** CSIPRequestElements. */
export interface RequestElementsView {
  /** The request method. */
  readonly method: string;
  /** The Request-URI (CSIPRequestElements::RemoteUri). */
  readonly remoteUri: string;
  /** From as a name-addr, without tag for requests the app builds. */
  readonly fromHeader: string | undefined;
  /** To as a name-addr. */
  readonly toHeader: string | undefined;
  /** Headers and body. */
  readonly messageElements: MessageElementsView;
}

/** CSIPResponseElements. */
export interface ResponseElementsView {
  /** 100..699. */
  readonly statusCode: number;
  /** The reason phrase. */
  readonly reasonPhrase: string;
  /** Filled in on received responses. */
  readonly fromHeader: string | undefined;
  /** To as received (with tag). */
  readonly toHeader: string | undefined;
  /** Call-ID as received. */
  readonly callId: string | undefined;
  /** CSeq as received. */
  readonly cseq: { seq: number; method: string } | undefined;
  /** Headers and body. */
  readonly messageElements: MessageElementsView;
}

/** MSIPRegistrationContext: a registration or dialog a request can be tied to. */
export interface RegistrationContext {
  /** True while the registration is active / the dialog is not terminated. */
  isContextActive(): boolean;
  /** Unique id of the context within its stack. */
  readonly contextId: number;
}

/** CSIPTransactionBase. */
export interface Transaction extends Owned {
  /** The request method (CSIPTransactionBase::Type). */
  readonly type: string;
  /** The RFC 3261 §17 state (CSIPTransactionBase::StateL). */
  readonly state: TransactionState;
  /** True for a client transaction. */
  readonly isClientTransaction: boolean;
}

/** CSIPClientTransaction. */
export interface ClientTransaction extends Transaction {
  /** The request as sent (copied from the app's elements, stack fields filled in). */
  readonly requestElements: RequestElementsView;
  /** The latest response, if any. */
  readonly responseElements: ResponseElementsView | undefined;
  /** True for an INVITE that has had no final response yet. */
  readonly cancelAllowed: boolean;
  /** Sends CANCEL (RFC 3261 §9.1); returns the CANCEL's own client transaction. */
  cancel(): ClientTransaction;
  /** The refresh this request belongs to, if any. */
  readonly refresh: Refresh | undefined;
}

/** CSIPServerTransaction. */
export interface ServerTransaction extends Transaction {
  /** The request that arrived. */
  readonly requestElements: RequestElementsView;
  /**
   * Where the request came from (the packet's source, not what its Via says): for access control
   * such as an allow-list of peers. A tsip addition; Symbian does not show it. Undefined for none.
   */
  readonly remote: RemoteAddress | undefined;
  /** True while a response may still be sent. */
  readonly responseAllowed: boolean;
  /** Sends a response; the stack adds Via, From, To (with tag), Call-ID, CSeq. */
  sendResponse(elements: ResponseElementsView): void;
}

/** The transport address a request came from. */
export interface RemoteAddress {
  /** udp, tcp or tls. */
  readonly protocol: string;
  /** IPv4 or IPv6 address, as the socket reports it. */
  readonly address: string;
  readonly port: number;
}

/** CSIPRefresh. */
export interface Refresh extends Owned {
  /** Constructing, Inactive, Active or Terminated. */
  readonly state: RefreshState;
  /** True for a stand-alone refresh (not a registration's, not a dialog's). */
  readonly isStandAlone: boolean;
  /** The transaction of the latest refresh, if it is still owned by the app. */
  readonly transaction: ClientTransaction | undefined;
  /** Refresh interval in seconds. */
  readonly interval: number;
  /** Sets the interval asked for in the next refresh (CSIPRefresh::SetIntervalL). */
  setInterval(seconds: number): void;
  /** Re-sends a stand-alone refreshed request with new headers/body (CSIPRefresh::UpdateL). */
  update(elements?: MessageElementsView): ClientTransaction;
  /** Ends a stand-alone refresh with `Expires: 0` (CSIPRefresh::TerminateL). */
  terminate(elements?: MessageElementsView): ClientTransaction;
}

/** Where a {@link RegistrationBinding} is (Symbian keeps it internal; tsip shows it). */
export const RegistrationState = {
  /** Not registered: new, deregistered, or the last REGISTER failed. */
  Unregistered: 'Unregistered',
  /** A REGISTER is on its way. */
  Registering: 'Registering',
  /** The registrar answered 2xx; refreshed if the binding has a refresh. */
  Registered: 'Registered',
  /** A REGISTER with a new contact or expiry is on its way. */
  Updating: 'Updating',
  /** The REGISTER with expiry 0 is on its way. */
  Deregistering: 'Deregistering',
} as const;
/** One of the {@link RegistrationState} values. */
export type RegistrationState = (typeof RegistrationState)[keyof typeof RegistrationState];

/** CSIPRegistrationBinding. */
export interface RegistrationBinding extends Owned, RegistrationContext {
  /** Where the binding is. */
  readonly state: RegistrationState;
  /** RFC 3327 Path values of the last 2xx. */
  readonly path: readonly string[];
  /** RFC 3608 Service-Route values of the last 2xx. */
  readonly serviceRoute: readonly string[];
  /** Seconds the registrar granted in the last 2xx. */
  readonly expires: number | undefined;
  /** The address-of-record (To). */
  readonly aor: string;
  /** The Contact the app asked to register. */
  readonly contactHeader: string;
  /** The Contact as the registrar's last 2xx returned it. */
  readonly registeredContact: string | undefined;
  /** The outbound proxy every REGISTER goes through, if any. */
  readonly outboundProxy: string | undefined;
  /** The refresh keeping the registration alive, if any. */
  readonly refresh: Refresh | undefined;
  /** REGISTER (CSIPRegistrationBinding::RegisterL). */
  register(elements?: MessageElementsView): ClientTransaction;
  /** New expiry and/or contact (CSIPRegistrationBinding::UpdateL). */
  update(change: { expires?: number; contact?: string }, elements?: MessageElementsView): ClientTransaction;
  /** Expiry 0; refreshing stops (CSIPRegistrationBinding::DeregisterL). */
  deregister(elements?: MessageElementsView): ClientTransaction;
  /** Sets or removes the outbound proxy (CSIPRegistrationBinding::SetOutboundProxyL). */
  setOutboundProxy(uri: string | undefined): void;
}

/** CSIPDialog: created by the stack only. */
export interface Dialog extends RegistrationContext {
  /** Init, Early, Confirmed or Terminated. */
  readonly state: DialogState;
  /** Every association sharing this dialog. */
  readonly dialogAssocs: readonly DialogAssoc[];
  /** The dialog's Call-ID. */
  readonly callId: string;
  /** Our address with our tag. */
  readonly fromHeader: string;
  /** The peer's address with its tag once known. */
  readonly toHeader: string;
  /** The remote target (the peer's Contact). */
  readonly remoteUri: string;
  /** The connection the dialog belongs to (CSIPDialog::Connection). */
  readonly connection: SipConnection;
  /** True if `assoc` shares this dialog. */
  isAssociated(assoc: DialogAssoc): boolean;
}

/** CSIPDialogAssocBase. */
export interface DialogAssoc extends Owned {
  /** The dialog this association uses. */
  readonly dialog: Dialog;
  /** INVITE, SUBSCRIBE, REFER or NOTIFY. */
  readonly type: string;
  /** Sends a request that does not change the remote target (e.g. INFO, MESSAGE) in the dialog. */
  sendNonTargetRefreshRequest(method: string, elements?: MessageElementsView): ClientTransaction;
  /**
   * True if a request of `method` does not refresh the remote target (RFC 3261 §12.2: all but
   * INVITE, UPDATE, SUBSCRIBE, NOTIFY) (CSIPDialogAssocBase::IsNonTargetRefreshRequest).
   */
  isNonTargetRefreshRequest(method: string): boolean;
}

/** CSIPInviteDialogAssoc. */
export interface InviteDialogAssoc extends DialogAssoc {
  readonly type: 'INVITE';
  /** The RFC 4028 session timer's refresh, if one was negotiated. */
  readonly refresh: Refresh | undefined;
  /** INVITE: dialog-creating while the dialog is Init, else a re-INVITE. */
  sendInvite(elements?: MessageElementsView): ClientTransaction;
  /** ACK for the 2xx `tx` got. */
  sendAck(tx: ClientTransaction, elements?: MessageElementsView): void;
  /** PRACK for the last reliable provisional response (RFC 3262). */
  sendPrack(elements?: MessageElementsView): ClientTransaction;
  /** UPDATE (RFC 3311). */
  sendUpdate(elements?: MessageElementsView): ClientTransaction;
  /** BYE; the dialog is Terminated at once. */
  sendBye(elements?: MessageElementsView): ClientTransaction;
}

/** CSIPSubscribeDialogAssoc. */
export interface SubscribeDialogAssoc extends DialogAssoc {
  readonly type: 'SUBSCRIBE';
  /** The Event header value. */
  readonly event: string;
  /** The refresh keeping the subscription alive, if any. */
  readonly refresh: Refresh | undefined;
  /** SUBSCRIBE, refreshed automatically with `refresh`. */
  sendSubscribe(elements?: MessageElementsView, refresh?: Refresh): ClientTransaction;
  /** Re-SUBSCRIBE now with new headers/body. */
  update(elements?: MessageElementsView): ClientTransaction;
  /** SUBSCRIBE with `Expires: 0`. */
  sendUnsubscribe(elements?: MessageElementsView): ClientTransaction;
}

/** CSIPReferDialogAssoc. */
export interface ReferDialogAssoc extends DialogAssoc {
  readonly type: 'REFER';
  /** The Refer-To value. */
  readonly referTo: string;
  /** REFER with Refer-To. */
  sendRefer(elements?: MessageElementsView): ClientTransaction;
}

/** CSIPNotifyDialogAssoc. */
export interface NotifyDialogAssoc extends DialogAssoc {
  readonly type: 'NOTIFY';
  /** The Event header value. */
  readonly event: string;
  /** The Subscription-State header value the next NOTIFY carries. */
  readonly subscriptionState: string;
  /** Sets the Subscription-State of the next NOTIFY. */
  setSubscriptionState(value: string): void;
  /** NOTIFY with Event and Subscription-State. */
  sendNotify(elements?: MessageElementsView): ClientTransaction;
}

/** CSIPConnection. */
export interface SipConnection extends Owned {
  /** The IAP (named local binding) it uses (CSIPConnection::IapId). */
  readonly iapId: string;
  /** Init, Active, Suspended, Inactive or Unavailable (CSIPConnection::State). */
  readonly state: ConnectionState;
  /** A stand-alone request (CSIPConnection::SendRequestL). */
  sendRequest(elements: RequestElementsView, options?: { context?: RegistrationContext; refresh?: Refresh }): ClientTransaction;
  /** A REGISTER without Contact (CSIPConnection::FetchRegistrationsL). */
  fetchRegistrations(elements: RequestElementsView): ClientTransaction;
}
