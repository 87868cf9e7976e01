/**
 * The types of the {@link TransactionLayer} interface: its options, what it did with a received
 * message, and its live-object counts.
 * @module
 */
import type { Clock, Logger, StackLimits, TimerSettings } from '../../include-types/settings.js';
import type { MessageSource, TransportPort } from '../transport/types.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { InviteClientTransaction } from './invite-client.js';
import type { InviteServerTransaction } from './invite-server.js';
import type { NonInviteClientTransaction } from './non-invite-client.js';
import type { NonInviteServerTransaction } from './non-invite-server.js';

/** Either client machine. */
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
/** Either server machine. */
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** Options of {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  /** Where messages go out. */
  transport: TransportPort;
  /** Timers; use a `FakeClock` in tests. */
  clock: Clock;
  /** T1, T2, T4 and the 100 Trying delay; defaults 500/4000/5000/200 ms. */
  timers?: Partial<TimerSettings>;
  /** Where drops and refusals are logged; default silent. */
  logger?: Logger;
  /** Transaction limits; defaults 10000 each. */
  limits?: Partial<Pick<StackLimits, 'maxClientTransactions' | 'maxServerTransactions' | 'maxUnacknowledgedInvites' | 'limitRetryAfter' | 'maxRememberedRefusals' | 'unacknowledgedGiveUpAfter'>>;
}

/**
 * What {@link TransactionLayer.receiveRequest} did with a request.
 * - `new`: a new server transaction; the caller hands it to the TU, which answers with `tx.respond`.
 * - `absorbed`: a retransmission or the ACK of a non-2xx final response, handled by `tx`.
 * - `ack2xx`: an ACK for a 2xx (no transaction, or an INVITE transaction in RFC 6026 Accepted,
 *   `inviteTx`); for the dialog layer. `retransmissionStopped` is true if it stopped a
 *   {@link TransactionLayer.retransmit2xxUntilAck}.
 * - `cancel`: a new CANCEL, on its own `cancelTx`; `inviteTx` is the INVITE transaction it matches
 *   (RFC 3261 §9.2), if any. The TU answers the CANCEL (200, or 481 without `inviteTx`) and the
 *   INVITE (487) itself.
 * - `rejected`: answered statelessly, no transaction made (never an ACK): 503 over
 *   `maxServerTransactions` or `maxUnacknowledgedInvites`, or the caller's {@link StatelessRefusal}.
 * - `dropped`: the layer is closed, or the request lacks Via/CSeq/Call-ID/From/To.
 */
export type RequestDisposition =
  | { kind: 'new'; tx: ServerTransaction }
  | { kind: 'absorbed'; tx: ServerTransaction }
  | { kind: 'ack2xx'; inviteTx?: InviteServerTransaction; retransmissionStopped: boolean }
  | { kind: 'cancel'; cancelTx: NonInviteServerTransaction; inviteTx?: InviteServerTransaction }
  | { kind: 'rejected'; status: number }
  | { kind: 'dropped'; reason: 'closed' | 'malformed' };

/**
 * What {@link TransactionLayer.receiveResponse} did with a response: `matched` went to `tx`;
 * `stray` matched no transaction (e.g. a 2xx retransmission after Timer M: the dialog layer
 * re-sends its ACK).
 */
export type ResponseDisposition = { kind: 'matched'; tx: ClientTransaction } | { kind: 'stray'; response: SipResponse };

/** What the layer's limits did: requests refused with a stateless 503, 2xx given up (cumulative counts). */
export interface LimitRejections {
  /** Over `maxServerTransactions`. */
  serverTransactions: number;
  /** Initial INVITEs over `maxUnacknowledgedInvites`. */
  unacknowledgedInvites: number;
  /**
   * Retransmissions of a request refused for one of the limits above, refused again within 64*T1
   * however the load stood then (see `StackLimits.maxRememberedRefusals`).
   */
  retransmissions: number;
  /**
   * 2xx whose ACK had not come after `unacknowledgedGiveUpAfter`, given up (their TU told, as at
   * 64*T1) so that a new INVITE over `maxUnacknowledgedInvites` could take their place.
   */
  ackWaitsGivenUp: number;
}

/** Every stateless 503 the limits sent: over either limit, and the retransmissions refused again. */
export function limitRefusalCount(r: LimitRejections): number {
  return r.serverTransactions + r.unacknowledgedInvites + r.retransmissions;
}

/** Live objects of the layer, by kind. */
export interface TransactionStats {
  clientInvite: number;
  clientNonInvite: number;
  serverInvite: number;
  serverNonInvite: number;
  /** CANCELs waiting for a provisional response. */
  pendingCancels: number;
  /** 2xx being retransmitted until their ACK. */
  retransmitting2xx: number;
  /** Sum of all the above. */
  total: number;
}

/**
 * The UAS core's answer to a request that matched no transaction, when the request alone decides
 * it cannot succeed (RFC 3261 §8.2.7), or the stack user's admission refuses it for the load: the
 * final response the layer then sends statelessly, making no transaction, or undefined to go on.
 * `inviteFound` tells a CANCEL whether the INVITE it cancels has a transaction (§9.2); `source`
 * is where the request came from. Never called for an ACK. May throw; the layer then goes on.
 * A refusal with a status that depends on the load (480, 486, 503) is remembered like a limit's
 * 503 ({@link LOAD_REFUSALS}), so a retransmission cannot pass once the load falls.
 */
export type StatelessRefusal = (request: SipRequest, inviteFound: boolean, source: MessageSource) => SipResponse | undefined;

/** Statuses of a stateless refusal that depend on the load, not on the request (see {@link StatelessRefusal}). */
export const LOAD_REFUSALS: ReadonlySet<number> = new Set([480, 486, 503]);
