/**
 * CSIPInviteDialogAssoc: the INVITE usage of a dialog, one per dialog. As caller it sends the
 * INVITE, the ACK for each 2xx, CANCEL (through the transaction), re-INVITE, UPDATE, PRACK and
 * BYE; as callee it is built on the INVITE's `ServerTransaction` and the app answers through that
 * transaction. Forked 2xx (RFC 3261 §13.2.2.4) make new associations, handed to the app in
 * `incomingResponseForkedInvite`. Glare (an INVITE arriving while ours is pending) is answered
 * 491 here (RFC 3261 §14.2).
 * @module
 */
import type { RegistrationContext } from '../../../include-types/api.js';
import type { InviteDialogAssoc as InviteDialogAssocView } from '../../../include-types/api.js';
import type { MessageElementsView, ClientTransaction as ClientTransactionView, Dialog as DialogView, ServerTransaction as ServerTransactionView } from '../../../include-types/api.js';
import { asClientTx, asDialog, asServerTx } from '../internal/downcast.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { DialogState, EndReason } from '../../../include-types/states.js';
import { UacDialogSet } from '../../dialog/dialog-set.js';
import { InviteGuard } from '../../dialog/invite-guard.js';
import { createUasDialog } from '../../dialog/dialog-factory.js';
import { NameAddr, type SipRequest, type SipResponse, SipUri, newTag } from '../../message/index.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { hasRegistrationInfo } from '../internal/registration-info.js';
import { buildOutOfDialogRequest, nameAddr, newCallId } from '../internal/request-factory.js';
import type { SipConnection } from '../sip-connection.js';
import { ClientTransaction, type ClientTxOwner } from '../transactions/client-transaction.js';
import { nextAttempt } from '../transactions/digest-retry.js';
import { checkUserHeaders } from '../elements/header-rules.js';
import { headerNames } from '../elements/message-elements.js';
import { InviteAssocBase } from './invite-assoc-base.js';
import { Dialog } from './dialog.js';
import { inDialogOptions } from './in-dialog-options.js';
import type { SessionTimerOptions } from './session-refresher.js';
import { uasShaper } from './uas-shaper.js';

/** Options of {@link InviteDialogAssoc.create} (CSIPInviteDialogAssoc::NewL with a connection). */
export interface InviteDialogAssocOptions {
  /** The callee as To (name-addr), e.g. "<sip:bob@example.com>". */
  to: string;
  /** The Request-URI (default: To's URI). */
  remoteUri?: string;
  /** From without tag (default: the context's AOR, else an address of the IAP). */
  from?: string;
  /** Our Contact (default: the IAP's address with From's user part). */
  contact?: string;
  /** A registration to tie the dialog to (From and RFC 3608 Service-Route from it). */
  context?: RegistrationContext;
  /** RFC 4028 session timer: ask for one in the INVITE and keep it (default: none asked for). */
  sessionTimer?: SessionTimerOptions;
}

/** Options of {@link InviteDialogAssoc.fromServerTransaction}. */
export interface InviteUasOptions {
  /** Our Contact (default: the IAP's address with the Request-URI's user part). */
  contact?: string;
  /** RFC 4028: accept the caller's session timer (default: accepted when asked for, policy defaults). */
  sessionTimer?: SessionTimerOptions;
}

/** CSIPInviteDialogAssoc. */
export class InviteDialogAssoc extends InviteAssocBase implements InviteDialogAssocView {
  readonly kind = 'InviteDialogAssoc';
  /** The initial INVITE, once sent (caller side). */
  private initial: { request: SipRequest; set: UacDialogSet; tx: ClientTransaction; route: readonly string[] } | undefined;
  private answeredTags: Set<string> | undefined;
  private readonly origin: { route: readonly string[] };

  /** @internal Use the static factories. */
  constructor(conn: ConnectionContext, dialog: Dialog, forks?: Map<string, InviteAssocBase>, route: readonly string[] = []) {
    super(conn, dialog, forks);
    this.origin = { route };
  }

  /**
   * A new dialog to call someone (CSIPInviteDialogAssoc::NewL(connection, from, remoteUri, to, contact)).
   * Nothing is sent until {@link sendInvite}.
   * @throws SipError(InvalidArgument) for bad addresses; SipError(ObjectDisposed).
   */
  static create(connection: SipConnection, options: InviteDialogAssocOptions): InviteDialogAssoc {
    const conn = connection.context;
    conn.client.assertAlive();
    let from: NameAddr;
    let route: readonly string[] = [];
    let to: NameAddr;
    try {
      to = nameAddr(options.to);
      from = options.from !== undefined ? nameAddr(options.from) : conn.defaultFrom();
      if (options.context !== undefined && hasRegistrationInfo(options.context)) {
        if (options.from === undefined) from = nameAddr(options.context.aor);
        route = options.context.serviceRoute;
      }
    } catch (e) {
      throw new SipError(SipErrorCode.InvalidArgument, `bad address: ${String(e)}`, { cause: e });
    }
    from.tag = undefined;
    to.tag = undefined;
    const remoteUri = options.remoteUri ?? to.uri.toString();
    const dialog = new Dialog(conn, { callId: newCallId(), localTag: newTag(), local: from, remote: to, remoteUri });
    const assoc = new InviteDialogAssoc(conn, dialog, undefined, route);
    if (options.sessionTimer !== undefined) assoc.enableSessionTimer(options.sessionTimer);
    const user = from.uri instanceof SipUri ? from.uri.user : undefined;
    dialog.localContactOverride = options.contact !== undefined ? nameAddr(options.contact) : conn.localContact(user);
    return assoc;
  }

  /**
   * The callee's association for an INVITE that arrived (CSIPInviteDialogAssoc::NewL(serverTx)).
   * Answer through `tx.sendResponse`; the dialog follows the responses (RFC 3261 §12.1.1).
   * @throws SipError(InvalidArgument) unless `tx` is an unanswered INVITE outside a dialog;
   *   SipError(InvalidState) without a `SipConnection` on the IAP it arrived on.
   */
  static fromServerTransaction(view: ServerTransactionView, options: InviteUasOptions = {}): InviteDialogAssoc {
    const tx = asServerTx(view);
    if (tx.type !== 'INVITE' || !tx.responseAllowed || tx.request.to.tag !== undefined) {
      throw new SipError(SipErrorCode.InvalidArgument, 'needs an unanswered INVITE outside any dialog');
    }
    const conn = tx.clientContext.connectionContext(tx.iapId);
    if (conn === undefined) throw new SipError(SipErrorCode.InvalidState, `no SipConnection on IAP ${tx.iapId}`);
    const req = tx.request;
    const user = req.uri instanceof SipUri ? req.uri.user : undefined;
    const contact = options.contact !== undefined ? nameAddr(options.contact) : conn.localContact(user);
    const core = createUasDialog(req, { localTag: tx.localTag, localContact: contact });
    // the dialog's own copies, not the request's: the request is let go once answered
    const dialog = new Dialog(conn, { callId: core.id.callId, localTag: core.id.localTag, local: core.localUri, remote: core.remoteUri, remoteUri: core.remoteUri.uri.toString() }, core);
    dialog.localContactOverride = core.localContact ?? contact;
    const assoc = new InviteDialogAssoc(conn, dialog);
    assoc.incomingInvite = tx;
    assoc.enableSessionTimer(options.sessionTimer ?? {});
    tx.attachShaper(uasShaper(core, req, contact, assoc.uasHooks(tx)));
    return assoc;
  }

  /**
   * An INVITE usage for an existing dialog, e.g. one made by SUBSCRIBE (CSIPInviteDialogAssoc::NewL(dialog)).
   * @throws SipError(InvalidState) if the dialog already has one.
   */
  static forDialog(view: DialogView): InviteDialogAssoc {
    const dialog = asDialog(view);
    return new InviteDialogAssoc(dialog.connectionContext, dialog);
  }

  /**
   * Sends the INVITE: the dialog-creating one while the dialog is Init, else a re-INVITE
   * (RFC 3261 §14.1). Responses arrive in `incomingResponseInDialog(tx, this)` (forked 2xx in
   * `incomingResponseForkedInvite`), the end of the forking window in `inviteCompleted(tx)`.
   * @throws SipError(InvalidDialogState) while another INVITE is in progress either way or the
   *   dialog ended; SipError(MalformedMessage); SipError(ConnectionNotActive).
   */
  sendInvite(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    if (this.inviteInProgress()) throw new SipError(SipErrorCode.InvalidDialogState, 'an INVITE transaction is in progress in this dialog'); // RFC 3261 §14.1
    if (this.dialog.core === undefined) {
      if (this.initial !== undefined || this.dialog.state === DialogState.Terminated) throw new SipError(SipErrorCode.InvalidDialogState, 'the dialog ended');
      return this.sendInitialInvite(elements);
    }
    if (this.dialog.state !== DialogState.Confirmed) throw new SipError(SipErrorCode.InvalidDialogState, `cannot re-INVITE in state ${this.dialog.state}`);
    const extra = this.session !== undefined && elements?.header('Session-Expires') === undefined ? this.session.requestHeaders() : [];
    const content = elements?.content;
    if (content !== undefined) this.keepBody(content, elements?.contentType);
    const tx = this.sendInDialog('INVITE', elements, extra, this.reInviteOwner());
    this.outgoingInvite = tx;
    return tx;
  }

  /**
   * Sends the ACK for the 2xx `tx` got (RFC 3261 §13.2.2.4), in this association's dialog.
   * A retransmitted 2xx is ACKed again by the stack.
   * @throws SipError(InvalidArgument) unless `tx` is an INVITE of this dialog with a 2xx;
   *   SipError(InvalidDialogState) if the dialog is not Confirmed.
   */
  sendAck(view: ClientTransactionView, elements?: MessageElementsView): void {
    this.assertUsable();
    const tx = asClientTx(view);
    const core = this.dialog.core;
    if (tx.type !== 'INVITE' || tx.responseElements === undefined || !tx.responseElements.isSuccess) {
      throw new SipError(SipErrorCode.InvalidArgument, 'ACK needs an INVITE transaction that got a 2xx');
    }
    if (core === undefined || core.state !== DialogState.Confirmed) throw new SipError(SipErrorCode.InvalidDialogState, 'the dialog is not confirmed');
    const ack = core.createAck(tx.request.cseq.seq, inDialogOptions(elements));
    for (const a of tx.request.headers.getAll('Authorization')) ack.headers.append('Authorization', a);
    for (const a of tx.request.headers.getAll('Proxy-Authorization')) ack.headers.append('Proxy-Authorization', a);
    (this.acks ??= new Map()).set(core.id.remoteTag, ack);
    this.transmitAck(ack, tx);
  }

  /**
   * Sends BYE (RFC 3261 §15.1.1); the dialog is Terminated at once. As the callee whose 2xx has
   * not been ACKed yet, the BYE is built now and held until the ACK comes or the 2xx times out
   * (RFC 3261 §15: the callee MUST NOT send it before): the transaction stays `Constructing`
   * until then.
   * @throws SipError(InvalidDialogState) before the dialog exists, after it ended, or as callee
   *   of an early dialog.
   */
  sendBye(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    if (this.byeMustWait()) return this.holdBye(this.sendInDialog('BYE', elements, [], undefined, false));
    return this.sendInDialog('BYE', elements);
  }

  /**
   * Sends PRACK for the last reliable provisional response of this dialog (RFC 3262 §4); put
   * an SDP answer or offer in `elements` as the offer/answer exchange needs.
   * @throws SipError(InvalidState) when no reliable 1xx waits for its PRACK.
   */
  sendPrack(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    const own = this.dialog.remoteTag ?? '';
    const ownRack = this.prack.takeRack(own);
    if (ownRack !== undefined) return this.sendInDialog('PRACK', elements, [['RAck', ownRack]]);
    // RFC 3262 §4: a reliable 1xx of another early fork is PRACKed in that fork's early dialog
    for (const tag of this.prack.pendingTags()) {
      const core = this.initial?.set.get(tag);
      const rack = core === undefined ? undefined : this.prack.takeRack(tag);
      if (core === undefined || rack === undefined) continue;
      const req = core.createRequest('PRACK', inDialogOptions(elements, [['RAck', rack]]));
      const owner: ClientTxOwner = {
        onResponse: (tx, res) => {
          core.receiveResponse(res);
          this.postResponse(tx);
        },
        onError: (tx, err) => this.postError(tx, err),
      };
      return new ClientTransaction(this.connectionContext, owner, req).start();
    }
    throw new SipError(SipErrorCode.InvalidState, 'no reliable provisional response to acknowledge');
  }

  /**
   * Sends UPDATE (RFC 3311) in an early or confirmed dialog, e.g. a new SDP offer or a session
   * refresh. With a session timer, its headers are added.
   */
  sendUpdate(elements?: MessageElementsView): ClientTransaction {
    this.assertUsable();
    const extra = this.session !== undefined && elements?.header('Session-Expires') === undefined ? this.session.requestHeaders() : [];
    const tx = this.sendInDialog('UPDATE', elements, extra, this.refreshingOwner(false));
    if (elements?.content !== undefined) this.offeringUpdate = tx;
    return tx;
  }

  /**
   * How long to wait before sending the re-INVITE again after a 491 (RFC 3261 §14.1), in ms:
   * 2.1–4 s for the side that sent the dialog-creating INVITE, 0–2 s for the other.
   */
  glareRetryDelayMs(): number {
    return this.guard.glareRetryDelayMs(this.initial !== undefined);
  }

  private readonly guard = new InviteGuard();

  /** @internal The INVITE sent by this dialog's caller side, if any. */
  get initialTransaction(): ClientTransaction | undefined {
    return this.initial?.tx;
  }

  // ---- caller side ----

  private sendInitialInvite(elements: MessageElementsView | undefined): ClientTransaction {
    checkUserHeaders(headerNames(elements), 'dialog-creating');
    const o = this.dialog.originInfo;
    const request = buildOutOfDialogRequest({
      method: 'INVITE',
      remoteUri: o.remoteUri,
      from: withTag(o.local, o.localTag),
      to: o.remote,
      callId: o.callId,
      route: this.origin.route,
      contact: this.dialog.localContactOverride,
      elements,
      userAgent: this.connectionContext.client.stack.userAgent,
    });
    if (this.session !== undefined && !request.headers.has('Session-Expires')) {
      for (const [n, v] of this.session.requestHeaders()) {
        if (n === 'Supported' && request.supported.includes('timer')) continue;
        request.headers.append(n, v);
      }
    }
    if (request.body.length > 0) this.keepBody(request.body, request.headers.get('Content-Type'));
    const set = new UacDialogSet(request, { localContact: this.dialog.localContactOverride });
    const tx = new ClientTransaction(this.connectionContext, this.initialOwner(), request);
    this.initial = { request, set, tx, route: this.origin.route };
    this.outgoingInvite = tx;
    try {
      tx.start();
    } catch (e) {
      this.initial = undefined;
      this.outgoingInvite = undefined;
      throw e;
    }
    return tx;
  }

  private initialOwner(): ClientTxOwner {
    return new InitialInviteOwner(this);
  }

  /** @internal {@link InitialInviteOwner}: the initial INVITE (or its CANCEL) failed. */
  initialError(tx: ClientTransaction, err: SipError): void {
    if (tx.type === 'INVITE') {
      this.initial?.set.transactionEnded();
      if (this.dialog.core === undefined) this.dialog.markTerminated();
    }
    this.postError(tx, err);
  }

  /** @internal {@link InitialInviteOwner}: the initial INVITE's transaction ended after its 2xx. */
  initialCompleted(tx: ClientTransaction): void {
    this.initial?.set.transactionEnded();
    tx.post(() => this.connectionContext.observer.inviteCompleted(tx));
  }

  /** @internal {@link InitialInviteOwner}: RFC 4028 §7.3: 422 → the INVITE again with the larger interval the UAS asked for. */
  initialRetryOn(tx: ClientTransaction, res: SipResponse): SipRequest | undefined {
    return this.session?.retryAfter422(res, tx.request, () => this.nextInitial(tx.request));
  }

  /** @internal The next initial INVITE (digest challenge, 422), with its own dialog set. */
  nextInitial(previous: SipRequest): SipRequest {
    const next = nextAttempt(previous);
    if (this.initial !== undefined) this.initial = { ...this.initial, request: next, set: new UacDialogSet(next, { localContact: this.dialog.localContactOverride }) };
    return next;
  }

  /** @internal {@link InitialInviteOwner}: a response to the initial INVITE or its CANCEL. */
  initialResponse(tx: ClientTransaction, res: SipResponse): void {
    if (tx.type === 'CANCEL') return this.postResponse(tx);
    const init = this.initial;
    if (init === undefined) return;
    const tag = res.to.tag;
    const is2xx = res.status >= 200 && res.status < 300;
    if (is2xx && tag !== undefined && this.answeredTags?.has(tag) === true) {
      this.resendAck(res); // RFC 3261 §13.2.2.4: a retransmitted 2xx is ACKed again
      return;
    }
    if (res.status < 200 && !this.prack.uacProvisional(res)) return; // RFC 3262 §4: duplicate or out of order
    const r = init.set.receiveResponse(res);
    if (r.dialog !== undefined && tag !== undefined) {
      const mine = this.dialog.core;
      if (mine === undefined) this.dialog.bind(r.dialog);
      else if (mine !== r.dialog && is2xx) {
        if (this.dialog.state !== DialogState.Confirmed) {
          mine.terminate(EndReason.Canceled);
          this.dialog.bind(r.dialog);
        } else {
          (this.answeredTags ??= new Set()).add(tag);
          return this.fork(tx, r.dialog, tag);
        }
      }
    }
    if (is2xx && tag !== undefined) {
      (this.answeredTags ??= new Set()).add(tag);
      if (this.dialog.core?.id.remoteTag === tag) this.session?.uac2xx(res);
    }
    if (res.status >= 300 && this.dialog.core === undefined) this.dialog.markTerminated();
    if (res.status >= 200) this.outgoingInvite = undefined;
    this.postResponse(tx);
  }

  /** RFC 3261 §13.2.2.4: a 2xx from another fork: a new dialog and association for the app. */
  private fork(tx: ClientTransaction, core: import('../../dialog/dialog.js').DialogCore, tag: string): void {
    const o = this.dialog.originInfo;
    const dialog = new Dialog(this.connectionContext, o, core);
    dialog.localContactOverride = this.dialog.localContactOverride;
    this.forks ??= new Map();
    const assoc = new InviteDialogAssoc(this.connectionContext, dialog, this.forks, this.origin.route);
    this.forks.set(tag, assoc);
    tx.post(() => this.connectionContext.observer.incomingResponseForkedInvite(tx, assoc));
  }

}

/**
 * The owner of the initial INVITE: a class, not an object of closures, since one is made per
 * INVITE sent (and under tsx each named closure costs an `Object.defineProperty`, esbuild's keepNames).
 */
class InitialInviteOwner implements ClientTxOwner {
  constructor(private readonly assoc: InviteDialogAssoc) {}

  onResponse(tx: ClientTransaction, res: SipResponse): void {
    this.assoc.initialResponse(tx, res);
  }

  onError(tx: ClientTransaction, err: SipError): void {
    this.assoc.initialError(tx, err);
  }

  onInviteCompleted(tx: ClientTransaction): void {
    this.assoc.initialCompleted(tx);
  }

  rebuild(_tx: ClientTransaction, previous: SipRequest): SipRequest {
    return this.assoc.nextInitial(previous);
  }

  retryOn(tx: ClientTransaction, res: SipResponse): SipRequest | undefined {
    return this.assoc.initialRetryOn(tx, res);
  }
}

function withTag(n: NameAddr, tag: string): NameAddr {
  const c = n.clone();
  c.tag = tag;
  return c;
}
