/**
 * What every INVITE association has, whichever side created the dialog: one INVITE at a time
 * with 491/500 for colliding ones (RFC 3261 §14), the ACKs it sent (re-sent on 2xx
 * retransmissions), the callee's response hooks (RFC 3262 reliable 1xx, RFC 4028 headers in
 * 2xx), the RFC 4028 session timer with its refreshes and expiry, and the end of a dialog whose
 * 2xx was never ACKed (RFC 3261 §13.3.1.4). `InviteDialogAssoc` adds the public calls and the
 * caller's side of the dialog-creating INVITE.
 * @module
 */
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { DialogState, EndReason } from '../../../include-types/states.js';
import { type SipRequest, type SipResponse, createResponse } from '../../message/index.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { Refresh } from '../refresh.js';
import { ClientTransaction, type ClientTxOwner } from '../transactions/client-transaction.js';
import type { ServerTransaction } from '../transactions/server-transaction.js';
import { DialogAssoc } from './dialog-assoc.js';
import type { Dialog, DialogUsage } from './dialog.js';
import { inDialogOptions } from './in-dialog-options.js';
import { PrackState } from './invite-prack.js';
import { type SessionHost, SessionRefresher, type SessionTimerOptions } from './session-refresher.js';
import type { Clock } from '../../../include-types/settings.js';
import { uasShaper, type UasShaperHooks } from './uas-shaper.js';

/** Base of `InviteDialogAssoc`. */
export abstract class InviteAssocBase extends DialogAssoc {
  readonly type = 'INVITE' as const;
  /**
   * Associations of the forks of one INVITE, by remote tag (shared by the forks). Made when the
   * first fork needs it: most dialogs never fork, and an SRS holds 10^4 of them.
   */
  protected forks: Map<string, InviteAssocBase> | undefined;
  /** The ACK sent per remote tag, re-sent when the 2xx is retransmitted (made on the first ACK). */
  protected acks: Map<string, SipRequest> | undefined;
  protected outgoingInvite: ClientTransaction | undefined;
  /** The INVITE we are answering, until its final response (then the dialog keeps only its state). */
  protected incomingInvite: ServerTransaction | undefined;
  protected readonly prack: PrackState;
  protected session: SessionRefresher | undefined;
  protected sessionRefresh: Refresh | undefined;
  /** The INVITE whose 2xx waits for its ACK (see {@link ackReceived}). */
  private awaitingAck: HeldTx | undefined;
  /**
   * A BYE the app sent while a 2xx of ours waited for its ACK, not yet on the wire: RFC 3261 §15,
   * the callee "MUST NOT send a BYE on a confirmed dialog until it has received an ACK for its
   * 2xx response or until the server transaction times out". Sent when the ACK comes (the stack
   * tells the 2xx's hooks even when the dialog is no longer routed) or at the ACK timeout.
   */
  private heldBye: ClientTransaction | undefined;
  /** Our UPDATE carrying an offer, while it has no final response (RFC 3311 §5.2 glare). */
  protected offeringUpdate: ClientTransaction | undefined;
  /** The last session description we sent (for a session refresh by re-INVITE); see {@link keepBody}. */
  protected lastBody: { latin1: string; type: string } | undefined;

  protected constructor(conn: ConnectionContext, dialog: Dialog, forks?: Map<string, InviteAssocBase>) {
    super(conn, dialog);
    if (dialog.dialogAssocs.some((a) => a.type === 'INVITE')) throw new SipError(SipErrorCode.InvalidState, 'the dialog already has an INVITE association');
    this.forks = forks;
    // RFC 3262 §3: reliable 1xx retransmitted from T1, given up after 64*T1: the stack's T1 (TimerSettings)
    this.prack = new PrackState(conn.client.clock, conn.client.stack.timers.t1);
    this.join(new InviteUsage(this));
  }

  /** The session timer's refresh (RFC 4028), once one runs or ran: Active with the interval, then Terminated. */
  get refresh(): Refresh | undefined {
    return this.sessionRefresh;
  }

  /** @internal The connection went down: the session timer stops silently. */
  override dropSilently(): void {
    this.session?.dispose();
  }

  protected override onDispose(): void {
    const forks = this.forks;
    forks?.forEach((a, tag) => a === this && forks.delete(tag));
    this.session?.dispose();
    this.prack.dispose();
    this.sessionRefresh?.forceDispose();
    super.onDispose();
  }

  protected enableSessionTimer(options: SessionTimerOptions): void {
    this.session = new SessionRefresher(new AssocSessionHost(this), options);
  }

  /**
   * @internal The session timer runs with `interval` seconds, or stopped (undefined). The
   * `Refresh` that shows it is made when a timer first runs: most dialogs never negotiate one.
   */
  showSessionTimer(interval: number | undefined): void {
    if (interval === undefined) this.sessionRefresh?.showSession(undefined);
    else (this.sessionRefresh ??= Refresh.forSession(this.connectionContext)).showSession(interval);
  }

  /** @internal The session timer's refresh is due (RFC 4028 §10). */
  sendSessionRefresh(method: 'UPDATE' | 'INVITE', headers: Array<[string, string]>): void {
    if (this.isDisposed || this.dialog.state !== DialogState.Confirmed || this.connectionContext.state !== 'Active') return;
    if (method === 'INVITE' && this.inviteInProgress()) return; // one INVITE at a time; the next refresh is due soon
    try {
      const opts = inDialogOptions(undefined, headers);
      if (method === 'INVITE' && this.lastBody !== undefined) {
        opts.body = Buffer.from(this.lastBody.latin1, 'latin1');
        (opts.headers as Array<[string, string]>).push(['Content-Type', this.lastBody.type]);
      }
      const core = this.dialog.core;
      if (core === undefined) return;
      const req = core.createRequest(method, opts);
      const tx = new ClientTransaction(this.connectionContext, this.refreshingOwner(true), req);
      if (method === 'INVITE') this.outgoingInvite = tx;
      tx.start();
    } catch (e) {
      this.connectionContext.client.logger.info('session refresh not sent', { error: String(e) });
    }
  }

  /** Owner of requests that may refresh the session: 2xx restarts the timer. */
  protected refreshingOwner(internal: boolean): ClientTxOwner {
    return {
      onResponse: (tx, res) => {
        if (internal && res.status >= 200 && res.status < 300 && tx.type === 'INVITE') {
          // our own session refresh by re-INVITE: the stack ACKs it (and each retransmitted 2xx)
          const core = this.dialog.core;
          const sent = core === undefined ? undefined : this.acks?.get(core.id.remoteTag);
          if (sent !== undefined && sent.cseq.seq === res.cseq.seq) return this.resendAck(res);
          if (core !== undefined && core.state === DialogState.Confirmed) {
            const ack = core.createAck(res.cseq.seq);
            (this.acks ??= new Map()).set(core.id.remoteTag, ack);
            this.transmitAck(ack, tx);
          }
        }
        this.dialog.core?.receiveResponse(res);
        if (res.status >= 200 && this.outgoingInvite === tx) this.outgoingInvite = undefined;
        if (res.status >= 200 && res.status < 300) this.session?.uac2xx(res);
        if (internal) {
          if (res.status === 481 || res.status === 408) this.refreshError(new SipError(SipErrorCode.RefreshFailed, `session refresh answered ${res.status}`, { statusCode: res.status }));
          if (res.status >= 200 && (tx.type !== 'INVITE' || res.status >= 300)) tx.forceDispose();
          return;
        }
        this.postResponse(tx);
      },
      onError: (tx, err) => {
        if (this.outgoingInvite === tx) this.outgoingInvite = undefined;
        if (err.code === SipErrorCode.Timeout) this.dialog.core?.requestFailed('timeout');
        if (internal) {
          tx.forceDispose();
          return this.refreshError(err);
        }
        this.postError(tx, err);
      },
      onInviteCompleted: (tx) => {
        if (internal) tx.forceDispose();
        else tx.post(() => this.connectionContext.observer.inviteCompleted(tx));
      },
    };
  }

  protected refreshError(err: SipError): void {
    this.connectionContext.client.events.post(() => {
      if (!this.isDisposed) this.connectionContext.observer.errorOccurredInDialogRefresh(err, this);
    });
  }

  /** @internal RFC 4028 §10: no refresh in time: BYE, dialog Terminated (SessionTimerExpired), app told. */
  sessionExpired(): void {
    const core = this.dialog.core;
    if (core === undefined || core.state === DialogState.Terminated) return;
    try {
      const bye = core.createRequest('BYE', { endReason: EndReason.SessionTimerExpired });
      const noop = { onProvisional: () => undefined, onFinal: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };
      this.connectionContext.client.stack.send(this.connectionContext.iapId, bye, noop);
    } catch {
      core.terminate(EndReason.SessionTimerExpired);
    }
    this.refreshError(new SipError(SipErrorCode.SessionTimerExpired, 'the session timer expired'));
  }

  /**
   * @internal Response hooks of an INVITE (or UPDATE) the app answers. The hooks reach the
   * transaction through `held`, never directly: the stack keeps them until the ACK or Timer L
   * (32 s), and once the ACK is in they must not keep the transaction and its request elements.
   */
  protected uasHooks(transaction: ServerTransaction): UasShaperHooks {
    return new UasHooks(this, transaction);
  }

  /** @internal {@link UasHooks}: shapes a response to `tx` (100rel, session timer). */
  uasShape(held: HeldTx, tx: ServerTransaction, res: SipResponse): SipResponse | undefined {
    const shaped = tx.type === 'INVITE' ? this.prack.uasShape(tx, res, () => held.tx && this.reliableTimedOut(held.tx)) : res;
    if (shaped === undefined) return undefined;
    if (shaped.status >= 200 && shaped.status < 300 && this.session !== undefined) return this.session.uas2xx(tx.request, shaped);
    return shaped;
  }

  /** @internal {@link UasHooks}: a response to `held`'s request went. */
  uasSent(held: HeldTx, res: SipResponse): void {
    if (res.body.length > 0 && res.status >= 200 && res.status < 300) this.keepBody(res.body, res.headers.get('Content-Type'));
    if (res.status >= 200 && held.tx !== undefined) this.answeredIncoming(held.tx);
    if (res.status >= 200 && res.status < 300 && held.tx?.type === 'INVITE') this.awaitingAck = held;
  }

  /** @internal {@link UasHooks}: no ACK for the 2xx to `tx`. */
  uasAckTimedOut(tx: ServerTransaction): void {
    this.ackTimedOut(tx);
  }

  /**
   * @internal {@link UasHooks}: the ACK for the 2xx `held` answered came (told by the stack, so
   * also when the dialog is no longer routed to us): a BYE held for it may go.
   */
  uasAcked(held: HeldTx): void {
    if (this.awaitingAck === held) {
      held.tx = undefined;
      this.awaitingAck = undefined;
    }
    this.sendHeldBye();
  }

  /**
   * True while a BYE must wait (RFC 3261 §15): a 2xx of ours waits for its ACK. (A BYE already
   * held has ended the dialog, so a second one is refused by the dialog before it could wait.)
   */
  protected byeMustWait(): boolean {
    return this.awaitingAck !== undefined;
  }

  /** Keeps `bye` (built, not sent) until the ACK or its timeout; see {@link heldBye}. */
  protected holdBye(bye: ClientTransaction): ClientTransaction {
    this.heldBye = bye;
    return bye;
  }

  private sendHeldBye(): void {
    const bye = this.heldBye;
    this.heldBye = undefined;
    if (bye === undefined || bye.isDisposed) return;
    try {
      bye.start();
    } catch (e) {
      // the connection went down meanwhile: the BYE is released (start disposed it), as a request
      // sent then would have been refused
      this.connectionContext.client.logger.info('held BYE not sent', { error: String(e) });
    }
  }

  /** @internal {@link UasHooks}: a CANCEL ended `tx`. */
  uasCanceled(tx: ServerTransaction): void {
    this.answeredIncoming(tx);
  }

  /** @internal The ACK for our 2xx arrived: its hooks no longer need the INVITE's transaction. */
  ackReceived(ack: ServerTransaction): void {
    const held = this.awaitingAck;
    if (held === undefined || held.seq !== ack.requestElements.cseq?.seq) return;
    held.tx = undefined;
    this.awaitingAck = undefined;
    this.sendHeldBye();
  }

  /**
   * @internal A BYE in the dialog was accepted (RFC 3261 §15.1.2). If a 2xx of ours still waits
   * for its ACK, its retransmission (§13.3.1.4) stops: the peer has the 2xx (it sent BYE, so the
   * ACK was lost) and the dialog is over either way. Retransmitted on, it would hold a slot of the
   * stack's `maxUnacknowledgedInvites` for the rest of 64*T1 and then report an ACK timeout for a
   * dialog that had already ended.
   */
  byeReceived(): void {
    const held = this.awaitingAck;
    if (held === undefined) return;
    const key = held.tx?.twoXxKey;
    if (key !== undefined) this.connectionContext.client.stack.stop2xxRetransmission(key);
    held.tx = undefined;
    this.awaitingAck = undefined;
  }

  /**
   * Keeps the session description we sent for the whole dialog as a latin1 string (exact for any
   * octets): the message's body is a slice of Node's Buffer pool, which would pin an 8 KB slab,
   * and a Buffer of its own costs a backing store and two objects more than a one-byte string.
   */
  protected keepBody(body: Uint8Array, type: string | undefined): void {
    this.lastBody = { latin1: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'), type: type ?? 'application/sdp' };
  }

  /**
   * The INVITE we answered got its final response: let it go. Held for the whole dialog it would
   * keep the request, its elements, the transaction machine and the response alive (~20 KB a call);
   * what the dialog needs from them is in its DialogCore already. Its ACK or ACK timeout still
   * reaches us through the 2xx retransmission, which holds the hooks itself.
   */
  private answeredIncoming(tx: ServerTransaction): void {
    if (this.incomingInvite === tx) this.incomingInvite = undefined;
  }

  protected reliableTimedOut(tx: ServerTransaction): void {
    const err = new SipError(SipErrorCode.Timeout, 'no PRACK for the reliable provisional response');
    this.connectionContext.client.events.post(() => {
      if (!this.isDisposed) this.connectionContext.observer.errorOccurredInDialog(err, tx, this);
    });
  }

  protected reInviteOwner(): ClientTxOwner {
    return {
      onResponse: (tx, res) => {
        if (tx.type === 'CANCEL') return this.postResponse(tx);
        const tag = this.dialog.core?.id.remoteTag;
        if (res.status >= 200 && res.status < 300 && tx.answered && this.acks?.has(tag ?? '') === true && this.outgoingInvite !== tx) {
          this.resendAck(res);
          return;
        }
        this.dialog.core?.receiveResponse(res);
        if (res.status >= 200) this.outgoingInvite = undefined;
        if (res.status >= 200 && res.status < 300) this.session?.uac2xx(res);
        this.postResponse(tx);
      },
      onError: (tx, err) => {
        if (this.outgoingInvite === tx) this.outgoingInvite = undefined;
        // RFC 3261 §12.2.1.2: a request in the dialog timing out ends it (a lost CANCEL does not)
        if (err.code === SipErrorCode.Timeout && tx.type !== 'CANCEL') this.dialog.core?.requestFailed('timeout');
        this.postError(tx, err);
      },
      onInviteCompleted: (tx) => tx.post(() => this.connectionContext.observer.inviteCompleted(tx)),
    };
  }

  protected transmitAck(ack: SipRequest, tx: ClientTransaction): void {
    const stack = this.connectionContext.client.stack;
    stack.sendAck(this.connectionContext.iapId, ack.clone()).catch((e: unknown) => {
      const err = e instanceof SipError ? e : new SipError(SipErrorCode.TransportError, String(e), { cause: e });
      this.postError(tx, err);
    });
  }

  /** @internal A 2xx retransmitted after its INVITE transaction ended: the ACK again. */
  resendAck(res: SipResponse): void {
    const tag = res.to.tag ?? '';
    const owner = this.forks?.get(tag) ?? this;
    const ack = owner.acks?.get(tag);
    if (ack === undefined || res.cseq.seq !== ack.cseq.seq) return;
    this.connectionContext.client.stack.sendAck(this.connectionContext.iapId, ack.clone()).catch(() => undefined);
  }

  protected inviteInProgress(): boolean {
    const out = this.outgoingInvite;
    if (out !== undefined && !out.isDisposed && out.responseElements?.isProvisional !== false && out.state !== 'Terminated') return true;
    const inc = this.incomingInvite;
    if (inc !== undefined && inc.answered) this.incomingInvite = undefined; // answered without our hooks (e.g. disposed unanswered: 500)
    return this.incomingInvite !== undefined;
  }

  /** @internal Requests in the dialog this association answers itself. */
  screen(tx: ServerTransaction): boolean {
    if (tx.type === 'PRACK') return this.prack.uasPrack(tx);
    if (tx.type === 'UPDATE') {
      // RFC 3311 §5.2: an offer in UPDATE while our UPDATE's offer waits for its answer → 491
      const ours = this.offeringUpdate;
      if (tx.request.body.length > 0 && ours !== undefined && !ours.isDisposed && (ours.responseElements?.statusCode ?? 100) < 200 && ours.state !== 'Terminated') {
        tx.respondInternally(createResponse(tx.request, 491, undefined, tx.localTag));
        return true;
      }
      const core = this.dialog.core;
      const contact = this.dialog.localContactOverride;
      if (core !== undefined && contact !== undefined) tx.attachShaper(uasShaper(core, tx.request, contact, this.uasHooks(tx)));
      return false;
    }
    if (tx.type !== 'INVITE') return false;
    if (this.inviteInProgress()) {
      const pendingIn = this.incomingInvite !== undefined && !this.incomingInvite.answered;
      // RFC 3261 §14.2: glare → 491; an INVITE while we still answer another → 500 with Retry-After
      const res = createResponse(tx.request, pendingIn ? 500 : 491, undefined, tx.localTag);
      if (pendingIn) res.headers.set('Retry-After', String(Math.floor(Math.random() * 10)));
      tx.respondInternally(res);
      tx.forceDispose();
      return true;
    }
    this.incomingInvite = tx;
    const core = this.dialog.core;
    const contact = this.dialog.localContactOverride;
    if (core !== undefined && contact !== undefined) tx.attachShaper(uasShaper(core, tx.request, contact, this.uasHooks(tx)));
    return false;
  }

  /** RFC 3261 §13.3.1.4: no ACK for our 2xx: the dialog ends with BYE (the app's, if it sent one meanwhile). */
  protected ackTimedOut(tx: ServerTransaction): void {
    this.awaitingAck = undefined;
    this.sendHeldBye();
    const core = this.dialog.core;
    if (core !== undefined && core.state !== DialogState.Terminated) {
      try {
        const bye = core.createRequest('BYE');
        const noop = { onProvisional: () => undefined, onFinal: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };
        this.connectionContext.client.stack.send(this.connectionContext.iapId, bye, noop);
      } catch {
        core.terminate(EndReason.Timeout);
      }
    }
    const err = new SipError(SipErrorCode.Timeout, 'no ACK for the 2xx');
    this.connectionContext.client.events.post(() => {
      if (!this.isDisposed) this.connectionContext.observer.errorOccurredInDialog(err, tx, this);
    });
  }
}

// Per-call helpers as small classes rather than object literals of arrow functions: held for the
// whole dialog, each closure costs a function and its context per call (and under tsx's keepNames
// a property dictionary each too); a class instance is one object with shared methods.

/** The INVITE association's usage of its dialog. */
class InviteUsage implements DialogUsage {
  constructor(readonly assoc: InviteAssocBase) {}

  screenRequest(tx: ServerTransaction): boolean {
    if (tx.type === 'BYE') this.assoc.byeReceived();
    return this.assoc.screen(tx);
  }

  strayResponse(res: SipResponse): void {
    this.assoc.resendAck(res);
  }

  ackReceived(tx: ServerTransaction): void {
    this.assoc.ackReceived(tx);
  }
}

/** A transaction the response hooks reach while they need it, with its CSeq number. */
interface HeldTx {
  tx: ServerTransaction | undefined;
  readonly seq: number | undefined;
}

/**
 * The response hooks of one request the app answers, holding its transaction (see
 * `uasHooks`): a class, not an object of closures, since one is made per INVITE answered
 * (under tsx each named closure costs an `Object.defineProperty`, esbuild's keepNames).
 */
class UasHooks implements HeldTx, UasShaperHooks {
  tx: ServerTransaction | undefined;
  readonly seq: number | undefined;

  constructor(private readonly assoc: InviteAssocBase, tx: ServerTransaction) {
    this.tx = tx;
    this.seq = tx.requestElements.cseq?.seq;
  }

  shape(res: SipResponse): SipResponse | undefined {
    const tx = this.tx;
    return tx === undefined ? res : this.assoc.uasShape(this, tx, res);
  }

  sent(res: SipResponse): void {
    this.assoc.uasSent(this, res);
  }

  ackTimedOut(): void {
    if (this.tx !== undefined) this.assoc.uasAckTimedOut(this.tx);
  }

  acked(): void {
    this.assoc.uasAcked(this);
  }

  canceled(): void {
    if (this.tx !== undefined) this.assoc.uasCanceled(this.tx);
  }
}

/** What the session timer needs from its association. */
class AssocSessionHost implements SessionHost {
  constructor(private readonly assoc: InviteAssocBase) {}

  get clock(): Clock {
    return this.assoc.connectionContext.client.clock;
  }

  showState(interval: number | undefined): void {
    this.assoc.showSessionTimer(interval);
  }

  sendRefresh(method: 'UPDATE' | 'INVITE', headers: Array<[string, string]>): void {
    this.assoc.sendSessionRefresh(method, headers);
  }

  expired(): void {
    this.assoc.sessionExpired();
  }
}
