/**
 * CSIPRefresh: the stack re-sends a request before it expires. A stand-alone refresh (built by
 * the app and given to `SipConnection.sendRequest`) can be updated and terminated here; the
 * refreshes of a `RegistrationBinding` or `SubscribeDialogAssoc` are driven by those objects and
 * only observed here. Stand-alone refresh failures arrive in `errorOccurredInRefresh(error, refresh)`.
 *
 * States (`RefreshState`): Constructing (not used yet) → Inactive (sent, no 2xx yet) → Active
 * (2xx; the next refresh is scheduled) → Terminated (ended by the app, a failure, or the
 * connection going down).
 * @module
 */
import type { MessageElementsView, Refresh as RefreshView } from '../../include-types/api.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { RefreshState } from '../../include-types/states.js';
import type { TimerHandle } from '../../include-types/settings.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ClientContext, ConnectionContext } from './internal/contexts.js';
import { grantedExpires, refreshDelayMs } from './internal/expiry.js';
import { OwnedObject } from './internal/owned-object.js';
import type { SipClient } from './sip-client.js';
import { ClientTransaction, type ClientTxOwner } from './transactions/client-transaction.js';
import { nextAttempt } from './transactions/digest-retry.js';

/** What drives a refresh that is not stand-alone (a registration binding, a subscription). */
export interface RefreshDriver {
  /** The timer fired: send the refresh now. */
  refreshNow(): void;
}

/** Default interval asked for when the app gave none (seconds). */
export const DEFAULT_REFRESH_INTERVAL = 3600;

/** A session timer's refresh is driven by its association: one shared no-op driver, not a closure per call. */
const SESSION_DRIVER: RefreshDriver = { refreshNow: () => undefined };

/** CSIPRefresh. */
export class Refresh extends OwnedObject implements RefreshView {
  readonly kind = 'Refresh';
  private current: RefreshState = RefreshState.Constructing;
  private driver: RefreshDriver | undefined;
  private conn: ConnectionContext | undefined;
  private timer: TimerHandle | undefined;
  private granted: number | undefined;
  private asked: number | undefined;
  private appTx: ClientTransaction | undefined;
  private internalTx: ClientTransaction | undefined;
  private lastRequest: SipRequest | undefined;
  private untrack: (() => void) | undefined;
  private readonly client: ClientContext;

  /** A refresh to hand to `sendRequest`, a `RegistrationBinding` or a `SubscribeDialogAssoc`. */
  constructor(client: SipClient);
  /** @internal Any holder of a client context (a session timer's refresh has only its connection's). */
  constructor(client: Pick<SipClient, 'context'>);
  constructor(client: Pick<SipClient, 'context'>) {
    const ctx = client.context;
    ctx.assertAlive();
    super(ctx.live);
    this.client = ctx;
    this.track();
  }

  /**
   * @internal The tsip Refresh behind an interface value.
   * @throws SipError(InvalidArgument) for anything else.
   */
  static from(view: RefreshView): Refresh {
    if (!(view instanceof Refresh)) throw new SipError(SipErrorCode.InvalidArgument, 'not a tsip Refresh');
    return view;
  }

  /** @internal The refresh showing a session timer's state (RFC 4028), owned by its association. */
  static forSession(conn: ConnectionContext): Refresh {
    const r = new Refresh({ context: conn.client });
    r.conn = conn;
    r.driver = SESSION_DRIVER;
    r.current = RefreshState.Inactive;
    return r;
  }

  /** @internal Shows a session timer: Active with `interval`, or Terminated. */
  showSession(interval: number | undefined): void {
    if (interval === undefined) {
      if (this.current === RefreshState.Active) this.current = RefreshState.Terminated;
      return;
    }
    this.granted = interval;
    this.current = RefreshState.Active;
  }

  /** Constructing, Inactive, Active or Terminated (CSIPRefresh::State). */
  get state(): RefreshState {
    return this.current;
  }

  /** True for a refresh of a request sent with `SipConnection.sendRequest`. */
  get isStandAlone(): boolean {
    return this.driver === undefined && this.conn !== undefined;
  }

  /** The app's latest transaction of this refresh (first request, update or terminate), while it is not disposed. */
  get transaction(): ClientTransaction | undefined {
    return this.appTx?.isDisposed === false ? this.appTx : undefined;
  }

  /** The interval in seconds: as granted by the last 2xx, else as asked for. */
  get interval(): number {
    return this.granted ?? this.asked ?? DEFAULT_REFRESH_INTERVAL;
  }

  /**
   * Sets the interval asked for in the next refresh (CSIPRefresh::SetIntervalL).
   * @throws SipError(InvalidArgument) for a non-positive or non-integer value.
   */
  setInterval(seconds: number): void {
    this.assertAlive();
    if (!Number.isInteger(seconds) || seconds <= 0) throw new SipError(SipErrorCode.InvalidArgument, 'interval must be a positive integer');
    this.asked = seconds;
  }

  /**
   * Re-sends a stand-alone refreshed request with new headers/body (CSIPRefresh::UpdateL).
   * The response arrives in `incomingResponse(tx)`.
   * @throws SipError(InvalidState) unless stand-alone and not Terminated; SipError(ConnectionNotActive).
   */
  update(elements?: MessageElementsView): ClientTransaction {
    this.assertStandalone();
    return this.sendStandalone(this.nextRequest(elements, undefined), true);
  }

  /**
   * Ends a stand-alone refresh: the request goes once more with `Expires: 0` (CSIPRefresh::TerminateL)
   * and the refresh is Terminated.
   * @throws as {@link update}.
   */
  terminate(elements?: MessageElementsView): ClientTransaction {
    this.assertStandalone();
    const tx = this.sendStandalone(this.nextRequest(elements, 0), true);
    this.end();
    return tx;
  }

  // ---- internal: stand-alone ----

  /** @internal The connection sends `request` as the first request of this stand-alone refresh. */
  startStandalone(conn: ConnectionContext, request: SipRequest): ClientTransaction {
    this.assertAlive();
    if (this.current !== RefreshState.Constructing) throw new SipError(SipErrorCode.InvalidState, 'a refresh is used for one request only');
    this.conn = conn;
    if (this.asked !== undefined && !request.headers.has('Expires')) request.headers.set('Expires', String(this.asked));
    this.untrack = conn.track(this);
    this.current = RefreshState.Inactive;
    try {
      return this.sendStandalone(request, true);
    } catch (e) {
      this.end();
      throw e;
    }
  }

  // ---- internal: driven ----

  /** @internal A binding or subscription takes this refresh. */
  attachDriver(conn: ConnectionContext, driver: RefreshDriver): void {
    this.assertAlive();
    if (this.current !== RefreshState.Constructing) throw new SipError(SipErrorCode.InvalidState, 'the refresh is already in use');
    this.conn = conn;
    this.driver = driver;
    this.current = RefreshState.Inactive;
  }

  /** @internal A 2xx granted `expires` seconds: Active, next refresh scheduled. */
  scheduleAfter(expires: number): void {
    if (this.isDisposed || this.current === RefreshState.Terminated) return;
    this.granted = expires;
    this.clearTimer();
    if (expires <= 0) return this.end();
    this.current = RefreshState.Active;
    this.timer = this.conn?.client.clock.setTimer(() => {
      this.timer = undefined;
      if (this.current !== RefreshState.Active) return;
      if (this.driver !== undefined) this.driver.refreshNow();
      else this.refreshStandalone();
    }, refreshDelayMs(expires));
  }

  /** @internal Sets the app's transaction (first request, update, terminate). */
  set appTransaction(tx: ClientTransaction | undefined) {
    this.appTx = tx;
  }

  /** @internal Ends the refresh (no callback). */
  end(): void {
    this.clearTimer();
    this.current = RefreshState.Terminated;
    this.untrack?.();
    this.untrack = undefined;
  }

  /** @internal The connection went down: end silently. */
  dropSilently(): void {
    this.end();
  }

  /** @internal One of this refresh's transactions waits for the app's credentials. */
  noteChallenge(tx: ClientTransaction): void {
    this.challenged = tx;
  }

  /** @internal The app gave credentials for a challenge in this refresh. */
  retryChallenge(): void {
    const tx = this.challenged;
    this.challenged = undefined;
    tx?.retryChallenge();
  }

  /** @internal The app declined a challenge in this refresh. */
  ignoreChallenge(): void {
    const tx = this.challenged;
    this.challenged = undefined;
    tx?.ignoreChallenge();
  }

  private challenged: ClientTransaction | undefined;

  protected onDispose(): void {
    this.end();
    this.internalTx?.forceDispose();
  }

  private assertStandalone(): void {
    this.assertAlive();
    if (!this.isStandAlone) throw new SipError(SipErrorCode.InvalidState, 'only a stand-alone refresh is updated here');
    if (this.current === RefreshState.Terminated) throw new SipError(SipErrorCode.InvalidState, 'the refresh ended');
    this.conn?.assertCanSend();
  }

  /** The previous request with CSeq + 1 and, if given, new headers/body and Expires. */
  private nextRequest(elements: MessageElementsView | undefined, expires: number | undefined): SipRequest {
    const prev = this.lastRequest;
    if (prev === undefined) throw new SipError(SipErrorCode.InvalidState, 'nothing sent yet');
    const next = nextAttempt(prev);
    next.headers.delete('Authorization');
    next.headers.delete('Proxy-Authorization');
    if (elements !== undefined) {
      for (const h of elements.userHeaders) next.headers.set(h.name, h.value);
      if (elements.content !== undefined) {
        next.body = Buffer.from(elements.content);
        if (elements.contentType !== undefined) next.headers.set('Content-Type', elements.contentType);
      }
    }
    if (expires !== undefined) next.headers.set('Expires', String(expires));
    else if (this.asked !== undefined) next.headers.set('Expires', String(this.asked));
    return next;
  }

  private refreshStandalone(): void {
    const conn = this.conn;
    if (conn === undefined) return;
    if (conn.state !== 'Active') return this.scheduleAfter(Math.max(2, this.interval)); // Suspended: wait
    let next: SipRequest;
    try {
      next = this.nextRequest(undefined, undefined);
      // RFC 3903 §4.4: a PUBLISH refresh carries the entity tag and no body
      if (next.method === 'PUBLISH') next.body = Buffer.alloc(0), next.headers.delete('Content-Type');
      this.sendStandalone(next, false);
    } catch (e) {
      this.fail(e instanceof SipError ? e : new SipError(SipErrorCode.RefreshFailed, String(e)));
    }
  }

  private sendStandalone(request: SipRequest, appOwned: boolean): ClientTransaction {
    const conn = this.conn;
    if (conn === undefined) throw new SipError(SipErrorCode.InvalidState, 'refresh not started');
    this.lastRequest = request;
    const observer = conn.observer;
    const owner: ClientTxOwner = {
      onResponse: (tx, res) => {
        if (res.status >= 200) this.lastRequest = tx.request;
        if (res.status >= 200 && res.status < 300) this.succeeded(tx.request, res);
        else if (res.status >= 300 && tx.request.headers.get('Expires') !== '0') {
          if (!appOwned) return this.fail(new SipError(SipErrorCode.RefreshFailed, `refresh answered ${res.status}`, { statusCode: res.status }));
          this.end();
        }
        if (appOwned) tx.post(() => observer.incomingResponse(tx));
        else if (res.status >= 200) tx.forceDispose();
      },
      onError: (tx, err) => {
        if (!appOwned) {
          tx.forceDispose();
          return this.fail(err);
        }
        this.end();
        tx.post(() => observer.errorOccurred(err, tx));
      },
    };
    const tx = new ClientTransaction(conn, owner, request, { refresh: this });
    if (appOwned) this.appTx = tx;
    else {
      this.internalTx?.forceDispose();
      this.internalTx = tx;
    }
    return tx.start();
  }

  private succeeded(req: SipRequest, res: SipResponse): void {
    if (req.headers.get('Expires') === '0') return this.end();
    const etag = res.headers.get('SIP-ETag');
    if (etag !== undefined && this.lastRequest !== undefined) this.lastRequest.headers.set('SIP-If-Match', etag); // RFC 3903 §4.4
    this.scheduleAfter(grantedExpires(res, req) ?? this.asked ?? DEFAULT_REFRESH_INTERVAL);
  }

  private fail(err: SipError): void {
    if (this.current === RefreshState.Terminated) return;
    this.end();
    const conn = this.conn;
    if (conn === undefined) return;
    conn.client.events.post(() => {
      if (!this.isDisposed) conn.observer.errorOccurredInRefresh(err, this);
    });
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.conn?.client.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** @internal The client this refresh belongs to. */
  get owningClient(): ClientContext {
    return this.client;
  }
}
