/**
 * The dialogs one dialog-creating request produced (RFC 3261 §12.1.2, §13.2.2.4): a forking proxy
 * may return responses with different To tags, and each tag is its own dialog.
 * @module
 */
import { DialogState, EndReason } from '../../include-types/states.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { DialogCore } from './dialog.js';
import { type UacDialogOptions, createDialogFromNotify, createUacDialog } from './dialog-factory.js';

/** What a response did to the set. */
export interface DialogSetResult {
  /** The dialog the response belongs to (undefined for 100, tagless 1xx, or a final failure). */
  dialog?: DialogCore;
  /** True if this response created `dialog` (a new fork when others exist). */
  created: boolean;
  /**
   * True for a 2xx on a tag that already had one: a retransmission, to be answered by sending the
   * same ACK again (RFC 3261 §13.2.2.4), not passed to the app.
   */
  retransmission?: boolean;
}

/**
 * The UAC's dialogs for one sent INVITE (or SUBSCRIBE/REFER). State: Init until the first dialog,
 * then the state of the most advanced dialog; Terminated after a final failure.
 */
export class UacDialogSet {
  readonly request: SipRequest;
  private readonly options: UacDialogOptions;
  private readonly byTag = new Map<string, DialogCore>();
  private readonly answered = new Set<string>();
  private failed = false;

  /** @param request the dialog-creating request as sent. */
  constructor(request: SipRequest, options: UacDialogOptions = {}) {
    this.request = request;
    this.options = options;
  }

  /** Init, Early, Confirmed or Terminated, as a Symbian `CSIPDialog` shows the pending dialog. */
  get state(): DialogState {
    if (this.failed) return DialogState.Terminated;
    const states = [...this.byTag.values()].map((d) => d.state);
    if (states.length === 0) return DialogState.Init;
    if (states.includes(DialogState.Confirmed)) return DialogState.Confirmed;
    if (states.includes(DialogState.Early)) return DialogState.Early;
    return DialogState.Terminated;
  }

  /** Every dialog made so far, in creation order. */
  dialogs(): DialogCore[] {
    return [...this.byTag.values()];
  }

  /** The dialog for a remote (To) tag. */
  get(remoteTag: string): DialogCore | undefined {
    return this.byTag.get(remoteTag);
  }

  /**
   * Takes a response to the request: 101–299 with a To tag finds or creates that tag's dialog
   * (a 2xx on a tag with no early dialog creates it Confirmed); 300–699 ends every early dialog
   * (§13.2.2.3: the final failure ends the transaction's early dialogs).
   */
  receiveResponse(res: SipResponse): DialogSetResult {
    // RFC 3261 §12.1.2: a tagless 2xx (RFC 2543 peer) belongs to the dialog with the null tag ''.
    const tag = res.to.tag ?? (res.status >= 200 ? '' : undefined);
    if (res.status >= 300) {
      for (const d of this.byTag.values()) if (d.state === DialogState.Early) d.receiveResponse(res);
      if (this.state !== DialogState.Confirmed) this.failed = true;
      return { created: false };
    }
    if (tag === undefined || res.status === 100) return { created: false };
    const is2xx = res.status >= 200;
    if (is2xx && this.answered.has(tag)) return { dialog: this.byTag.get(tag), created: false, retransmission: true };
    if (is2xx) this.answered.add(tag);
    const known = this.byTag.get(tag);
    if (known !== undefined) {
      known.receiveResponse(res);
      return { dialog: known, created: false };
    }
    const dialog = createUacDialog(this.request, res, this.options);
    this.byTag.set(tag, dialog);
    return { dialog, created: true };
  }

  /**
   * Takes a NOTIFY for the SUBSCRIBE/REFER this set was made for (RFC 6665 §4.1.2.4): it finds
   * or creates the dialog of its From tag, which may come before the 2xx. The caller still runs
   * `dialog.receiveRequest(notify)` for CSeq and target checks.
   * @returns undefined if the set's request is not SUBSCRIBE/REFER or the NOTIFY is not for it.
   */
  receiveNotify(notify: SipRequest): DialogSetResult | undefined {
    const m = this.request.method;
    if ((m !== 'SUBSCRIBE' && m !== 'REFER') || notify.method !== 'NOTIFY') return undefined;
    if (notify.callId !== this.request.callId || notify.to.tag !== this.request.from.tag) return undefined;
    const tag = notify.from.tag;
    if (tag === undefined || this.failed) return undefined;
    const known = this.byTag.get(tag);
    if (known !== undefined) return { dialog: known, created: false };
    const dialog = createDialogFromNotify(this.request, notify, this.options);
    this.byTag.set(tag, dialog);
    return { dialog, created: true };
  }

  /**
   * The INVITE transaction ended (64*T1 after the first 2xx, or timeout): early dialogs that never
   * got a final response end (Canceled if a fork was answered, Timeout if none was).
   */
  transactionEnded(): void {
    const answered = this.state === DialogState.Confirmed;
    for (const d of this.byTag.values()) {
      if (d.state === DialogState.Early) d.terminate(answered ? EndReason.Canceled : EndReason.Timeout);
    }
    if (!answered) this.failed = true;
  }
}
