/**
 * CSIPRegistrationBinding: one contact registered for an address-of-record (RFC 3261 §10):
 * register, update (contact or expiry), deregister, and, given a `Refresh`, re-REGISTER before
 * the binding expires with the same Call-ID and the next CSeq (§10.2.4), carrying fresh digest
 * credentials for the realms that challenged before. Keeps what the registrar answered: the
 * registered contact and expiry, RFC 3327 Path and RFC 3608 Service-Route (preloaded into
 * requests tied to this binding as their registration context).
 *
 * Responses arrive in `incomingResponseForRegistration(tx, binding)`, failures in
 * `errorOccurredInRegistration(error, tx, binding)`, failed refreshes in
 * `errorOccurredInRegistrationRefresh(error, binding)`.
 * @module
 */
import type { MessageElementsView, Refresh as RefreshView, RegistrationBinding as RegistrationBindingView } from '../../include-types/api.js';
import { RegistrationState } from '../../include-types/api.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { type NameAddr, type SipRequest, type SipResponse, SipUri, newTag, uriEquals } from '../message/index.js';
import { checkUserHeaders } from './elements/header-rules.js';
import { headerNames } from './elements/message-elements.js';
import type { ConnectionContext } from './internal/contexts.js';
import { grantedExpires } from './internal/expiry.js';
import { OwnedObject } from './internal/owned-object.js';
import type { RegistrationInfo } from './internal/registration-info.js';
import { buildOutOfDialogRequest, firstCSeq, nameAddr, newCallId } from './internal/request-factory.js';
import { Refresh } from './refresh.js';
import type { SipConnection } from './sip-connection.js';
import { ClientTransaction, type ClientTxOwner } from './transactions/client-transaction.js';

/** Options of a {@link RegistrationBinding} (CSIPRegistrationBinding::NewL). */
export interface RegistrationBindingOptions {
  /** The address-of-record (To and From), e.g. "<sip:alice@example.com>". */
  aor: string;
  /** The contact to register (default: the IAP's address with the AOR's user part). */
  contact?: string;
  /** Expiry to ask for, seconds (default 3600). */
  expires?: number;
  /** Refresh the registration automatically (a new `Refresh` of the same client). */
  refresh?: RefreshView;
  /** Send every REGISTER through this proxy (a preloaded loose Route). */
  outboundProxy?: string;
  /** The registrar's URI, the Request-URI (default: the AOR's domain). */
  registrar?: string;
  /** From, if not the AOR (third-party registration). */
  from?: string;
}

/** Smallest expiry asked for (Symbian KSIPMinExpirationValue; RFC 3261 §10.2.8 Min-Expires ≥ 60 typical). */
export const MIN_EXPIRES = 60;

/** CSIPRegistrationBinding. */
// NOTE: no `implements RefreshDriver` (refreshNow is marked internal, see stripInternal); attachDriver(.., this) checks it.
export class RegistrationBinding extends OwnedObject implements RegistrationBindingView, RegistrationInfo {
  readonly kind = 'RegistrationBinding';
  readonly contextId: number;
  /** The connection it registers through. */
  readonly connection: SipConnection;
  private readonly ctx: ConnectionContext;
  private readonly aorAddr: NameAddr;
  private readonly fromAddr: NameAddr;
  private contactAddr: NameAddr;
  private askedExpires: number;
  private readonly registrarUri: string;
  private proxy: string | undefined;
  private readonly callId = newCallId();
  private cseq = firstCSeq() - 1;
  private current: RegistrationState = RegistrationState.Unregistered;
  private pendingContact: NameAddr | undefined;
  private registered: string | undefined;
  private grantedSeconds: number | undefined;
  private pathValues: string[] = [];
  private serviceRouteValues: string[] = [];
  private readonly linkedRefresh: Refresh | undefined;
  private realms: Array<{ origin: 'www' | 'proxy'; realm: string }> = [];
  private refreshTx: ClientTransaction | undefined;

  /**
   * @throws SipError(InvalidArgument) for bad addresses or an expiry below {@link MIN_EXPIRES};
   *   SipError(InvalidState) if the refresh is in use already.
   */
  constructor(connection: SipConnection, options: RegistrationBindingOptions) {
    const ctx = connection.context;
    ctx.client.assertAlive();
    super(ctx.client.live);
    this.ctx = ctx;
    this.connection = connection;
    try {
      this.aorAddr = nameAddr(options.aor);
      this.aorAddr.tag = undefined;
      this.fromAddr = options.from !== undefined ? nameAddr(options.from) : this.aorAddr.clone();
      this.fromAddr.tag = newTag();
      const user = this.aorAddr.uri instanceof SipUri ? this.aorAddr.uri.user : undefined;
      this.contactAddr = options.contact !== undefined ? nameAddr(options.contact) : ctx.localContact(user);
      const aorUri = this.aorAddr.uri;
      this.registrarUri = options.registrar ?? (aorUri instanceof SipUri ? new SipUri({ scheme: aorUri.scheme, host: aorUri.host, port: aorUri.port }).toString() : aorUri.toString());
      SipUri.parse(this.registrarUri);
      if (options.outboundProxy !== undefined) SipUri.parse(options.outboundProxy);
    } catch (e) {
      throw new SipError(SipErrorCode.InvalidArgument, `bad address: ${String(e)}`, { cause: e });
    }
    this.askedExpires = options.expires ?? 3600;
    if (!Number.isInteger(this.askedExpires) || this.askedExpires < MIN_EXPIRES) throw new SipError(SipErrorCode.InvalidArgument, `expires must be an integer ≥ ${MIN_EXPIRES}`);
    this.proxy = options.outboundProxy;
    this.contextId = ctx.client.nextContextId();
    this.linkedRefresh = options.refresh === undefined ? undefined : Refresh.from(options.refresh);
    this.linkedRefresh?.attachDriver(ctx, this);
    this.track();
  }

  /** Where the binding is. */
  get state(): RegistrationState {
    return this.current;
  }

  /** The address-of-record (To). */
  get aor(): string {
    return this.aorAddr.toString();
  }

  /** The Contact asked for. */
  get contactHeader(): string {
    return this.contactAddr.toString();
  }

  /** Our Contact as the registrar's last 2xx listed it. */
  get registeredContact(): string | undefined {
    return this.registered;
  }

  /** Seconds granted by the last 2xx. */
  get expires(): number | undefined {
    return this.grantedSeconds;
  }

  /** The outbound proxy, if any (CSIPRegistrationBinding::OutboundProxy). */
  get outboundProxy(): string | undefined {
    return this.proxy;
  }

  /** The refresh keeping the registration alive, if any. */
  get refresh(): Refresh | undefined {
    return this.linkedRefresh;
  }

  get path(): readonly string[] {
    return this.pathValues;
  }

  get serviceRoute(): readonly string[] {
    return this.serviceRouteValues;
  }

  /** True while registered (MSIPRegistrationContext::IsContextActive). */
  isContextActive(): boolean {
    return !this.isDisposed && (this.current === RegistrationState.Registered || this.current === RegistrationState.Updating);
  }

  /**
   * Sets (or with undefined removes) the outbound proxy for the next REGISTERs.
   * @throws SipError(InvalidArgument) for a bad URI.
   */
  setOutboundProxy(uri: string | undefined): void {
    this.assertAlive();
    if (uri !== undefined) {
      try {
        SipUri.parse(uri);
      } catch (e) {
        throw new SipError(SipErrorCode.InvalidArgument, `bad proxy URI: ${String(e)}`);
      }
    }
    this.proxy = uri;
  }

  /**
   * Registers (CSIPRegistrationBinding::RegisterL).
   * @throws SipError(InvalidRegistrationState) unless Unregistered; SipError(MalformedMessage) if
   *   `elements` hold Contact or Expires; SipError(ConnectionNotActive).
   */
  register(elements?: MessageElementsView): ClientTransaction {
    this.assertReady(elements);
    if (this.current !== RegistrationState.Unregistered) throw new SipError(SipErrorCode.InvalidRegistrationState, `cannot register while ${this.current}`);
    return this.sendRegister(RegistrationState.Registering, this.askedExpires, this.contactAddr, elements);
  }

  /**
   * Changes the expiry and/or the contact (CSIPRegistrationBinding::UpdateL). A new contact
   * replaces the old one: the old binding is removed in the same REGISTER (RFC 3261 §10.2.1).
   * @throws SipError(InvalidRegistrationState) unless Registered; SipError(InvalidArgument).
   */
  update(change: { expires?: number; contact?: string }, elements?: MessageElementsView): ClientTransaction {
    this.assertReady(elements);
    if (this.current !== RegistrationState.Registered) throw new SipError(SipErrorCode.InvalidRegistrationState, `cannot update while ${this.current}`);
    const expires = change.expires ?? this.askedExpires;
    if (!Number.isInteger(expires) || expires < MIN_EXPIRES) throw new SipError(SipErrorCode.InvalidArgument, `expires must be an integer ≥ ${MIN_EXPIRES}`);
    let contact = this.contactAddr;
    if (change.contact !== undefined) {
      try {
        contact = nameAddr(change.contact);
      } catch (e) {
        throw new SipError(SipErrorCode.InvalidArgument, `bad contact: ${String(e)}`);
      }
    }
    this.askedExpires = expires;
    const old = this.contactAddr;
    this.pendingContact = contact;
    const tx = this.sendRegister(RegistrationState.Updating, expires, contact, elements, sameUri(old, contact) ? undefined : old);
    return tx;
  }

  /**
   * Removes the binding (expiry 0) and stops refreshing (CSIPRegistrationBinding::DeregisterL).
   * @throws SipError(InvalidRegistrationState) unless Registered.
   */
  deregister(elements?: MessageElementsView): ClientTransaction {
    this.assertReady(elements);
    if (this.current !== RegistrationState.Registered) throw new SipError(SipErrorCode.InvalidRegistrationState, `cannot deregister while ${this.current}`);
    this.linkedRefresh?.end();
    return this.sendRegister(RegistrationState.Deregistering, 0, this.contactAddr, elements);
  }

  /** @internal The refresh timer fired: re-REGISTER (RFC 3261 §10.2.4). */
  refreshNow(): void {
    if (this.isDisposed || this.current !== RegistrationState.Registered) return;
    if (this.ctx.state !== 'Active') return this.refreshFailed(new SipError(SipErrorCode.CouldNotConnect, `connection is ${this.ctx.state}`));
    const request = this.build(this.askedExpires, this.contactAddr, undefined);
    const owner: ClientTxOwner = {
      onResponse: (tx, res) => {
        if (res.status < 200) return;
        this.remember(tx);
        if (res.status < 300) this.accepted(tx.request, res, this.contactAddr);
        else this.refreshFailed(new SipError(SipErrorCode.RefreshFailed, `re-REGISTER answered ${res.status}`, { statusCode: res.status }));
        tx.forceDispose();
      },
      onError: (tx, err) => {
        tx.forceDispose();
        this.refreshFailed(err);
      },
      rebuild: (_tx, previous) => this.nextCSeq(previous),
    };
    this.refreshTx?.forceDispose();
    const tx = new ClientTransaction(this.ctx, owner, request, { refresh: this.linkedRefresh });
    this.refreshTx = tx;
    try {
      tx.start();
    } catch (e) {
      this.refreshFailed(e instanceof SipError ? e : new SipError(SipErrorCode.RefreshFailed, String(e)));
    }
  }

  /** @internal The connection went down: forget the registration silently. */
  dropSilently(): void {
    this.linkedRefresh?.end();
    this.current = RegistrationState.Unregistered;
  }

  protected onDispose(): void {
    this.linkedRefresh?.end();
    this.refreshTx?.forceDispose();
    this.untrack?.();
  }

  private untrack: (() => void) | undefined;

  private assertReady(elements: MessageElementsView | undefined): void {
    this.assertAlive();
    this.ctx.assertCanSend();
    checkUserHeaders(headerNames(elements), 'register');
    this.untrack ??= this.ctx.track(this);
  }

  private build(expires: number, contact: NameAddr, elements: MessageElementsView | undefined, removed?: NameAddr): SipRequest {
    this.cseq++;
    const route: string[] = [];
    if (this.proxy !== undefined) {
      const p = SipUri.parse(this.proxy);
      if (!p.params.has('lr')) p.params.set('lr', null);
      route.push(`<${p.toString()}>`);
    }
    const req = buildOutOfDialogRequest({
      method: 'REGISTER',
      remoteUri: this.registrarUri,
      from: this.fromAddr,
      to: this.aorAddr,
      callId: this.callId, // RFC 3261 §10.2: one Call-ID for every REGISTER of the binding
      cseq: this.cseq,
      route,
      elements,
      userAgent: this.ctx.client.stack.userAgent,
    });
    const c = contact.clone();
    c.params.set('expires', String(expires));
    req.headers.append('Contact', c.toString());
    if (removed !== undefined) {
      const r = removed.clone();
      r.params.set('expires', '0');
      req.headers.append('Contact', r.toString());
    }
    req.headers.set('Expires', String(expires));
    if (!req.headers.has('Supported')) req.headers.set('Supported', 'path');
    // RFC 7616 §3.4: reuse the nonce of realms that challenged before, with the next nonce count
    for (const r of this.realms) {
      const v = this.ctx.client.digest.store.authorize(r.origin, r.realm, { method: 'REGISTER', uri: this.registrarUri });
      if (v !== undefined) req.headers.append(r.origin === 'proxy' ? 'Proxy-Authorization' : 'Authorization', v);
    }
    return req;
  }

  private sendRegister(state: RegistrationState, expires: number, contact: NameAddr, elements: MessageElementsView | undefined, removed?: NameAddr): ClientTransaction {
    const request = this.build(expires, contact, elements, removed);
    const before = this.current;
    const observer = this.ctx.observer;
    const owner: ClientTxOwner = {
      onResponse: (tx, res) => {
        if (res.status >= 200) {
          this.remember(tx);
          if (this.current === state) {
            if (res.status < 300) {
              if (state === RegistrationState.Deregistering) this.deregistered();
              else this.accepted(tx.request, res, contact);
            } else this.current = before;
          }
        }
        tx.post(() => observer.incomingResponseForRegistration(tx, this));
      },
      onError: (tx, err) => {
        if (this.current === state) this.current = state === RegistrationState.Registering ? RegistrationState.Unregistered : before;
        tx.post(() => observer.errorOccurredInRegistration(err, tx, this));
      },
      rebuild: (_tx, previous) => this.nextCSeq(previous),
    };
    const tx = new ClientTransaction(this.ctx, owner, request, { refresh: this.linkedRefresh });
    tx.start();
    this.current = state;
    return tx;
  }

  /** RFC 3261 §10.2: every REGISTER of the binding, retries included, takes the next CSeq. */
  private nextCSeq(previous: SipRequest): SipRequest {
    this.cseq++;
    const next = previous.clone();
    next.headers.delete('Via');
    next.cseq = { seq: this.cseq, method: 'REGISTER' };
    return next;
  }

  private accepted(req: SipRequest, res: SipResponse, contact: NameAddr): void {
    this.contactAddr = this.pendingContact ?? contact;
    this.pendingContact = undefined;
    this.current = RegistrationState.Registered;
    const granted = grantedExpires(res, req, this.contactAddr) ?? this.askedExpires;
    this.grantedSeconds = granted;
    this.registered = findContact(res, this.contactAddr) ?? this.contactAddr.toString();
    this.pathValues = res.headers.getAll('Path'); // RFC 3327 §5
    this.serviceRouteValues = res.headers.getAll('Service-Route'); // RFC 3608 §6
    this.linkedRefresh?.scheduleAfter(granted);
  }

  private deregistered(): void {
    this.current = RegistrationState.Unregistered;
    this.registered = undefined;
    this.grantedSeconds = undefined;
    this.serviceRouteValues = [];
    this.pathValues = [];
  }

  private remember(tx: ClientTransaction): void {
    for (const r of tx.challengedRealms) if (!this.realms.some((x) => x.realm === r.realm && x.origin === r.origin)) this.realms.push(r);
  }

  private refreshFailed(err: SipError): void {
    this.linkedRefresh?.end();
    this.current = RegistrationState.Unregistered;
    this.ctx.client.events.post(() => {
      if (!this.isDisposed) this.ctx.observer.errorOccurredInRegistrationRefresh(err, this);
    });
  }
}

function sameUri(a: NameAddr, b: NameAddr): boolean {
  return a.uri instanceof SipUri && b.uri instanceof SipUri ? uriEquals(a.uri, b.uri) : a.uri.toString() === b.uri.toString();
}

function findContact(res: SipResponse, mine: NameAddr): string | undefined {
  try {
    for (const c of res.contact) if (c !== '*' && sameUri(c, mine)) return c.toString();
  } catch {
    return undefined;
  }
  return undefined;
}
