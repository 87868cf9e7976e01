/**
 * Transaction keys: how responses find their client transaction (RFC 3261 §17.1.3) and requests
 * their server transaction (§17.2.3, with the RFC 2543 fallback for branches without the magic
 * cookie).
 * @module
 */
import { BRANCH_MAGIC_COOKIE, type SipMessage, type SipRequest, type Via } from '../message/index.js';

/** True if the branch is an RFC 3261 one (starts with `z9hG4bK`, §8.1.1.7). */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(BRANCH_MAGIC_COOKIE) && branch.length > BRANCH_MAGIC_COOKIE.length;
}

/**
 * RFC 3261 §17.1.3: a response matches the client transaction whose request had the same top Via
 * branch and the same CSeq method (so a CANCEL and its INVITE stay apart).
 * @returns undefined if the message has no top Via branch.
 */
export function clientKey(msg: SipMessage): string | undefined {
  const branch = msg.via[0]?.branch;
  if (branch === undefined || branch === '') return undefined;
  return branch + '\n' + msg.cseq.method;
}

/** sent-by with the default port filled in and the host lower-cased. */
function sentBy(via: Via): string {
  const port = via.port ?? (via.transport === 'TLS' ? 5061 : 5060);
  return via.host.toLowerCase() + ':' + port;
}

/**
 * RFC 3261 §17.2.3: branch, sent-by and method, where ACK counts as INVITE. `method` overrides the
 * request's (the layer looks up the INVITE a CANCEL targets with 'INVITE').
 */
export function serverKey3261(request: SipRequest, method: string = request.method): string | undefined {
  const via = request.via[0] as Via | undefined;
  if (via === undefined || !isRfc3261Branch(via.branch)) return undefined;
  const m = method === 'ACK' ? 'INVITE' : method;
  return via.branch + '\n' + sentBy(via) + '\n' + m;
}

/**
 * RFC 3261 §17.2.3 (RFC 2543 fallback): Request-URI, From tag, Call-ID, CSeq number, top Via,
 * method (ACK counts as INVITE) and the To tag `toTag` (default: the request's; null for none). An ACK carries the
 * tag of the response rather than the INVITE's, so the layer looks it up under both and checks
 * the tag with `ServerTransactionBase.ackToTagMatches`.
 */
export function serverKey2543(request: SipRequest, method: string = request.method, toTag: string | null = request.to.tag ?? null): string | undefined {
  const via = request.via[0] as Via | undefined;
  if (via === undefined) return undefined;
  const m = method === 'ACK' ? 'INVITE' : method;
  return ['2543', request.uri.toString(), request.from.tag ?? '', request.callId, String(request.cseq.seq), via.toString(), m, toTag ?? ''].join('\n');
}

/**
 * Key of an INVITE's 2xx and the ACK for it (RFC 3261 §13.3.1.4): Call-ID, CSeq number and both
 * tags, so retransmission of one 2xx stops when its ACK arrives.
 */
export function dialogAckKey(msg: SipMessage): string {
  return msg.callId + '\n' + msg.cseq.seq + '\n' + (msg.to.tag ?? '') + '\n' + (msg.from.tag ?? '');
}
