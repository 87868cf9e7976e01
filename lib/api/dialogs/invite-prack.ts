/**
 * RFC 3262 for an INVITE association: as caller, which reliable 1xx reach the app and the RAck
 * of its PRACK; as callee, sending a 1xx reliably (retransmitted until the PRACK, 5xx to the
 * INVITE after 64*T1 without one) and matching PRACKs (481 when nothing matches).
 * @module
 */
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { Clock } from '../../../include-types/settings.js';
import { ReliableProvisionalReceiver } from '../../dialog/reliable-provisional-receiver.js';
import { ReliableProvisionalSender } from '../../dialog/reliable-provisional-sender.js';
import { type SipResponse, createResponse } from '../../message/index.js';
import type { ServerTransaction } from '../transactions/server-transaction.js';

/** The PRACK state of one INVITE association. */
export class PrackState {
  private readonly receiver = new ReliableProvisionalReceiver();
  /** RAck per remote tag awaiting its PRACK, made on the first reliable 1xx. */
  private racks: Map<string, string> | undefined;
  private sender: ReliableProvisionalSender | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly t1: number,
  ) {}

  /** RFC 3262 §4: false for a retransmitted, out-of-order or broken reliable 1xx (dropped). */
  uacProvisional(res: SipResponse): boolean {
    const v = this.receiver.receive(res);
    if (v.kind === 'unreliable') return true;
    if (v.kind !== 'accept') return false;
    (this.racks ??= new Map()).set(res.to.tag ?? '', v.rack);
    return true;
  }

  /** Remote tags with a reliable 1xx waiting for its PRACK. */
  pendingTags(): string[] {
    return this.racks === undefined ? [] : [...this.racks.keys()];
  }

  /** The RAck for the PRACK of the last reliable 1xx of a fork, consumed. */
  takeRack(remoteTag: string): string | undefined {
    const r = this.racks?.get(remoteTag);
    this.racks?.delete(remoteTag);
    return r;
  }

  /**
   * RFC 3262 §3: sends a 1xx with `Require: 100rel` reliably through `tx`'s machine.
   * @returns undefined (sent), or the response itself when it is not a reliable 1xx.
   * @throws SipError(InvalidState) if the caller did not offer 100rel, or one is unacknowledged.
   */
  uasShape(tx: ServerTransaction, res: SipResponse, onTimeout: () => void): SipResponse | undefined {
    if (res.status <= 100 || res.status >= 200 || !res.require.includes('100rel')) {
      if (res.status >= 200) this.sender?.finalResponseSent();
      return res;
    }
    const req = tx.request;
    if (!req.supported.includes('100rel') && !req.require.includes('100rel')) {
      throw new SipError(SipErrorCode.InvalidState, 'the caller does not support 100rel (RFC 3262 §3)');
    }
    const machine = tx.machine;
    if (machine === undefined) return res;
    this.sender ??= new ReliableProvisionalSender({
      clock: this.clock,
      t1: this.t1,
      transmit: (r) => {
        if (machine.rfcState === 'Proceeding') machine.respond(r);
      },
      onTimeout: () => {
        // RFC 3262 §3: no PRACK within 64*T1: reject the INVITE with a 5xx
        tx.respondInternally(createResponse(req, 504, 'Server Time-out', tx.localTag));
        onTimeout();
      },
    });
    this.sender.send(res);
    return undefined;
  }

  /** RFC 3262 §3: a PRACK arrived; true if it was answered here (481: matches nothing pending). */
  uasPrack(tx: ServerTransaction): boolean {
    const r = this.sender?.receivePrack(tx.request);
    if (r?.matched === true) return false;
    tx.respondInternally(createResponse(tx.request, 481, undefined, tx.localTag));
    return true;
  }

  /** Stops retransmitting. */
  dispose(): void {
    this.sender?.dispose();
  }
}
