/**
 * The UAS core's refusals that depend on the request alone, answered without a server transaction
 * (RFC 3261 §8.2.7, stateless UAS behaviour): 405/501 (§8.2.1), 416 (§8.2.2.1), 420 (§8.2.2.3), a
 * 400 for a header the checks could not read, 481 for a request in a dialog we do not have
 * (§12.2.2) and for a CANCEL that matches no INVITE (§9.2). Also the stack user's refusals by load
 * (`SipStackSettings.admission`, asked last, for a new request outside a dialog), which the
 * transaction layer remembers for the request's retransmissions (layer-types.ts `LOAD_REFUSALS`).
 *
 * Why: a server transaction lives 64*T1 (32 s, Timers J and H) after its final response and keeps
 * that response (with every Via of the request copied in: a hostile one carries hundreds) to
 * answer retransmissions; an INVITE's is also resent by Timer G. Garbage that can never succeed
 * held a transaction each; now it holds nothing.
 *
 * What keeps it correct: the layer calls this only for a request that matched no transaction, so
 * a retransmission of an admitted request is still absorbed. A retransmission of a refused one is
 * checked again and gets the same answer, with the same To tag (§8.2.7: generated "in a manner that
 * will generate the same tag for the same request consistently": a keyed hash of the request's
 * transaction identity). The client's own retransmissions (Timers A and E) then carry the refusal's
 * reliability, as for the stateless 400, 503 and 513 the stack already sends.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { SipStackSettings } from '../../include-types/settings.js';
import { SipParseError, type SipRequest, type SipResponse } from '../message/index.js';
import type { MessageSource } from '../transport/types.js';
import type { DialogRouter } from './dialog-router.js';
import { type UasCheckContext, checkNewRequest, reply } from './uas-checks.js';

/** What the refusal needs of the stack, read per request (users and dialogs come and go). */
export interface RefusalContext {
  /** The check context outside dialogs (Allow from the users' methods). */
  outsideDialog(): UasCheckContext;
  /** The check context in a dialog (any known method passes the Allow check). */
  readonly inDialog: UasCheckContext;
  readonly dialogs: DialogRouter;
  /** The stack user's admission by load (`SipStackSettings.admission`), if any. */
  readonly admission?: SipStackSettings['admission'];
}

/** Builds the refusal function the stack hands to the transaction layer. */
export class StatelessRefusal {
  /** Keys the To tags: the same request gets the same tag, nobody else can predict it. */
  private readonly secret = randomBytes(16);

  constructor(private readonly ctx: RefusalContext) {}

  /**
   * The response to send statelessly for a request that matched no transaction, or undefined
   * when it may get one (and a user).
   * @param inviteFound for a CANCEL: whether the INVITE it cancels has a transaction
   * @param source where it came from (for the admission)
   */
  readonly refuse = (req: SipRequest, inviteFound: boolean, source: MessageSource): SipResponse | undefined => {
    const method = req.method;
    if (method === 'ACK') return undefined; // never answered (§17.1.1.3)
    let outside: UasCheckContext | undefined;
    try {
      if (method === 'CANCEL') return inviteFound ? undefined : this.reply(req, 481, this.ctx.inDialog);
      const toTag = req.to.tag;
      if (toTag === undefined) {
        outside = this.ctx.outsideDialog();
        const error = checkNewRequest(req, outside);
        return error === undefined ? this.admit(req, source, outside) : this.withTag(error, req);
      }
      const error = checkNewRequest(req, this.ctx.inDialog);
      if (error !== undefined) return error; // the request's own To tag is kept
      // RFC 3261 §12.2.2: a request for a dialog we do not have
      if (this.ctx.dialogs.find(req.callId, toTag, req.from.tag) === undefined) return this.reply(req, 481, this.ctx.inDialog);
      return undefined;
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      try {
        return this.reply(req, e.status, outside ?? this.ctx.inDialog, e.reason);
      } catch {
        return undefined; // not even the headers a response copies: the stateful path decides
      }
    }
  };

  /**
   * The stack user's admission of a new request outside a dialog (`SipStackSettings.admission`):
   * its refusal with the deterministic To tag and a Retry-After if it gave one.
   * @throws SipError(InvalidArgument) for a status outside 400-699 (the layer logs it and goes on)
   */
  private admit(req: SipRequest, source: MessageSource, ctx: UasCheckContext): SipResponse | undefined {
    const verdict = this.ctx.admission?.({ method: req.method, callId: req.callId, source: { protocol: source.protocol, address: source.remoteAddress, port: source.remotePort } });
    if (verdict === undefined) return undefined;
    if (!Number.isInteger(verdict.status) || verdict.status < 400 || verdict.status > 699) {
      throw new SipError(SipErrorCode.InvalidArgument, `admission refused with status ${verdict.status}: a refusal is 400-699`);
    }
    const res = this.reply(req, verdict.status, ctx, verdict.reason);
    // RFC 3261 §20.33: delta-seconds
    if (verdict.retryAfter !== undefined && Number.isFinite(verdict.retryAfter) && verdict.retryAfter >= 0) res.headers.set('Retry-After', String(Math.round(verdict.retryAfter)));
    return res;
  }

  /** A refusal with the deterministic To tag (kept as is when the request has one). */
  private reply(req: SipRequest, status: number, ctx: UasCheckContext, reason?: string): SipResponse {
    return reply(req, status, ctx, reason, req.to.tag === undefined ? this.tagFor(req) : undefined);
  }

  /** `res` (built by the checks with a random To tag) with the deterministic one instead. */
  private withTag(res: SipResponse, req: SipRequest): SipResponse {
    if (req.to.tag !== undefined) return res;
    const to = res.to.clone();
    to.tag = this.tagFor(req);
    res.to = to;
    return res;
  }

  /**
   * §8.2.7: the same tag for the same request (a retransmission), from what identifies its
   * transaction (§17.2.3: the top Via's branch and sent-by, and the RFC 2543 fields), keyed.
   */
  private tagFor(req: SipRequest): string {
    const via = req.topVia;
    return createHash('sha256')
      .update(this.secret)
      .update(`${via.branch ?? ''}\n${via.host}:${via.port ?? ''}\n${req.callId}\n${req.from.tag ?? ''}\n${req.cseq.seq}\n${req.cseq.method}\n${req.uri.toString()}`)
      .digest('hex')
      .slice(0, 16);
  }
}
