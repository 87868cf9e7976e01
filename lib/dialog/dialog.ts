/**
 * A dialog's state (RFC 3261 §12): id, URIs, CSeq numbers, route set, remote target, and the
 * rules that change them as requests and responses pass.
 *
 * States (include-types `DialogState`): Init → Early → Confirmed → Terminated; Init → Confirmed;
 * any → Terminated. Inputs: responses to the dialog-creating request (§12.1), requests received in
 * the dialog (§12.2.2), responses to requests sent in it (§12.2.1.2), BYE, transaction timeouts.
 * Pure: no I/O, no timers. Build one with `createUacDialog` / `createUasDialog` / `UacDialogSet`.
 * @module
 */
import { randomInt } from 'node:crypto';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { DialogState, EndReason } from '../../include-types/states.js';
import { MAX_CSEQ, type NameAddr, type SipRequest, type SipResponse, type Uri } from '../message/index.js';
import { type DialogId, dialogKey } from './dialog-id.js';
import { type InDialogRequestOptions, buildInDialogRequest, extraPairs } from './request-builder.js';
import type { DialogInit, DialogRole, DialogSnapshot, DialogStateChange, InDialogVerdict } from './dialog-types.js';
import { isTargetRefresh } from './target-refresh.js';
import { ownString } from '../message/own-copy.js';

export type { DialogInit, DialogRole, DialogSnapshot, DialogStateChange, InDialogVerdict } from './dialog-types.js';

/** The state of one dialog. */
export class DialogCore {
  /** Whether we sent ('uac') or received ('uas') the dialog-creating request. */
  readonly role: DialogRole;
  /** Call-ID and tags, from our side. */
  readonly id: DialogId;
  /** `dialogKey(id)`. */
  readonly key: string;
  /** Our URI (From of our requests), without tag. */
  readonly localUri: NameAddr;
  /** The peer's URI (To of our requests), without tag. */
  readonly remoteUri: NameAddr;
  /** RFC 3261 §12.1: created over TLS with a SIPS Request-URI. */
  readonly secure: boolean;
  /** CSeq of the dialog-creating request. */
  readonly initial: { readonly seq: number; readonly method: string };
  private _state: DialogState;
  private _endReason: EndReason | undefined;
  private _endStatus: number | undefined;
  private _localSeq: number | undefined;
  private _remoteSeq: number | undefined;
  private _routeSet: NameAddr[];
  private _remoteTarget: Uri;
  /** Our Contact, added to target refresh requests the dialog builds. */
  localContact: NameAddr | undefined;
  /** Made on the first subscription: most dialogs (an SRS holds 10^4) never have one. */
  private listeners: Set<(change: DialogStateChange) => void> | undefined;

  /** Use the factories (`createUacDialog`, `createUasDialog`, `UacDialogSet`) rather than this. */
  constructor(init: DialogInit) {
    this.role = init.role;
    // the id lives as long as the dialog: cut from a received message, it would pin the message's text
    this.id = { callId: ownString(init.id.callId), localTag: ownString(init.id.localTag), remoteTag: ownString(init.id.remoteTag) };
    this.key = dialogKey(this.id);
    this.localUri = init.localUri.clone();
    this.localUri.tag = undefined;
    this.remoteUri = init.remoteUri.clone();
    this.remoteUri.tag = undefined;
    this.secure = init.secure;
    this.initial = { ...init.initial };
    this._state = init.state;
    this._localSeq = init.localSeq;
    this._remoteSeq = init.remoteSeq;
    this._routeSet = init.routeSet.map((r) => r.clone());
    this._remoteTarget = init.remoteTarget.clone();
    this.localContact = init.localContact?.clone();
  }

  /** Init, Early, Confirmed or Terminated. */
  get state(): DialogState {
    return this._state;
  }
  /** Why the dialog ended (undefined until Terminated). */
  get endReason(): EndReason | undefined {
    return this._endReason;
  }
  /** The SIP status that ended it, if one did (e.g. 481, 408, 486). */
  get endStatus(): number | undefined {
    return this._endStatus;
  }
  /** The CSeq of our last request (undefined until the UAS side sends one). */
  get localSeq(): number | undefined {
    return this._localSeq;
  }
  /** The highest CSeq received (undefined until the UAC side receives a request). */
  get remoteSeq(): number | undefined {
    return this._remoteSeq;
  }
  /** The route set, in the order Route headers are written. */
  get routeSet(): readonly NameAddr[] {
    return this._routeSet;
  }
  /** Where requests go (the peer's Contact), unless a strict router is first in the route set. */
  get remoteTarget(): Uri {
    return this._remoteTarget;
  }

  /** The dialog as plain data (a copy; later changes do not show in it). */
  snapshot(): DialogSnapshot {
    const snap: DialogSnapshot = {
      id: { ...this.id },
      role: this.role,
      state: this._state,
      localUri: this.localUri.toString(),
      remoteUri: this.remoteUri.toString(),
      routeSet: this._routeSet.map((r) => r.toString()),
      remoteTarget: this._remoteTarget.toString(),
      secure: this.secure,
    };
    if (this._endReason !== undefined) snap.endReason = this._endReason;
    if (this._endStatus !== undefined) snap.endStatus = this._endStatus;
    if (this._localSeq !== undefined) snap.localSeq = this._localSeq;
    if (this._remoteSeq !== undefined) snap.remoteSeq = this._remoteSeq;
    return snap;
  }

  /** Calls `fn` on every state change; returns the function that unsubscribes. */
  onStateChange(fn: (change: DialogStateChange) => void): () => void {
    const listeners = (this.listeners ??= new Set());
    listeners.add(fn);
    return () => listeners.delete(fn);
  }

  /**
   * Builds a request within the dialog (RFC 3261 §12.2.1.1) with the next local CSeq, or for
   * CANCEL the cancelled request's CSeq number given in `cseq` (ACK: use {@link createAck}).
   * The request has no Via: the transaction layer adds it. Building a BYE ends the dialog
   * (RFC 3261 §15.1.1 ends the session when the BYE is handed to its transaction) with
   * `options.endReason` (default LocalBye; e.g. SessionTimerExpired when the timer sent it).
   * @throws SipError(InvalidDialogState) when Terminated, in Init, or a BYE from the callee of an
   *   early dialog (§15); SipError(InvalidArgument) for ACK, or CANCEL without `cseq`.
   */
  createRequest(method: string, options: InDialogRequestOptions & { cseq?: number; endReason?: EndReason } = {}): SipRequest {
    this.assertCanSend(method);
    extraPairs(options.headers); // refuse owned headers before a CSeq number is used
    if (method === 'ACK') throw new SipError(SipErrorCode.InvalidArgument, 'use createAck for ACK');
    let seq: number;
    if (method === 'CANCEL') {
      if (options.cseq === undefined) throw new SipError(SipErrorCode.InvalidArgument, 'CANCEL needs the CSeq of the request it cancels');
      seq = options.cseq;
    } else {
      // RFC 3261 §12.2.1.1: local CSeq + 1; an empty one starts at a random value (§8.1.1.5).
      seq = this._localSeq === undefined ? randomInt(1, 0x10000) : this._localSeq + 1;
      // RFC 3261 §8.1.1.5: CSeq stays below 2**31.
      if (seq > MAX_CSEQ) throw new SipError(SipErrorCode.InvalidDialogState, 'CSeq space of the dialog exhausted');
      this._localSeq = seq;
    }
    const req = buildInDialogRequest(this.addressing(), method, seq, isTargetRefresh(method), options);
    if (method === 'BYE') this.terminate(options.endReason ?? EndReason.LocalBye);
    return req;
  }

  /**
   * The ACK for a 2xx to an INVITE (RFC 3261 §13.2.2.4): CSeq number of that INVITE, method ACK,
   * routed like any request in the dialog (remote target as updated by the 2xx), carrying the
   * answer when the offer was in the 2xx. Its Via needs a new branch (the stack adds it).
   * `invite`, when given, lends its Authorization and Proxy-Authorization values: §13.2.2.4 wants
   * the ACK to carry the same credentials as the INVITE.
   */
  createAck(inviteSeq: number, options: InDialogRequestOptions & { invite?: SipRequest } = {}): SipRequest {
    if (this._state === DialogState.Init) throw new SipError(SipErrorCode.InvalidDialogState, 'no dialog to ACK in');
    const ack = buildInDialogRequest(this.addressing(), 'ACK', inviteSeq, false, options);
    if (options.invite !== undefined) {
      // RFC 3261 §13.2.2.4: the same credentials as the INVITE.
      for (const name of ['Proxy-Authorization', 'Authorization']) {
        ack.headers.delete(name);
        for (const v of options.invite.headers.getAll(name)) ack.headers.append(name, v);
      }
    }
    return ack;
  }

  /** Checks and records a request received in this dialog (RFC 3261 §12.2.2). */
  receiveRequest(req: SipRequest): InDialogVerdict {
    if (this._state === DialogState.Terminated || !this.matches(req)) return { accept: false, status: 481, reason: 'Call/Transaction Does Not Exist' };
    // ACK and CANCEL carry the CSeq of the request they belong to, so they neither check nor move it.
    if (req.method === 'ACK' || req.method === 'CANCEL') return { accept: true, targetRefreshed: false };
    const seq = req.cseq.seq;
    // RFC 3261 §12.2.2: lower than the remote CSeq → out of order → 500.
    if (this._remoteSeq !== undefined && seq < this._remoteSeq) return { accept: false, status: 500, reason: 'CSeq Out Of Order' };
    this._remoteSeq = seq;
    let targetRefreshed = false;
    // RFC 3261 §12.2.2 (RFC 3311, RFC 6665): a target refresh request's Contact is the new remote target.
    // NOTE (deviation): RFC 6141 would wait for the 2xx to a re-INVITE; tsip updates on receipt as §12.2.2 says.
    if (isTargetRefresh(req.method)) targetRefreshed = this.takeContact(req);
    if (req.method === 'BYE') this.terminate(EndReason.RemoteBye);
    return { accept: true, targetRefreshed };
  }

  /**
   * Records a response to a request we sent: to the dialog-creating request (UAC, §12.1.2,
   * §13.2.2.4) or within the dialog (§12.2.1.2).
   */
  receiveResponse(res: SipResponse): void {
    if (this._state === DialogState.Terminated) return;
    const { seq, method } = res.cseq;
    const status = res.status;
    if (this.role === 'uac' && seq === this.initial.seq && method === this.initial.method && this._state !== DialogState.Confirmed) {
      if (status < 200) {
        if (status > 100) this.takeContact(res);
      } else if (status < 300) {
        // RFC 3261 §13.2.2.4 / §12.1.2: the 2xx recomputes the route set and the remote target.
        this._routeSet = [...res.recordRoute].reverse().map((r) => r.clone());
        this.takeContact(res);
        this.setState(DialogState.Confirmed);
      } else this.terminate(status === 487 ? EndReason.Canceled : EndReason.Rejected, status);
      return;
    }
    // RFC 3261 §12.2.1.2: 481 and 408 end the dialog.
    // NOTE (deviation): RFC 5057 would keep other usages alive; tsip has one usage per dialog core.
    if (status === 481) this.terminate(EndReason.Rejected, status);
    else if (status === 408) this.terminate(EndReason.Timeout, status);
    else if (status >= 200 && status < 300 && isTargetRefresh(method)) this.takeContact(res);
  }

  /**
   * Records a response we sent to the dialog-creating request (UAS, §12.1.1): 101–199 with a tag
   * → Early, 2xx → Confirmed, 3xx–6xx → Terminated (487 → Canceled).
   */
  responseSent(res: SipResponse): void {
    if (this.role !== 'uas' || this._state === DialogState.Terminated || this._state === DialogState.Confirmed) return;
    const { seq, method } = res.cseq;
    if (seq !== this.initial.seq || method !== this.initial.method) return;
    if (res.status > 100 && res.status < 200) this.setState(DialogState.Early);
    else if (res.status >= 200 && res.status < 300) this.setState(DialogState.Confirmed);
    else if (res.status >= 300) this.terminate(res.status === 487 ? EndReason.Canceled : EndReason.Rejected, res.status);
  }

  /**
   * A request we sent in the dialog got no response (RFC 3261 §12.2.1.2: SHOULD terminate), or
   * the transport failed.
   */
  requestFailed(cause: 'timeout' | 'transport'): void {
    this.terminate(cause === 'timeout' ? EndReason.Timeout : EndReason.TransportError);
  }

  /** Ends the dialog (idempotent: the first reason stays). */
  terminate(reason: EndReason, status?: number): void {
    if (this._state === DialogState.Terminated) return;
    this._endReason = reason;
    this._endStatus = status;
    this.setState(DialogState.Terminated, reason);
  }

  /** True if a request carries this dialog's id (RFC 3261 §12.2.2: Call-ID, To tag, From tag). */
  matches(req: SipRequest): boolean {
    return req.callId === this.id.callId && req.to.tag === this.id.localTag && (req.from.tag ?? '') === this.id.remoteTag;
  }

  private assertCanSend(method: string): void {
    if (this._state === DialogState.Terminated) throw new SipError(SipErrorCode.InvalidDialogState, 'dialog terminated');
    if (this._state === DialogState.Init) throw new SipError(SipErrorCode.InvalidDialogState, 'dialog not established');
    // RFC 3261 §15: the callee must not send BYE on an early dialog.
    if (method === 'BYE' && this.role === 'uas' && this._state === DialogState.Early) {
      throw new SipError(SipErrorCode.InvalidDialogState, 'the callee may not send BYE on an early dialog');
    }
  }

  private takeContact(msg: SipRequest | SipResponse): boolean {
    const c = msg.contact[0];
    if (c === undefined || c === '*') return false;
    this._remoteTarget = c.uri.clone();
    return true;
  }

  private setState(to: DialogState, reason?: EndReason): void {
    const from = this._state;
    if (from === to) return;
    this._state = to;
    const change: DialogStateChange = reason === undefined ? { from, to } : { from, to, reason };
    if (this.listeners !== undefined) for (const fn of [...this.listeners]) fn(change);
  }

  private addressing() {
    return {
      callId: this.id.callId,
      localUri: this.localUri,
      localTag: this.id.localTag,
      remoteUri: this.remoteUri,
      remoteTag: this.id.remoteTag,
      routeSet: this._routeSet,
      remoteTarget: this._remoteTarget,
      localContact: this.localContact,
    };
  }
}
