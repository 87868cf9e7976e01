/**
 * CSIPSubscribeDialogAssoc: a subscription (RFC 6665) to one event package. SUBSCRIBE creates
 * the dialog (or is sent in an existing one); given a `Refresh`, the stack re-SUBSCRIBEs before
 * the subscription expires; `sendUnsubscribe` ends it with `Expires: 0`. NOTIFYs arrive in
 * `incomingRequestInDialog(tx, dialog)` and the app answers them; a NOTIFY with
 * `Subscription-State: terminated` ends the refreshing. Failed re-SUBSCRIBEs arrive in
 * `errorOccurredInDialogRefresh(error, assoc)`. Several subscriptions may share one dialog
 * (RFC 6665 §4.5.2), told apart by the Event header and its `id`.
 * @module
 */
import type { MessageElementsView } from '../../../include-types/api.js';
import type { SubscribeDialogAssoc as SubscribeDialogAssocView } from '../../../include-types/api.js';
import type { Dialog as DialogView, Refresh as RefreshView } from '../../../include-types/api.js';
import { asDialog } from '../internal/downcast.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { DialogState } from '../../../include-types/states.js';
import type { SipRequest, SipResponse } from '../../message/index.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { grantedExpires } from '../internal/expiry.js';
import { Refresh } from '../refresh.js';
import type { SipConnection } from '../sip-connection.js';
import { ClientTransaction, type ClientTxOwner } from '../transactions/client-transaction.js';
import type { ServerTransaction } from '../transactions/server-transaction.js';
import { DialogAssoc } from './dialog-assoc.js';
import type { Dialog } from './dialog.js';
import { type DialogStartOptions, UacDialogCreator, startDialog } from './uac-dialog-creator.js';

/** Options of {@link SubscribeDialogAssoc.create}. */
export interface SubscribeDialogAssocOptions extends DialogStartOptions {
  /** The Event header value, e.g. "presence" or "dialog;id=1". */
  event: string;
}

/** The event package name and `id` of an Event header value (RFC 6665 §8.2.1). */
export function eventKey(value: string): string {
  const [pkg, ...params] = value.split(';').map((s) => s.trim());
  const id = params.map((p) => p.split('=')).find(([n]) => n.trim().toLowerCase() === 'id')?.[1]?.trim() ?? '';
  return `${pkg.toLowerCase()};${id}`;
}

/** Default subscription duration asked for, seconds. */
const DEFAULT_EXPIRES = 3600;

/** CSIPSubscribeDialogAssoc. */
// NOTE: no `implements RefreshDriver` (refreshNow is marked internal, see stripInternal); attachDriver(.., this) checks it.
export class SubscribeDialogAssoc extends DialogAssoc implements SubscribeDialogAssocView {
  readonly kind = 'SubscribeDialogAssoc';
  readonly type = 'SUBSCRIBE' as const;
  /** The Event header value. */
  readonly event: string;
  private creator: UacDialogCreator | undefined;
  private linkedRefresh: Refresh | undefined;
  private expiresAsked = DEFAULT_EXPIRES;
  private refreshTx: ClientTransaction | undefined;
  private terminatedByNotifier = false;

  /** @internal Use the static factories. */
  constructor(conn: ConnectionContext, dialog: Dialog, event: string, creator?: UacDialogCreator) {
    super(conn, dialog);
    if (event.trim() === '') throw new SipError(SipErrorCode.InvalidArgument, 'a subscription needs an Event');
    this.event = event;
    this.creator = creator;
    this.join({
      screenRequest: (tx) => this.screen(tx),
      adoptRequest: (req) => (this.matches(req) ? this.creator?.adopt(req) : undefined),
    });
  }

  /**
   * A subscription in a new dialog (CSIPSubscribeDialogAssoc::NewL(connection, from, remoteUri, event, to, contact)).
   * Nothing is sent until {@link sendSubscribe}.
   */
  static create(connection: SipConnection, options: SubscribeDialogAssocOptions): SubscribeDialogAssoc {
    const conn = connection.context;
    const { dialog, route } = startDialog(conn, options);
    try {
      return new SubscribeDialogAssoc(conn, dialog, options.event, new UacDialogCreator(conn, dialog, route));
    } catch (e) {
      dialog.forceDispose();
      throw e;
    }
  }

  /** A subscription in an existing dialog (CSIPSubscribeDialogAssoc::NewL(dialog, event)). */
  static forDialog(view: DialogView, event: string): SubscribeDialogAssoc {
    const dialog = asDialog(view);
    return new SubscribeDialogAssoc(dialog.connectionContext, dialog, event);
  }

  /** The refresh keeping the subscription alive, if any. */
  get refresh(): Refresh | undefined {
    return this.linkedRefresh;
  }

  /** True after a NOTIFY said `Subscription-State: terminated`. */
  get isTerminatedByNotifier(): boolean {
    return this.terminatedByNotifier;
  }

  /**
   * Sends SUBSCRIBE (CSIPSubscribeDialogAssoc::SendSubscribeL): the dialog-creating one first,
   * in the dialog after. With `refresh` the stack re-SUBSCRIBEs before expiry. `elements` may
   * carry `Expires` (default 3600) and `Accept`.
   * @throws SipError(InvalidState) if already subscribed; SipError(InvalidArgument) if `refresh`
   *   is in use; SipError(InvalidDialogState); SipError(MalformedMessage).
   */
  sendSubscribe(elements?: MessageElementsView, refreshView?: RefreshView): ClientTransaction {
    const refresh = refreshView === undefined ? undefined : Refresh.from(refreshView);
    this.assertUsable();
    if (this.linkedRefresh !== undefined && this.linkedRefresh.state !== 'Terminated') throw new SipError(SipErrorCode.InvalidState, 'already subscribed; use update()');
    const expires = elements?.header('Expires');
    this.expiresAsked = expires !== undefined && /^\d+$/.test(expires) ? Number(expires) : DEFAULT_EXPIRES;
    if (refresh !== undefined) {
      refresh.attachDriver(this.connectionContext, this);
      this.linkedRefresh = refresh;
    }
    const extra: Array<[string, string]> = [['Event', this.event]];
    if (expires === undefined) extra.push(['Expires', String(this.expiresAsked)]);
    if (this.dialog.core === undefined) {
      const creator = this.creator;
      if (creator === undefined || creator.sent) throw new SipError(SipErrorCode.InvalidDialogState, 'the dialog is not established');
      return creator.send('SUBSCRIBE', elements, extra, this.subscribeOwner(false, true));
    }
    return this.sendInDialog('SUBSCRIBE', elements, extra, this.subscribeOwner(false));
  }

  /**
   * Re-SUBSCRIBEs now with new headers/body (CSIPSubscribeDialogAssoc::UpdateL).
   * @throws SipError(InvalidDialogState) before the dialog is established.
   */
  update(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    const extra: Array<[string, string]> = [['Event', this.event]];
    if (elements?.header('Expires') === undefined) extra.push(['Expires', String(this.expiresAsked)]);
    return this.sendInDialog('SUBSCRIBE', elements, extra, this.subscribeOwner(false));
  }

  /**
   * Ends the subscription: SUBSCRIBE with `Expires: 0` (RFC 6665 §4.1.2.3); refreshing stops.
   * The notifier's final NOTIFY arrives as usual.
   */
  sendUnsubscribe(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    this.linkedRefresh?.end();
    return this.sendInDialog('SUBSCRIBE', elements, [['Event', this.event], ['Expires', '0']], this.subscribeOwner(false));
  }

  /** @internal The refresh timer fired: re-SUBSCRIBE in the dialog (RFC 6665 §4.1.2.2). */
  refreshNow(): void {
    if (this.isDisposed || this.dialog.state === DialogState.Terminated) return this.refreshFailed(new SipError(SipErrorCode.InvalidDialogState, 'the dialog ended'));
    if (this.connectionContext.state !== 'Active') return this.refreshFailed(new SipError(SipErrorCode.CouldNotConnect, `connection is ${this.connectionContext.state}`));
    try {
      this.refreshTx?.forceDispose();
      this.refreshTx = this.sendInDialog('SUBSCRIBE', undefined, [['Event', this.event], ['Expires', String(this.expiresAsked)]], this.subscribeOwner(true));
    } catch (e) {
      this.refreshFailed(e instanceof SipError ? e : new SipError(SipErrorCode.RefreshFailed, String(e)));
    }
  }

  /** @internal The connection went down. */
  override dropSilently(): void {
    this.linkedRefresh?.end();
  }

  protected override onDispose(): void {
    this.linkedRefresh?.end();
    this.refreshTx?.forceDispose();
    super.onDispose();
  }

  private subscribeOwner(internal: boolean, initial = false): ClientTxOwner {
    return {
      onResponse: (tx, res) => {
        if (!initial) this.dialog.core?.receiveResponse(res); // the creator fed the initial one
        this.subscribeAnswered(tx.request, res, internal);
        if (internal) {
          if (res.status >= 200) tx.forceDispose();
          return;
        }
        this.postResponse(tx);
      },
      onError: (tx, err) => {
        if (internal) {
          tx.forceDispose();
          return this.refreshFailed(err);
        }
        this.linkedRefresh?.end();
        this.postError(tx, err);
      },
    };
  }

  private subscribeAnswered(req: SipRequest, res: SipResponse, internal: boolean): void {
    if (res.status < 200) return;
    const r = this.linkedRefresh;
    if (res.status < 300) {
      const granted = grantedExpires(res, req) ?? this.expiresAsked;
      if (req.headers.get('Expires') !== '0' && !this.terminatedByNotifier) r?.scheduleAfter(granted);
      return;
    }
    if (internal) this.refreshFailed(new SipError(SipErrorCode.RefreshFailed, `re-SUBSCRIBE answered ${res.status}`, { statusCode: res.status }));
    else r?.end();
  }

  private refreshFailed(err: SipError): void {
    this.linkedRefresh?.end();
    this.connectionContext.client.events.post(() => {
      if (!this.isDisposed) this.connectionContext.observer.errorOccurredInDialogRefresh(err, this);
    });
  }

  private matches(req: SipRequest): boolean {
    const ev = req.headers.get('Event');
    return req.method === 'NOTIFY' && ev !== undefined && eventKey(ev) === eventKey(this.event);
  }

  /** NOTIFYs of this subscription: `terminated` stops the refreshing (RFC 6665 §4.1.3). */
  private screen(tx: ServerTransaction): boolean {
    if (!this.matches(tx.request)) return false;
    const state = tx.request.headers.get('Subscription-State') ?? '';
    if (state.trim().toLowerCase().startsWith('terminated')) {
      this.terminatedByNotifier = true;
      this.linkedRefresh?.end();
    }
    return false;
  }
}

