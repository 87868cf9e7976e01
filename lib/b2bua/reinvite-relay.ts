/**
 * Offers in a connected B2BUA call, from either phone to the other: a re-INVITE (RFC 3261 §14) or
 * an UPDATE (RFC 3311) with SDP goes to the other phone as the same method, the offer rewritten
 * onto the relay, and its answer comes back the same way (a re-INVITE's 2xx is ACKed here); a
 * hold (sendonly / inactive / c=0.0.0.0, RFC 3264 §8.4) is reported so the recording pauses. One
 * at a time: another one meanwhile gets 491 (RFC 3261 §14.2, RFC 3311 §5.2). One without SDP (a
 * session refresh) is answered here: a re-INVITE with the last SDP that phone was given.
 */
import type { ResponseElementsView } from '../../include-types/api.js';
import type { ClientTransaction, InviteDialogAssoc, ServerTransaction } from '../api/index.js';
import { other, respondTo, sdpBody, sdpOf } from './call-host.js';
import type { LegName, RtpRelay } from './rtp-relay.js';
import { describeAudio, rewriteForRelay, type AudioDescription } from './sdp-legs.js';

/** What the relay of re-INVITEs needs from its call. */
export interface ReinviteHost {
  /** The call is connected (a re-INVITE before or after gets 491). */
  connected(): boolean;
  relay(): RtpRelay | undefined;
  leg(leg: LegName): InviteDialogAssoc | undefined;
  /** The last SDP each phone was given (the offer for an offer-less re-INVITE), updated here. */
  lastSdpTo(): Partial<Record<LegName, string>>;
  /** The latest offer/answer exchange did (not) hold the call. */
  held(held: boolean): void;
}

/** The re-INVITE being relayed: from whom, its transaction, ours to the other phone, its offer. */
interface Pending {
  from: LegName;
  tx: ServerTransaction;
  out: ClientTransaction | undefined;
  offer: AudioDescription;
}

/** The re-INVITEs of one call. */
export class ReinviteRelay {
  private pending: Pending | undefined;

  constructor(private readonly host: ReinviteHost) {}

  /** Our re-INVITE to the other phone, while one is relayed. */
  get outgoing(): ClientTransaction | undefined {
    return this.pending?.out;
  }

  /** A re-INVITE or UPDATE from `from`: relayed to the other phone, or answered here. */
  request(from: LegName, tx: ServerTransaction): void {
    const relay = this.host.relay();
    const sdp = sdpOf(tx.requestElements.messageElements);
    // RFC 3311 §5.2: an UPDATE without an offer (a session refresh) needs no offer/answer
    if (tx.type === 'UPDATE' && sdp === undefined) return respondTo(tx, 200);
    // NOTE (deviation): an offer in an UPDATE of the early dialog (RFC 3311 allows it) is refused:
    // the relay is set up from the INVITE's offer/answer, which that would change before the answer
    if (tx.type === 'UPDATE' && !this.host.connected()) return respondTo(tx, 488);
    if (!this.host.connected() || this.pending !== undefined || relay === undefined) return respondTo(tx, 491);
    if (sdp === undefined) {
      // A re-INVITE without an offer (a session refresh): our last SDP to that phone is the offer.
      const last = this.host.lastSdpTo()[from];
      return respondTo(tx, 200, last !== undefined ? sdpBody(last) : undefined);
    }
    const offer = describeAudio(sdp);
    if (offer === undefined) return respondTo(tx, 488);
    const to = other(from);
    const out = rewriteForRelay(sdp, relay.leg(to).local);
    this.pending = { from, tx, out: undefined, offer };
    try {
      const assoc = this.host.leg(to)!;
      this.pending.out = tx.type === 'UPDATE' ? assoc.sendUpdate(sdpBody(out)) : assoc.sendInvite(sdpBody(out));
      this.host.lastSdpTo()[to] = out;
      relay.leg(from).setSignalled(offer);
    } catch {
      this.pending = undefined;
      respondTo(tx, 500);
    }
  }

  /** A final response `r` to `tx` on `leg`; false when `tx` is not our relayed re-INVITE or UPDATE. */
  response(tx: ClientTransaction, leg: LegName, r: ResponseElementsView): boolean {
    const re = this.pending;
    if (re === undefined || re.out !== tx) return false;
    this.pending = undefined;
    if (r.statusCode >= 300) {
      tx.dispose();
      respondTo(re.tx, r.statusCode, undefined, r.reasonPhrase);
      return true;
    }
    if (tx.type === 'INVITE') {
      try {
        this.host.leg(leg)?.sendAck(tx);
      } catch { /* the leg ended meanwhile */ }
    } else tx.dispose(); // an UPDATE has no ACK (RFC 3311 §5.2)
    const relay = this.host.relay();
    const sdp = sdpOf(r.messageElements);
    const answer = sdp ? describeAudio(sdp) : undefined;
    if (answer && relay) relay.leg(leg).setSignalled(answer);
    const back = sdp && relay ? rewriteForRelay(sdp, relay.leg(re.from).local) : this.host.lastSdpTo()[re.from];
    if (back !== undefined) this.host.lastSdpTo()[re.from] = back;
    respondTo(re.tx, 200, back !== undefined ? sdpBody(back) : undefined);
    // RFC 3264 §8.4: whoever offers sendonly/inactive holds; the answer's direction follows it.
    // The latest exchange says it all: an offer or answer that stops a direction is a hold.
    this.host.held(re.offer.hold || answer?.hold === true);
    return true;
  }

  /** The API gave up on `tx`; true when it was our relayed re-INVITE or UPDATE (its phone gets 408). */
  failed(tx: ClientTransaction | ServerTransaction): boolean {
    const re = this.pending;
    if (re === undefined || re.out !== tx) return false;
    this.pending = undefined;
    respondTo(re.tx, 408);
    return true;
  }
}
