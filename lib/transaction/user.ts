/**
 * The observers a transaction user (TU: the dialog layer, the stack) implements. Callbacks are
 * always invoked from a transport or timer event, never from inside the layer call that caused
 * them, except `onTerminated` of a transaction whose cleanup timer is 0 (reliable transports),
 * which follows `onFinal`/the ACK in the same event.
 * @module
 */
import type { SipError } from '../../include-types/errors.js';
import type { SipResponse } from '../message/index.js';

/** Told what happens to a request sent through {@link TransactionLayer.sendRequest}. */
export interface ClientTransactionUser {
  /** A 1xx arrived (every one while Calling/Trying or Proceeding: RFC 3261 §17.1.1.2, §17.1.2.2). */
  onProvisional(response: SipResponse): void;
  /**
   * A final response arrived. Non-2xx: once (retransmissions are absorbed; for INVITE the
   * transaction already sent the ACK). 2xx to INVITE: every one while the transaction is in
   * RFC 6026 Accepted, including retransmissions and 2xx from other forks; the TU ACKs them.
   */
  onFinal(response: SipResponse): void;
  /** Timer B (INVITE) or F (non-INVITE) fired: `error.code` is `Timeout`. The transaction ended. */
  onTimeout(error: SipError): void;
  /** The transport could not send the request or ACK (`TransportError`, `MessageTooLarge`...). */
  onTransportError(error: SipError): void;
  /** The transaction is Terminated and out of the table. Optional; default: nothing. */
  onTerminated?(): void;
}

/**
 * Told what happens to a server transaction after the layer handed it out. Every callback is
 * optional; the default is to do nothing (the layer logs).
 */
export interface ServerTransactionUser {
  /** Timer H fired: the ACK for a non-2xx final response never came (RFC 3261 §17.2.1). */
  onTimeout?(error: SipError): void;
  /** A response could not be sent (RFC 3261 §17.2.4). */
  onTransportError?(error: SipError): void;
  /** The transaction is Terminated and out of the table. */
  onTerminated?(): void;
}
