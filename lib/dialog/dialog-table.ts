/**
 * The dialogs a UA knows, by id (RFC 3261 §12.2.2 matching), with counts for leak tests.
 * A dialog leaves the table by itself when it is Terminated.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { DialogState } from '../../include-types/states.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { DialogCore } from './dialog.js';
import { type DialogId, dialogIdOfIncomingRequest, dialogIdOfIncomingResponse, dialogKey } from './dialog-id.js';

/** Options of {@link DialogTable}. */
export interface DialogTableOptions {
  /** Most live dialogs (StackLimits.maxDialogs; default 20000). */
  maxDialogs?: number;
}

/** A map of live dialogs. */
export class DialogTable {
  private readonly map = new Map<string, { dialog: DialogCore; unsubscribe: () => void }>();
  private readonly maxDialogs: number;

  /** @param options the dialog limit. */
  constructor(options: DialogTableOptions = {}) {
    this.maxDialogs = options.maxDialogs ?? 20_000;
  }

  /** Number of dialogs in the table. */
  get size(): number {
    return this.map.size;
  }

  /**
   * Adds a dialog; it is removed when it becomes Terminated.
   * @returns false (and adds nothing) if a dialog with that id is already there or it is Terminated.
   * @throws SipError(LimitExceeded) when the table is full.
   */
  add(dialog: DialogCore): boolean {
    if (this.map.has(dialog.key) || dialog.state === DialogState.Terminated) return false;
    if (this.map.size >= this.maxDialogs) throw new SipError(SipErrorCode.LimitExceeded, `more than ${this.maxDialogs} dialogs`);
    const unsubscribe = dialog.onStateChange((c) => {
      if (c.to === DialogState.Terminated) this.remove(dialog);
    });
    this.map.set(dialog.key, { dialog, unsubscribe });
    return true;
  }

  /** Removes a dialog; returns true if it was there. */
  remove(dialog: DialogCore): boolean {
    const e = this.map.get(dialog.key);
    if (e === undefined || e.dialog !== dialog) return false;
    e.unsubscribe();
    return this.map.delete(dialog.key);
  }

  /** The dialog with this id. */
  get(id: DialogId): DialogCore | undefined {
    return this.map.get(dialogKey(id))?.dialog;
  }

  /** The dialog an incoming request belongs to (Call-ID, To tag = local, From tag = remote). */
  matchRequest(req: SipRequest): DialogCore | undefined {
    const id = dialogIdOfIncomingRequest(req);
    return id === undefined ? undefined : this.get(id);
  }

  /** The dialog a response to our in-dialog request belongs to (From tag = local, To tag = remote). */
  matchResponse(res: SipResponse): DialogCore | undefined {
    const id = dialogIdOfIncomingResponse(res);
    return id === undefined ? undefined : this.get(id);
  }

  /** Every dialog, in insertion order. */
  all(): DialogCore[] {
    return [...this.map.values()].map((e) => e.dialog);
  }

  /** How many dialogs are in each state (Terminated ones have left, so it is always 0). */
  counts(): Record<DialogState, number> {
    const out: Record<DialogState, number> = { Init: 0, Early: 0, Confirmed: 0, Terminated: 0 };
    for (const { dialog } of this.map.values()) out[dialog.state]++;
    return out;
  }

  /** Empties the table (the dialogs themselves are left as they are). */
  clear(): void {
    for (const e of this.map.values()) e.unsubscribe();
    this.map.clear();
  }
}
