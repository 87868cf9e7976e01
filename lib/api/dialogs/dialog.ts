/**
 * CSIPDialog: one RFC 3261 §12 dialog, made by the stack only and shared by its associations
 * (INVITE, SUBSCRIBE, REFER, NOTIFY usages). It routes requests in the dialog to the connection's
 * observer (`incomingRequestInDialog`), after the §12.2.2 checks (481, 500 out of order) and its
 * associations' own checks (491 glare, PRACK matching). It lives while an association holds it.
 *
 * States (`DialogState`): Init (request sent, no tagged response) → Early → Confirmed →
 * Terminated, as the underlying `DialogCore` moves.
 * @module
 */
import type { Dialog as DialogView, DialogAssoc as DialogAssocView, SipConnection as SipConnectionView } from '../../../include-types/api.js';
import { DialogState, EndReason } from '../../../include-types/states.js';
import type { DialogCore } from '../../dialog/dialog.js';
import { type NameAddr, type SipRequest, type SipResponse, createResponse } from '../../message/index.js';
import type { ServerTransaction as MachineServerTx } from '../../transaction/index.js';
import type { MessageSource } from '../../transport/index.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { ServerTransaction } from '../transactions/server-transaction.js';

/** What a dialog asks of each association sharing it. */
export interface DialogUsage {
  readonly assoc: DialogAssocView;
  /**
   * A request arrived in the dialog, before the app sees it. Return true if the association
   * answered it itself (491 glare, 481 PRACK ...): the app is not told.
   */
  screenRequest?(tx: ServerTransaction): boolean;
  /** The ACK for our 2xx arrived. */
  ackReceived?(tx: ServerTransaction): void;
  /** A 2xx retransmission arrived after the INVITE transaction ended: re-send the ACK. */
  strayResponse?(res: SipResponse): void;
  /**
   * A request arrived before the dialog has state (RFC 6665 §4.1.2.4: a NOTIFY before the 2xx
   * to SUBSCRIBE). Return the dialog state it creates, or undefined.
   */
  adoptRequest?(req: SipRequest): DialogCore | undefined;
}

/** Where a dialog starts: its identity before any response. */
export interface DialogOrigin {
  callId: string;
  localTag: string;
  /** Our From / To of requests, without tags. */
  local: NameAddr;
  remote: NameAddr;
  remoteUri: string;
}

// NOTE: no `implements DialogRouteTarget, Releasable`: those members are marked internal, so the published .d.ts
// (stripInternal) would not satisfy them; `dialogRoutes.add(.., this)` and `live.add(this)` check the shape.
/** CSIPDialog. */
export class Dialog implements DialogView {
  readonly kind = 'Dialog';
  /** @internal */
  readonly connectionContext: ConnectionContext;
  readonly contextId: number;
  private coreRef: DialogCore | undefined;
  private readonly origin: DialogOrigin;
  private readonly usages: DialogUsage[] = [];
  private routedTag: string | undefined | null = null; // null: not routed
  private ended = false;
  private released = false;
  /** @internal Our Contact in this dialog. */
  localContactOverride: NameAddr | undefined;

  /** @internal Built by the stack side of the API only. */
  constructor(conn: ConnectionContext, origin: DialogOrigin, core?: DialogCore) {
    this.connectionContext = conn;
    this.origin = origin;
    this.contextId = conn.client.nextContextId();
    conn.client.live.add(this);
    if (core !== undefined) this.bind(core);
    else this.route(undefined);
  }

  /** Init, Early, Confirmed or Terminated (CSIPDialog::State). */
  get state(): DialogState {
    if (this.coreRef !== undefined) return this.coreRef.state;
    return this.ended ? DialogState.Terminated : DialogState.Init;
  }

  /** Every association sharing this dialog. */
  get dialogAssocs(): readonly DialogAssocView[] {
    return this.usages.map((u) => u.assoc);
  }

  /** The dialog's Call-ID. */
  get callId(): string {
    return this.origin.callId;
  }

  /** Our address (From of our requests) with our tag. */
  get fromHeader(): string {
    const f = this.origin.local.clone();
    f.tag = this.origin.localTag;
    return f.toString();
  }

  /** The peer's address (To of our requests) with its tag once known. */
  get toHeader(): string {
    const t = this.origin.remote.clone();
    t.tag = this.coreRef?.id.remoteTag || undefined;
    return t.toString();
  }

  /** The remote target (Contact of the peer), or the Request-URI before any response. */
  get remoteUri(): string {
    return this.coreRef?.remoteTarget.toString() ?? this.origin.remoteUri;
  }

  /** @internal Our tag. */
  get localTag(): string {
    return this.origin.localTag;
  }

  /** @internal The peer's tag, once known. */
  get remoteTag(): string | undefined {
    return this.coreRef?.id.remoteTag;
  }

  /** Why the dialog ended, once Terminated. */
  get endReason(): EndReason | undefined {
    return this.coreRef?.endReason ?? (this.ended ? EndReason.Rejected : undefined);
  }

  /** @internal The RFC 3261 §12 state, once a tagged response or the request created it. */
  get core(): DialogCore | undefined {
    return this.coreRef;
  }

  /** @internal The dialog where `origin` came from. */
  get originInfo(): DialogOrigin {
    return this.origin;
  }

  /** The connection the dialog belongs to (CSIPDialog::Connection). */
  get connection(): SipConnectionView {
    return this.connectionContext.connection;
  }

  /** True while the dialog is not terminated (MSIPRegistrationContext). */
  isContextActive(): boolean {
    return this.state !== DialogState.Terminated;
  }

  /** True if `assoc` shares this dialog. */
  isAssociated(assoc: DialogAssocView): boolean {
    return this.usages.some((u) => u.assoc === assoc);
  }

  /** @internal Gives the dialog its RFC 3261 state (first tagged response, or a fork's). */
  bind(core: DialogCore): void {
    this.coreRef = core;
    this.route(core.id.remoteTag);
  }

  /** @internal Ends a dialog that never got a tagged response. */
  markTerminated(): void {
    this.ended = true;
    this.coreRef?.terminate(EndReason.Rejected);
  }

  /** @internal An association joins the dialog. */
  attach(usage: DialogUsage): void {
    this.usages.push(usage);
  }

  /** @internal An association leaves; the last one releases the dialog. */
  detach(assoc: DialogAssocView): void {
    const i = this.usages.findIndex((u) => u.assoc === assoc);
    if (i >= 0) this.usages.splice(i, 1);
    if (this.usages.length === 0) this.forceDispose();
  }

  /** @internal Stops routing and leaves the registry. */
  forceDispose(): void {
    if (this.released) return;
    this.released = true;
    this.unroute();
    this.connectionContext.client.live.remove(this);
  }

  // ---- DialogRouteTarget ----

  /** @internal A request in this dialog (RFC 3261 §12.2.2). */
  onRequest(machine: MachineServerTx): void {
    const req = machine.request;
    if (this.coreRef === undefined) {
      for (const u of this.usages) {
        const adopted = u.adoptRequest?.(req);
        if (adopted !== undefined) {
          this.bind(adopted);
          break;
        }
      }
    }
    const core = this.coreRef;
    if (core === undefined) {
      machine.respond(createResponse(req, 481)); // no dialog state yet
      return;
    }
    const verdict = core.receiveRequest(req);
    if (!verdict.accept) {
      machine.respond(createResponse(req, verdict.status, verdict.reason));
      return;
    }
    const client = this.connectionContext.client;
    const tx = new ServerTransaction(client, req, machine, machine.source.iapId);
    client.noteServerTx(machine, tx);
    for (const u of this.usages) {
      if (u.screenRequest?.(tx) === true) {
        tx.forceDispose(); // answered by the association; the app never sees it
        return;
      }
    }
    this.deliver(tx);
  }

  /** @internal The ACK for a 2xx of this dialog: on a new ServerTransaction (DESIGN §3). */
  onAck(ack: SipRequest, source: MessageSource): void {
    if (this.coreRef === undefined) return;
    this.coreRef.receiveRequest(ack);
    const tx = new ServerTransaction(this.connectionContext.client, ack, undefined, source.iapId, source);
    for (const u of this.usages) u.ackReceived?.(tx);
    this.deliver(tx);
  }

  /** @internal A 2xx retransmitted after its INVITE transaction ended. */
  onStrayResponse(res: SipResponse): void {
    for (const u of this.usages) u.strayResponse?.(res);
  }

  private deliver(tx: ServerTransaction): void {
    const observer = this.connectionContext.observer;
    this.connectionContext.client.events.post(() => {
      if (!tx.isDisposed) observer.incomingRequestInDialog(tx, this);
    });
  }

  private route(remoteTag: string | undefined): void {
    if (this.released) return;
    this.unroute();
    this.connectionContext.client.dialogRoutes.add(this.origin.callId, this.origin.localTag, remoteTag, this);
    this.routedTag = remoteTag;
  }

  private unroute(): void {
    if (this.routedTag === null) return;
    this.connectionContext.client.dialogRoutes.remove(this.origin.callId, this.origin.localTag, this.routedTag, this);
    this.routedTag = null;
  }
}
