/**
 * CSIPDialogAssocBase: one usage of a dialog (INVITE, SUBSCRIBE, REFER or NOTIFY). It sends
 * requests in the dialog and reports their responses to `incomingResponseInDialog(tx, assoc)`
 * and failures to `errorOccurredInDialog(error, tx, assoc)`. The app owns it; disposing the last
 * association of a dialog releases the dialog.
 * @module
 */
import type { DialogAssoc as DialogAssocView, MessageElementsView } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { SipRequest, SipResponse } from '../../message/index.js';
import { nextAttempt } from '../transactions/digest-retry.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { OwnedObject } from '../internal/owned-object.js';
import { ClientTransaction, type ClientTxOwner } from '../transactions/client-transaction.js';
import type { Dialog, DialogUsage } from './dialog.js';
import { inDialogOptions } from './in-dialog-options.js';
import type { DialogCore } from '../../dialog/dialog.js';
import type { InDialogRequestOptions } from '../../dialog/request-builder.js';
import { isTargetRefresh } from '../../dialog/target-refresh.js';

/** Methods with their own association method, never sent as a non-target-refresh request. */
const OWN_METHODS = new Set(['INVITE', 'ACK', 'CANCEL', 'BYE', 'PRACK', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'REGISTER']);

/** Base of the four dialog associations. */
export abstract class DialogAssoc extends OwnedObject implements DialogAssocView {
  /** INVITE, SUBSCRIBE, REFER or NOTIFY. */
  abstract readonly type: string;
  /** The dialog this association uses (CSIPDialogAssocBase::Dialog). */
  readonly dialog: Dialog;
  /** @internal */
  readonly connectionContext: ConnectionContext;
  /** The owner of plain in-dialog requests ({@link defaultOwner}), made on the first. */
  private plainOwner: ClientTxOwner | undefined;

  protected constructor(conn: ConnectionContext, dialog: Dialog) {
    super(conn.client.live);
    this.connectionContext = conn;
    this.dialog = dialog;
  }

  /**
   * Sends a request that does not change the remote target (RFC 3261 §12.2.1.1), e.g. INFO or
   * MESSAGE, in the dialog (CSIPDialogAssocBase::SendNonTargetRefreshRequestL).
   * @throws SipError(MethodNotAllowed) for methods with their own call (INVITE, BYE, UPDATE ...);
   *   SipError(InvalidDialogState) before the dialog exists or after it ended; SipError(MalformedMessage).
   */
  sendNonTargetRefreshRequest(method: string, elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    if (OWN_METHODS.has(method.toUpperCase())) throw new SipError(SipErrorCode.MethodNotAllowed, `${method} has its own call`);
    return this.sendInDialog(method, elements);
  }

  /**
   * True if a request of `method` (any case) does not refresh the dialog's remote target (RFC 3261
   * §12.2; INVITE, UPDATE, SUBSCRIBE and NOTIFY do: RFC 3311 §5, RFC 6665 §4.1.2.4/§4.2.2.2)
   * (CSIPDialogAssocBase::IsNonTargetRefreshRequest). Whether {@link sendNonTargetRefreshRequest}
   * takes the method is a separate rule: methods with their own call (BYE, PRACK, REFER ...) are
   * refused there although they refresh nothing.
   */
  isNonTargetRefreshRequest(method: string): boolean {
    return !isTargetRefresh(method.toUpperCase());
  }

  /** @internal Joins the dialog; subclasses call it once built (a usage with `assoc` is attached as it is). */
  protected join(usage: Omit<DialogUsage, 'assoc'> | DialogUsage): void {
    this.dialog.attach('assoc' in usage ? usage : { ...usage, assoc: this });
    this.untrack = this.connectionContext.track(this);
    this.track();
  }

  private untrack: (() => void) | undefined;

  /**
   * @internal The connection went Inactive/Unavailable: refreshes stop without callbacks
   * (Symbian §5.3 (15)). Subclasses with refreshes override it.
   */
  dropSilently(): void {}

  /** Throws unless the association may send. */
  protected assertUsable(): void {
    this.assertAlive();
    this.connectionContext.assertCanSend();
  }

  /**
   * Sends a request in the dialog with the next CSeq; digest retries rebuild it the same way.
   * @param extra header pairs the association adds (Event, Subscription-State, RAck ...).
   * @param start false to build the transaction without sending yet (its owner starts it later).
   */
  protected sendInDialog(method: string, elements: MessageElementsView | undefined, extra: ReadonlyArray<readonly [string, string]> = [], owner?: ClientTxOwner, start = true): ClientTransaction {
    const core = this.dialog.core;
    if (core === undefined) throw new SipError(SipErrorCode.InvalidDialogState, 'the dialog is not established');
    const options = inDialogOptions(elements, extra);
    const req = core.createRequest(method, options);
    const o: ClientTxOwner = owner ?? this.defaultOwner();
    const tx = new ClientTransaction(this.connectionContext, new InDialogOwner(o, core, method, options), req);
    return start ? tx.start() : tx;
  }

  /**
   * The owner of a plain in-dialog request: dialog bookkeeping, then the observer. One per
   * association, made on its first request (it holds nothing of a request).
   */
  protected defaultOwner(): ClientTxOwner {
    return (this.plainOwner ??= new PlainOwner(this));
  }

  /** @internal {@link PlainOwner}: a response to a plain in-dialog request. */
  plainResponse(tx: ClientTransaction, res: SipResponse): void {
    this.dialog.core?.receiveResponse(res);
    this.responseReceived(tx, res);
    this.postResponse(tx);
  }

  /** @internal {@link PlainOwner}: a plain in-dialog request failed. */
  plainError(tx: ClientTransaction, err: SipError): void {
    // RFC 3261 §12.2.1.2: no response to a request in the dialog ends it
    if (err.code === SipErrorCode.Timeout) this.dialog.core?.requestFailed('timeout');
    this.postError(tx, err);
  }

  /** Hook for subclasses: a response to one of their in-dialog requests. */
  protected responseReceived(_tx: ClientTransaction, _res: SipResponse): void {}

  /** Posts `incomingResponseInDialog(tx, this)`. */
  protected postResponse(tx: ClientTransaction): void {
    tx.post(() => {
      if (!this.isDisposed) this.connectionContext.observer.incomingResponseInDialog(tx, this);
    });
  }

  /** Posts `errorOccurredInDialog(error, tx, this)`. */
  protected postError(tx: ClientTransaction, error: SipError): void {
    tx.post(() => {
      if (!this.isDisposed) this.connectionContext.observer.errorOccurredInDialog(error, tx, this);
    });
  }

  protected onDispose(): void {
    this.untrack?.();
    this.dialog.detach(this);
  }
}

/**
 * What a request in the dialog reports to: its owner's callbacks (called on the owner), and the
 * rebuild of a digest retry. A class, not a bound copy of the owner plus a closure per request
 * (issue 15). An in-dialog request has no `retryOn` (RFC 4028 §7.3's 422 retry is the initial
 * INVITE's).
 */
class InDialogOwner implements ClientTxOwner {
  constructor(
    private readonly owner: ClientTxOwner,
    private readonly core: DialogCore,
    private readonly method: string,
    private readonly options: InDialogRequestOptions,
  ) {}

  onResponse(tx: ClientTransaction, res: SipResponse): void {
    this.owner.onResponse(tx, res);
  }

  onError(tx: ClientTransaction, error: SipError): void {
    this.owner.onError(tx, error);
  }

  onInviteCompleted(tx: ClientTransaction): void {
    this.owner.onInviteCompleted?.(tx);
  }

  rebuild(tx: ClientTransaction, previous: SipRequest): SipRequest {
    if (this.owner.rebuild !== undefined) return this.owner.rebuild(tx, previous);
    // a retry after a challenge takes the dialog's next CSeq; a BYE's dialog has already ended,
    // so its retry just takes the next number (no other request can follow it, RFC 3261 §12.2.1.1)
    return this.core.state === 'Terminated' ? nextAttempt(previous) : this.core.createRequest(this.method, this.options);
  }
}

/**
 * The owner of an association's plain in-dialog requests: a class, not an object of closures
 * (one per association; under tsx each named closure costs an `Object.defineProperty`).
 */
class PlainOwner implements ClientTxOwner {
  constructor(private readonly assoc: DialogAssoc) {}

  onResponse(tx: ClientTransaction, res: SipResponse): void {
    this.assoc.plainResponse(tx, res);
  }

  onError(tx: ClientTransaction, err: SipError): void {
    this.assoc.plainError(tx, err);
  }
}
