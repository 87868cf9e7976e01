/**
 * Routes in-dialog traffic inside one client (RFC 3261 §12.2.2). The stack routes by Call-ID and
 * our tag to one endpoint per dialog set; here each set fans out by the remote tag to the dialog
 * that owns it, or to the set's pending dialog (no remote tag yet: forks of an INVITE, a NOTIFY
 * before the 2xx to SUBSCRIBE, RFC 6665 §4.1.2.4). Requests for a tag nobody owns get 481.
 * @module
 */
import type { SipRequest, SipResponse } from '../../message/index.js';
import { createResponse } from '../../message/index.js';
import type { DialogEndpoint, DialogKey, SipStack, StackUser } from '../../stack/index.js';
import type { ServerTransaction as MachineServerTx } from '../../transaction/index.js';
import type { MessageSource } from '../../transport/index.js';

/** A dialog as the router sees it. */
export interface DialogRouteTarget {
  /** A request in the dialog (not ACK, not CANCEL). */
  onRequest(tx: MachineServerTx): void;
  /** An ACK for a 2xx we sent. */
  onAck(ack: SipRequest, source: MessageSource): void;
  /** A 2xx retransmission after the INVITE transaction ended: re-send the ACK. */
  onStrayResponse(res: SipResponse): void;
}

/**
 * One dialog set, and its endpoint at the stack. A class rather than an object literal of arrow
 * functions: it lives as long as the dialog, and closures would cost a function and context each
 * per call (and under tsx's keepNames a property dictionary each too).
 */
class DialogSet implements DialogEndpoint {
  readonly byRemoteTag = new RemoteTagTable();
  pending: DialogRouteTarget | undefined;

  constructor(readonly user: StackUser) {}

  onRequest(tx: MachineServerTx): void {
    const target = this.route(tx.request);
    if (target !== undefined) target.onRequest(tx);
    else tx.respond(createResponse(tx.request, 481)); // RFC 3261 §12.2.2: no such dialog
  }

  onAck(ack: SipRequest, source: MessageSource): void {
    this.route(ack)?.onAck(ack, source);
  }

  onStrayResponse(res: SipResponse): void {
    if (res.to.tag !== undefined) this.byRemoteTag.get(res.to.tag)?.onStrayResponse(res);
  }

  private route(req: SipRequest): DialogRouteTarget | undefined {
    const remote = req.from.tag ?? '';
    return this.byRemoteTag.get(remote) ?? this.pending;
  }
}

/**
 * Targets by remote tag. Nearly every set has one dialog (forking is rare), so the first entry is
 * kept inline and a Map is made only for a second: ~200 bytes less per dialog at 10^4 dialogs.
 */
class RemoteTagTable {
  private firstTag: string | undefined;
  private firstTarget: DialogRouteTarget | undefined;
  private more: Map<string, DialogRouteTarget> | undefined;

  get(tag: string): DialogRouteTarget | undefined {
    return tag === this.firstTag ? this.firstTarget : this.more?.get(tag);
  }

  set(tag: string, target: DialogRouteTarget): void {
    if (this.firstTag === undefined || this.firstTag === tag) {
      this.firstTag = tag;
      this.firstTarget = target;
    } else (this.more ??= new Map()).set(tag, target);
  }

  delete(tag: string): void {
    if (tag !== this.firstTag) {
      this.more?.delete(tag);
      return;
    }
    // promote an entry of the Map, if any, to the inline slot
    const next = this.more?.entries().next();
    if (next === undefined || next.done === true) {
      this.firstTag = undefined;
      this.firstTarget = undefined;
      return;
    }
    [this.firstTag, this.firstTarget] = next.value;
    this.more?.delete(next.value[0]);
  }

  get size(): number {
    return (this.firstTag === undefined ? 0 : 1) + (this.more?.size ?? 0);
  }
}

/** The dialog sets of one client. */
export class DialogRoutes {
  private readonly sets = new Map<string, DialogSet>();

  constructor(
    private readonly stack: SipStack,
    private readonly user: StackUser,
  ) {}

  /** Routes `remoteTag` of a set to `target` (undefined: the set's pending dialog). */
  add(callId: string, localTag: string, remoteTag: string | undefined, target: DialogRouteTarget): void {
    const k = key(callId, localTag);
    let set = this.sets.get(k);
    if (set === undefined) {
      set = new DialogSet(this.user);
      this.sets.set(k, set);
      const stackKey: DialogKey = { callId, localTag };
      this.stack.registerDialog(stackKey, set);
    }
    if (remoteTag === undefined) set.pending = target;
    else set.byRemoteTag.set(remoteTag, target);
  }

  /** Stops routing `remoteTag` (or the pending slot) of a set to `target`. */
  remove(callId: string, localTag: string, remoteTag: string | undefined, target: DialogRouteTarget): void {
    const k = key(callId, localTag);
    const set = this.sets.get(k);
    if (set === undefined) return;
    if (remoteTag === undefined) {
      if (set.pending === target) set.pending = undefined;
    } else if (set.byRemoteTag.get(remoteTag) === target) set.byRemoteTag.delete(remoteTag);
    if (set.pending === undefined && set.byRemoteTag.size === 0) {
      this.sets.delete(k);
      this.stack.unregisterDialog({ callId, localTag });
    }
  }

  /** Number of dialog sets routed. */
  get size(): number {
    return this.sets.size;
  }

  /** Stops routing everything. */
  clear(): void {
    for (const k of this.sets.keys()) {
      const [callId, localTag] = k.split('\u0000');
      this.stack.unregisterDialog({ callId, localTag });
    }
    this.sets.clear();
  }
}

function key(callId: string, localTag: string): string {
  return `${callId}\u0000${localTag}`;
}
