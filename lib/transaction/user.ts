/**
 * The observers a transaction user (TU: the dialog layer, the stack) implements. Callbacks run
 * from a received message, a timer or a settled send, never from inside `sendRequest` or
 * `cancel`. Two exceptions are synchronous with the call that caused them: `onTerminated` of a
 * transaction whose cleanup timer is 0 on a reliable transport and that sends nothing more
 * (Timer I and K = 0) follows the ACK or the final response at once; and
 * `TransactionLayer.close()` calls every `onTerminated` before it returns. (Timer D and J = 0
 * end the transaction once the transport took the ACK / final response, so a failed send is
 * still reported.) A callback that throws is logged and ignored.
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
