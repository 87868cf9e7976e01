/**
 * The value types of a dialog: what it starts with, the verdict on a received request, state
 * changes and snapshots (RFC 3261 §12).
 * @module
 */
import type { DialogState, EndReason } from '../../include-types/states.js';
import type { NameAddr, Uri } from '../message/index.js';
import type { DialogId } from './dialog-id.js';

/** Which side created the dialog: we sent the dialog-creating request ('uac') or received it. */
export type DialogRole = 'uac' | 'uas';

/** Everything a dialog starts with. */
export interface DialogInit {
  /** Who sent the dialog-creating request. */
  role: DialogRole;
  /** The starting state. */
  state: DialogState;
  /** Call-ID and tags. */
  id: DialogId;
  /** Our URI (From of our requests), without the tag. */
  localUri: NameAddr;
  /** The peer's URI (To of our requests), without the tag. */
  remoteUri: NameAddr;
  /** Empty (undefined) on the UAS side until it sends a request (§12.1.1). */
  localSeq?: number;
  /** Empty (undefined) on the UAC side until a request arrives (§12.1.2). */
  remoteSeq?: number;
  /** The route set in the order Route headers are written. */
  routeSet: NameAddr[];
  /** The peer's Contact URI. */
  remoteTarget: Uri;
  /** True when the dialog was created over TLS with a SIPS Request-URI (§12.1.1, §12.1.2). */
  secure: boolean;
  /** Our Contact, sent in target refresh requests. */
  localContact?: NameAddr;
  /** CSeq of the dialog-creating request. */
  initial: { seq: number; method: string };
}

/** What the caller does with a request received in a dialog. */
export type InDialogVerdict =
  /** Process it; `targetRefreshed` tells whether the remote target changed. */
  | { accept: true; targetRefreshed: boolean }
  /** Answer with this status and do nothing else (481 terminated dialog, 500 CSeq out of order). */
  | { accept: false; status: 481 | 500; reason: string };

/** A state change, as listeners see it. */
export interface DialogStateChange {
  from: DialogState;
  to: DialogState;
  /** Set when `to` is Terminated. */
  reason?: EndReason;
}

/** A plain-data picture of a dialog, for logs and the stack's live-object report. */
export interface DialogSnapshot {
  id: DialogId;
  role: DialogRole;
  state: DialogState;
  endReason?: EndReason;
  endStatus?: number;
  localUri: string;
  remoteUri: string;
  localSeq?: number;
  remoteSeq?: number;
  routeSet: string[];
  remoteTarget: string;
  secure: boolean;
}
