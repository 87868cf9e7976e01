/**
 * CSIPServerTransaction: a request that arrived, and the responses the app sends to it. The
 * stack fills in Via, From, To (with the tag), Call-ID, CSeq and Server. A dialog association
 * built on the transaction (e.g. `InviteDialogAssoc.fromServerTransaction`) attaches a
 * {@link ResponseShaper} that adds the dialog's tag, Contact and Record-Route and tracks the
 * dialog's state; a 2xx to INVITE is retransmitted until the ACK (RFC 3261 §13.3.1.4).
 * @module
 */
import type { RemoteAddress, ResponseElementsView, ServerTransaction as ServerTransactionView } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { TransactionState } from '../../../include-types/states.js';
import { type SipRequest, type SipResponse, createResponse, newTag } from '../../message/index.js';
import { InviteServerTransaction, type ServerTransaction as MachineServerTx } from '../../transaction/index.js';
import type { MessageSource } from '../../transport/index.js';
import { checkUserHeaders } from '../elements/header-rules.js';
import { applyElements, headerNames } from '../elements/message-elements.js';
import { RequestElements } from '../elements/request-elements.js';
import type { ClientContext } from '../internal/contexts.js';
import { Transaction } from './transaction.js';

/** What a dialog association does to the responses of the transaction that created its dialog. */
export interface ResponseShaper {
  /** Our To tag (the dialog's local tag). */
  readonly localTag: string;
  /**
   * Adds what the dialog needs (Contact, Record-Route, session timer) before sending. Returns
   * undefined when it sent the response itself (a reliable 1xx, RFC 3262).
   */
  shape(res: SipResponse): SipResponse | undefined;
  /** The response went out (dialog state: Early, Confirmed, Terminated). */
  sent(res: SipResponse): void;
  /** RFC 3261 §13.3.1.4: no ACK for the 2xx within 64*T1. */
  ackTimedOut?(): void;
  /** The ACK for the 2xx came (told after it stopped the retransmission). */
  acked?(): void;
  /** A CANCEL ended the INVITE (the stack answered 487). */
  canceled?(): void;
}

/** A request that arrived; the app owns the object and disposes it. */
export class ServerTransaction extends Transaction implements ServerTransactionView {
  readonly kind = 'ServerTransaction';
  /** The request (CSIPServerTransaction::RequestElements). */
  readonly requestElements: RequestElements;
  /** @internal The IAP it arrived on. */
  readonly iapId: string;
  private shaper: ResponseShaper | undefined;
  private toTag: string | undefined;
  private finalSent = false;
  private retransmitKey: string | undefined;
  private timeoutTimer: { id: number } | undefined;
  private parsed: SipRequest | undefined;

  /**
   * @internal The request as parsed. Let go once the transaction is answered and disposed: the
   * stack may hold the transaction until the ACK or Timer L (32 s), and the parsed request with
   * its body is most of what it costs. The app keeps `requestElements`.
   * @throws SipError(ObjectDisposed) after that.
   */
  get request(): SipRequest {
    if (this.parsed === undefined) throw new SipError(SipErrorCode.ObjectDisposed, `${this.kind} was disposed`);
    return this.parsed;
  }

  /**
   * @internal Wraps a machine (or, for an ACK, only the request: no response is possible).
   */
  constructor(
    /** @internal */
    readonly clientContext: ClientContext,
    request: SipRequest,
    /** @internal The RFC 3261 §17.2 machine (none for an ACK). */
    readonly machine: MachineServerTx | undefined,
    iapId: string,
    /** @internal Where an ACK (no machine) came from. */
    private readonly ackSource?: MessageSource,
  ) {
    super(clientContext.live, request.method);
    this.parsed = request;
    this.iapId = iapId;
    this.requestElements = RequestElements.fromMessage(request);
    this.track();
  }

  /** Where the request came from (its packet's source; see include-types ServerTransaction.remote). */
  get remote(): RemoteAddress | undefined {
    const src = this.machine?.source ?? this.ackSource;
    return src === undefined ? undefined : { protocol: src.protocol, address: src.remoteAddress, port: src.remotePort };
  }

  get isClientTransaction(): false {
    return false;
  }

  get state(): TransactionState {
    return this.machine?.state ?? TransactionState.Terminated;
  }

  /** True while a response may still be sent (not for ACK, not after the final one). */
  get responseAllowed(): boolean {
    if (this.isDisposed || this.machine === undefined || this.finalSent) return false;
    const s = this.machine.rfcState;
    return s === 'Trying' || s === 'Proceeding';
  }

  /** @internal True once a final response was sent (by the app or the stack). */
  get answered(): boolean {
    return this.finalSent || (this.machine !== undefined && !['Trying', 'Proceeding'].includes(this.machine.rfcState));
  }

  /** @internal The dialog association that shapes this transaction's responses. */
  attachShaper(shaper: ResponseShaper): void {
    if (this.toTag !== undefined && this.toTag !== shaper.localTag) {
      throw new SipError(SipErrorCode.InvalidState, 'a response with another To tag was already sent');
    }
    this.shaper = shaper;
  }

  /** @internal The tag this transaction's responses carry (made on first use). */
  get localTag(): string {
    this.toTag ??= this.shaper?.localTag ?? newTag();
    return this.toTag;
  }

  /**
   * Sends a response. 101–199 keep the transaction open; 200–699 end it (a 2xx to INVITE is
   * retransmitted until the ACK, which arrives on a new ServerTransaction).
   * @throws SipError(InvalidState) if no response is allowed; SipError(MalformedMessage) for a
   *   header the stack owns; SipError(InvalidArgument) for 100 on INVITE... as the machine says.
   */
  sendResponse(elements: ResponseElementsView): void {
    this.assertAlive();
    if (!this.responseAllowed || this.machine === undefined) throw new SipError(SipErrorCode.InvalidState, `no response allowed in state ${this.state}`);
    checkUserHeaders(headerNames(elements.messageElements), 'response');
    const status = elements.statusCode;
    let res: SipResponse = createResponse(this.request, status, elements.reasonPhrase, status === 100 ? undefined : this.localTag);
    applyElements(res, elements.messageElements);
    if (!res.headers.has('Server')) res.headers.set('Server', this.clientContext.stack.userAgent);
    if (this.shaper !== undefined) {
      const shaped = this.shaper.shape(res);
      if (shaped === undefined) return this.shaper.sent(res);
      res = shaped;
    }
    this.transmit(res);
  }

  /** @internal Sends a response built by the API itself (481, 491, 500, 422 ...). */
  respondInternally(res: SipResponse): void {
    if (!this.responseAllowed) return;
    if (!res.headers.has('Server')) res.headers.set('Server', this.clientContext.stack.userAgent);
    try {
      this.transmit(res);
    } catch (e) {
      this.clientContext.logger.warn('internal response not sent', { status: res.status, error: String(e) });
    }
  }

  /** @internal Answers after `ms` unless the app did (SipObserver.timedOut); returns the cancel function. */
  answerAfter(ms: number, status: number, onTimeout: () => void): void {
    this.timeoutTimer = this.clientContext.clock.setTimer(() => {
      this.timeoutTimer = undefined;
      if (!this.responseAllowed) return;
      this.respondInternally(createResponse(this.request, status, undefined, this.localTag));
      onTimeout();
    }, ms);
  }

  protected onDispose(): void {
    if (this.timeoutTimer !== undefined) this.clientContext.clock.clearTimer(this.timeoutTimer);
    this.timeoutTimer = undefined;
    // a request the app dropped unanswered would hold its machine forever: answer it
    if (this.responseAllowed && this.machine !== undefined) {
      this.clientContext.logger.info('server transaction disposed unanswered: 500', { method: this.type });
      try {
        const res = createResponse(this.request, 500, 'Server Internal Error', this.localTag);
        res.headers.set('Server', this.clientContext.stack.userAgent);
        this.machine.respond(res);
      } catch {
        // the machine ended meanwhile
      }
    }
    if (this.answered || this.machine === undefined) {
      this.parsed = undefined;
      if (this.machine !== undefined) this.clientContext.forgetServerTx(this.machine);
    }
  }

  private transmit(res: SipResponse): void {
    const machine = this.machine;
    if (machine === undefined) return;
    // any response, a 180 included, shows the app took the request: no SipObserver.timedOut
    if (this.timeoutTimer !== undefined) this.clientContext.clock.clearTimer(this.timeoutTimer);
    this.timeoutTimer = undefined;
    const final = res.status >= 200;
    if (machine instanceof InviteServerTransaction && res.status < 300 && final) {
      // a method, not a named arrow: under tsx a named closure costs an Object.defineProperty per 2xx
      const shaper = this.shaper;
      this.retransmitKey = this.clientContext.stack.send2xxUntilAck(machine, res, { onAckTimeout() { shaper?.ackTimedOut?.(); }, onAck() { shaper?.acked?.(); } });
    } else machine.respond(res);
    if (final) this.finishAnswer();
    this.shaper?.sent(res);
  }

  private finishAnswer(): void {
    this.finalSent = true;
    if (this.timeoutTimer !== undefined) this.clientContext.clock.clearTimer(this.timeoutTimer);
    this.timeoutTimer = undefined;
  }

  /** @internal A CANCEL ended the INVITE: the stack already answered 487. */
  markCanceled(): void {
    this.finishAnswer();
    this.shaper?.canceled?.();
  }

  /** @internal The key of the 2xx retransmission, to stop it if the dialog ends first. */
  get twoXxKey(): string | undefined {
    return this.retransmitKey;
  }
}
