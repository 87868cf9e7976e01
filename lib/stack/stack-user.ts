/**
 * What a user of the stack implements: the API layer's `SipClient` (and its connections and
 * dialogs), or a small program such as samples/uas.ts. The stack routes every incoming request
 * to exactly one of these, or answers it itself.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { InviteServerTransaction, ServerTransaction } from '../transaction/index.js';
import type { MessageSource } from '../transport/index.js';

/** How a user claims a request that belongs to no dialog. */
export type Claim =
  /** The user has a connection on the IAP the request arrived on (CSIPConnection). */
  | 'connection'
  /** The user takes it without a connection on that IAP (MSIPObserver::IncomingRequest). */
  | 'client';

/** A client of the shared stack (Symbian: one CSIP with its UID). */
export interface StackUser {
  /** The client's UID, unique per stack. */
  readonly uid: string;
  /** Methods it serves outside dialogs; the stack lists them in Allow and answers 405 to others. */
  readonly methods: readonly string[];
  /**
   * Whether it takes a new request outside any dialog that arrived on `iapId`. Users with a
   * connection on that IAP are asked first; among equals, the first added wins.
   */
  claim(request: SipRequest, iapId: string): Claim | undefined;
  /** A new request outside any dialog, on a new server transaction the user now answers. */
  onRequest(tx: ServerTransaction, claim: Claim): void;
  /** A CANCEL matched one of its INVITE server transactions; the stack answered 200 and 487. */
  onInviteCanceled?(inviteTx: InviteServerTransaction): void;
}

/** The identity of a dialog as the stack routes by it (RFC 3261 §12). */
export interface DialogKey {
  callId: string;
  localTag: string;
  /** Undefined for a dialog set still waiting for the remote tag (early forks, RFC 6665 NOTIFY). */
  remoteTag?: string;
}

/** Where in-dialog traffic of one dialog goes. */
export interface DialogEndpoint {
  /** The user owning the dialog. */
  readonly user: StackUser;
  /** A request inside the dialog (not ACK, not CANCEL). */
  onRequest(tx: ServerTransaction): void;
  /** An ACK for a 2xx of this dialog (RFC 3261 §13.3.1.4). */
  onAck?(ack: SipRequest, source: MessageSource): void;
  /** A 2xx that matched no transaction: the INVITE's 2xx retransmitted, so the ACK is re-sent. */
  onStrayResponse?(response: SipResponse): void;
}
