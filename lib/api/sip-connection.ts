/**
 * CSIPConnection: a client's use of one IAP (a named local binding of the stack). It sends
 * stand-alone requests (MESSAGE, OPTIONS, INFO, any method that creates no dialog), fetches
 * registrations, and reports everything on it to its `SipConnectionObserver`.
 *
 * States (`ConnectionState`): Init until the stack runs, then Active; Suspended while the stack
 * holds the IAP suspended; Inactive after the stack shut down or the connection was disposed;
 * Unavailable if the stack could not start. On Inactive/Unavailable every refresh, registration
 * and pending client transaction of the connection is dropped silently (Symbian §5.3 (15)).
 * @module
 */
import type { RegistrationContext, RequestElementsView, Refresh as RefreshView, SipConnection as SipConnectionView } from '../../include-types/api.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { SipConnectionObserver } from '../../include-types/observers.js';
import { ConnectionState } from '../../include-types/states.js';
import { NameAddr, type SipRequest, SipUri } from '../message/index.js';
import type { StackEvent } from '../stack/index.js';
import { checkUserHeaders } from './elements/header-rules.js';
import { headerNames } from './elements/message-elements.js';
import type { ConnectionContext, DroppableWork } from './internal/contexts.js';
import { OwnedObject } from './internal/owned-object.js';
import { hasRegistrationInfo } from './internal/registration-info.js';
import { buildOutOfDialogRequest, nameAddr } from './internal/request-factory.js';
import { Refresh } from './refresh.js';
import type { SipClient } from './sip-client.js';
import { ClientTransaction, type ClientTxOwner } from './transactions/client-transaction.js';

/** Methods `sendRequest` refuses: they create dialogs, live in dialogs, or have their own objects. */
const NOT_STANDALONE = new Set(['INVITE', 'ACK', 'CANCEL', 'BYE', 'PRACK', 'UPDATE', 'SUBSCRIBE', 'REFER', 'REGISTER']);

/** Options of {@link SipConnection.sendRequest}. */
export interface SendRequestOptions {
  /** A registration to tie the request to: its AOR is the default From, its Service-Route is preloaded. */
  context?: RegistrationContext;
  /**
   * Refresh the request before it expires (CSIPConnection::SendRequestL with CSIPRefresh): a new
   * `Refresh` (state Constructing) of the same client. Failures of later refreshes arrive in
   * `errorOccurredInRefresh`.
   */
  refresh?: RefreshView;
}

/** CSIPConnection: one per IAP per client. */
export class SipConnection extends OwnedObject implements SipConnectionView {
  readonly kind = 'SipConnection';
  /** The IAP (local binding) id. */
  readonly iapId: string;
  /** The client this connection belongs to. */
  readonly client: SipClient;
  private readonly observer: SipConnectionObserver;
  private readonly ctx: ConnectionContext;
  private current: ConnectionState = ConnectionState.Init;
  private failure: Error | undefined;
  private readonly work = new Set<DroppableWork>();
  private readonly stopListening: () => void;

  /**
   * Opens the connection (state Init; `connectionStateChanged(Active)` follows once the stack runs).
   * @throws SipError(UnknownIap) if the stack has no such IAP; SipError(ConnectionExists) if the
   *   client already has a connection on it; SipError(ObjectDisposed) if the client is disposed.
   */
  constructor(client: SipClient, iapId: string, observer: SipConnectionObserver) {
    const core = client.context;
    core.assertAlive();
    super(core.live);
    if (!core.stack.hasIap(iapId)) throw new SipError(SipErrorCode.UnknownIap, `the stack has no IAP ${iapId}`);
    this.iapId = iapId;
    this.client = client;
    this.observer = observer;
    const self = this;
    this.ctx = {
      iapId,
      client: core,
      observer,
      get state() {
        return self.current;
      },
      connection: this,
      assertCanSend: () => self.assertCanSend(),
      localContact: (user) => self.localContact(user),
      defaultFrom: () => new NameAddr({ uri: self.localUri('tsip') }),
      localUri: () => self.localUri(),
      track: (w) => {
        self.work.add(w);
        return () => self.work.delete(w);
      },
    };
    core.attachConnection(this.ctx);
    this.stopListening = core.stack.onEvent((e) => this.stackEvent(e));
    this.track();
    core.stackReady().then(
      () => {
        if (this.isDisposed || this.current !== ConnectionState.Init) return;
        this.setState(core.stack.isIapSuspended(iapId) ? ConnectionState.Suspended : ConnectionState.Active);
      },
      (e: unknown) => {
        core.logger.warn('stack did not start: connection unavailable', { iapId, error: String(e) });
        this.failure = e instanceof Error ? e : new Error(String(e));
        if (!this.isDisposed) this.setState(ConnectionState.Unavailable);
      },
    );
  }

  /** @internal What the API objects of this connection share. */
  get context(): ConnectionContext {
    return this.ctx;
  }

  /** The connection's state (CSIPConnection::State). */
  get state(): ConnectionState {
    return this.current;
  }

  /**
   * Why the connection went {@link ConnectionState.Unavailable} because the shared stack could
   * not start, e.g. a listen address already in use (`bind udp 127.0.0.1:5060: EADDRINUSE`);
   * undefined otherwise. Not in Symbian's CSIPConnection, whose observer only
   * sees the state: an app that cannot start wants to say why.
   */
  get startFailure(): Error | undefined {
    return this.failure;
  }

  /**
   * Sends a stand-alone request (CSIPConnection::SendRequestL): MESSAGE, OPTIONS, INFO, NOTIFY,
   * PUBLISH or any extension method. Responses arrive in `incomingResponse(tx)`, failures in
   * `errorOccurred(error, tx)`.
   * @throws SipError(MethodNotAllowed) for INVITE, ACK, CANCEL, BYE, PRACK, UPDATE, SUBSCRIBE,
   *   REFER and REGISTER (they have their own objects); SipError(MalformedMessage) for headers the
   *   stack owns; SipError(ConnectionNotActive); SipError(InvalidRegistrationState) if `context`
   *   is not active.
   */
  sendRequest(elements: RequestElementsView, options: SendRequestOptions = {}): ClientTransaction {
    this.assertCanSend();
    if (NOT_STANDALONE.has(elements.method)) throw new SipError(SipErrorCode.MethodNotAllowed, `${elements.method} cannot be sent with sendRequest`);
    checkUserHeaders(headerNames(elements.messageElements), 'standalone');
    const req = this.buildStandalone(elements, options.context);
    if (options.refresh !== undefined) {
      const refresh = Refresh.from(options.refresh);
      if (refresh.owningClient !== this.ctx.client) throw new SipError(SipErrorCode.InvalidArgument, 'the refresh belongs to another client');
      return refresh.startStandalone(this.ctx, req);
    }
    const owner: ClientTxOwner = {
      onResponse: (tx) => tx.post(() => this.observer.incomingResponse(tx)),
      onError: (tx, err) => tx.post(() => this.observer.errorOccurred(err, tx)),
    };
    return new ClientTransaction(this.ctx, owner, req).start();
  }

  /**
   * Asks a registrar for the bindings of an AOR (CSIPConnection::FetchRegistrationsL): a REGISTER
   * without Contact (RFC 3261 §10.2.3) to `elements.remoteUri` with To = `elements.to`.
   * The response (with the Contacts) arrives in `incomingResponse(tx)`.
   * @throws SipError(InvalidArgument) without a To; as {@link sendRequest} otherwise.
   */
  fetchRegistrations(elements: RequestElementsView): ClientTransaction {
    this.assertCanSend();
    if (elements.toHeader === undefined) throw new SipError(SipErrorCode.InvalidArgument, 'fetching registrations needs the AOR as To');
    checkUserHeaders(headerNames(elements.messageElements), 'register');
    const to = nameAddr(elements.toHeader);
    const req = buildOutOfDialogRequest({
      method: 'REGISTER',
      remoteUri: elements.remoteUri,
      from: elements.fromHeader !== undefined ? nameAddr(elements.fromHeader) : to,
      to,
      elements: elements.messageElements,
      userAgent: this.ctx.client.stack.userAgent,
    });
    const owner: ClientTxOwner = {
      onResponse: (tx) => tx.post(() => this.observer.incomingResponse(tx)),
      onError: (tx, err) => tx.post(() => this.observer.errorOccurred(err, tx)),
    };
    return new ClientTransaction(this.ctx, owner, req).start();
  }

  /** The local address the IAP listens on, as `host:port` (CSIPConnection::GetLocalAddrL). */
  localAddress(): { address: string; port: number; protocol: string } | undefined {
    this.assertAlive();
    const b = this.safeBound()[0];
    return b === undefined ? undefined : { address: b.address, port: b.port, protocol: b.protocol };
  }

  /** @internal Builds a stand-alone request (also used by refreshes). */
  buildStandalone(elements: RequestElementsView, context: RegistrationContext | undefined, method = elements.method): SipRequest {
    let from = elements.fromHeader !== undefined ? nameAddr(elements.fromHeader) : undefined;
    let route: readonly string[] = [];
    if (context !== undefined) {
      if (!context.isContextActive()) throw new SipError(SipErrorCode.InvalidRegistrationState, 'the registration context is not active');
      if (hasRegistrationInfo(context)) {
        from ??= nameAddr(context.aor);
        route = context.serviceRoute; // RFC 3608 §6: preload the Service-Route
      }
    }
    return buildOutOfDialogRequest({
      method,
      remoteUri: elements.remoteUri,
      from: from ?? this.ctx.defaultFrom(),
      to: elements.toHeader !== undefined ? nameAddr(elements.toHeader) : new NameAddr({ uri: SipUri.parse(elements.remoteUri) }),
      route,
      elements: elements.messageElements,
      userAgent: this.ctx.client.stack.userAgent,
    });
  }

  protected onDispose(): void {
    this.stopListening();
    this.dropWork();
    this.ctx.client.detachConnection(this.ctx);
    this.current = ConnectionState.Inactive;
  }

  private assertCanSend(): void {
    this.assertAlive();
    if (this.current !== ConnectionState.Active) throw new SipError(SipErrorCode.ConnectionNotActive, `connection is ${this.current}`);
  }

  private stackEvent(e: StackEvent): void {
    if (this.isDisposed) return;
    if (e.kind === 'stopped') this.setState(ConnectionState.Inactive);
    else if (e.kind === 'started' && this.current === ConnectionState.Init) this.setState(ConnectionState.Active);
    else if (e.kind === 'iapSuspended' && e.iapId === this.iapId && this.current === ConnectionState.Active) this.setState(ConnectionState.Suspended);
    else if (e.kind === 'iapResumed' && e.iapId === this.iapId && this.current === ConnectionState.Suspended) this.setState(ConnectionState.Active);
  }

  private setState(s: ConnectionState): void {
    if (s === this.current) return;
    this.current = s;
    // Symbian §5.3 (15): on Inactive/Unavailable everything pending is dropped without per-item errors
    if (s === ConnectionState.Inactive || s === ConnectionState.Unavailable) this.dropWork();
    this.ctx.client.events.post(() => {
      if (!this.isDisposed) this.observer.connectionStateChanged(s);
    });
  }

  private dropWork(): void {
    for (const w of [...this.work]) w.dropSilently();
    this.work.clear();
  }

  private safeBound() {
    try {
      return this.ctx.client.stack.boundAddresses(this.iapId);
    } catch {
      return [];
    }
  }

  private localUri(user?: string): SipUri {
    const bound = this.safeBound();
    const b = bound.find((x) => x.protocol === 'udp') ?? bound[0];
    if (b === undefined) return new SipUri({ user, host: '127.0.0.1' });
    const host = b.family === 6 ? `[${b.address}]` : b.address;
    const params: Record<string, string | null> = b.protocol === 'udp' ? {} : { transport: b.protocol };
    return new SipUri({ scheme: b.protocol === 'tls' ? 'sips' : 'sip', user, host, port: b.port, params });
  }

  private localContact(user?: string): NameAddr {
    return new NameAddr({ uri: this.localUri(user ?? 'tsip') });
  }
}


