/**
 * What the two client machines share (RFC 3261 §17.1): the next hop, the user, whether the
 * transport retransmits for us, and sending with §17.1.4 transport-error handling.
 * @module
 */
import type { SipError } from '../../include-types/errors.js';
import type { SendTarget } from '../transport/types.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { IctState, NictState } from './states.js';
import { type TerminationHook, Transaction, TransactionEndReason, type TransactionContext, asTransportError, settle } from './transaction.js';
import type { ClientTransactionUser } from './user.js';

/** Base of {@link InviteClientTransaction} and {@link NonInviteClientTransaction}. */
export abstract class ClientTransactionBase<S extends IctState | NictState, T extends string> extends Transaction<S, T> {
  /** Where the request (and its retransmissions, ACK and CANCEL) go. */
  readonly target: SendTarget;
  /** Told of responses, timeouts and errors. */
  readonly user: ClientTransactionUser;
  /** The last response received, if any. */
  lastResponse: SipResponse | undefined;
  /** The stream connection the request last went over, once a send resolved (TCP/TLS). */
  connectionId: number | undefined;
  /** True if the transport retransmits for us (no Timer A/E; D/K are 0). */
  protected reliable: boolean;

  protected constructor(
    ctx: TransactionContext,
    request: SipRequest,
    target: SendTarget,
    user: ClientTransactionUser,
    initial: S,
    onEnd?: TerminationHook,
  ) {
    super(ctx, request, initial, onEnd);
    this.target = target;
    this.user = user;
    this.reliable = ctx.transport.isReliable(target.protocol);
  }

  /** True if the transport in use is reliable. */
  get isReliable(): boolean {
    return this.reliable;
  }

  /** Sends the request for the first time and starts the machine's timers. */
  abstract start(): void;

  /** A response matched this transaction (RFC 3261 §17.1.3). */
  abstract receiveResponse(response: SipResponse): void;

  /** The transport switched to a reliable protocol (e.g. UDP → TCP above the MTU): stop retransmitting. */
  protected abstract becameReliable(): void;

  /**
   * Sends a request of this transaction (the request, a retransmission, or the ACK).
   * @returns resolves true once the transport took it, false if it failed (already handled).
   */
  protected send(msg: SipRequest): Promise<boolean> {
    return settle(() => this.ctx.transport.sendRequest(msg, this.target)).then(
      (info) => {
        if (info.connectionId !== undefined) this.connectionId = info.connectionId;
        // RFC 3261 §18.1.1: a request above the MTU goes over TCP, which needs no retransmission
        if (!this.reliable && !this.terminated && this.ctx.transport.isReliable(info.protocol)) {
          this.reliable = true;
          this.becameReliable();
        }
        return true;
      },
      (err: unknown) => {
        this.transportFailed(asTransportError(err));
        return false;
      },
    );
  }

  /** True until a final response arrived (the states a lost connection can still fail). */
  abstract get awaitingFinal(): boolean;

  /**
   * The connection the request went over closed before a final response (RFC 3261 §17.1.4):
   * report it as a transport error and end. Does nothing once a final response arrived.
   */
  connectionLost(error: SipError): void {
    if (this.awaitingFinal) this.transportFailed(error);
  }

  /** RFC 3261 §17.1.4: a fatal transport error ends the transaction and is reported to the TU. */
  protected transportFailed(error: SipError): void {
    if (this.terminated) {
      this.ctx.logger.debug('transport error after termination', { branch: this.branch, error: error.message });
      return;
    }
    this.ctx.logger.warn('client transaction transport error', { branch: this.branch, error: error.message });
    this.callUser(() => this.user.onTransportError(error));
    this.finish(TransactionEndReason.TransportError);
  }

  protected notifyTerminated(): void {
    const cb = this.user.onTerminated;
    if (cb !== undefined) this.callUser(() => cb.call(this.user));
  }
}
