/**
 * How the SRS answers a server transaction: one final response (with an SDP body if given), then
 * dispose; and a refusal, which is also counted and reported as `sessionRejected`.
 */
import type { EventEmitter } from 'eventemitter3';
import type { SrsEvents, SrsLimitName } from '../../../include-types/siprec.js';
import { MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import type { SrsCounters } from './srs-stats.js';

/** The methods the SRS takes (Allow). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE';
/** The bodies the SRS takes (Accept). */
export const ACCEPT = 'application/sdp, application/rs-metadata+xml, multipart/mixed';

/** Sends the response and disposes `tx`; a transaction that ended meanwhile (CANCEL, timeout) is only disposed. */
export function respond(tx: ServerTransaction, status: number, reason?: string, headers: [string, string][] = [], sdp?: string): void {
  try {
    const me = new MessageElements({ headers });
    if (sdp !== undefined) me.setContent(sdp, 'application/sdp');
    tx.sendResponse(new ResponseElements({ statusCode: status, ...(reason !== undefined ? { reasonPhrase: reason } : {}), messageElements: me }));
  } catch {
    // the transaction ended meanwhile (CANCEL, timeout)
  }
  tx.dispose();
}

/** Options of {@link reject}. */
export interface RejectOptions {
  retryAfter?: number;
  limit?: SrsLimitName;
  /** A re-INVITE/UPDATE of a live session, which goes on as it was (not counted as a refused INVITE). */
  inDialog?: boolean;
  headers?: [string, string][];
}

/** What a refusal reports: counted, and told to the app as `sessionRejected`. */
type Refuser = { readonly counters: SrsCounters; readonly events: EventEmitter<SrsEvents> };

/**
 * Refuses a request: the response (486/503 with Retry-After, default 5 s) and `sessionRejected`.
 * `inDialog`: a re-INVITE/UPDATE of a live session, which goes on as it was.
 */
export function reject(srs: Refuser, tx: ServerTransaction, status: number, reason: string, opts: RejectOptions = {}): void {
  const r = countRefusal(srs, tx.requestElements.callId ?? '', status, reason, opts);
  const headers: [string, string][] = [...(r.retryAfter !== undefined ? [['Retry-After', String(r.retryAfter)] as [string, string]] : []), ...(opts.headers ?? [])];
  respond(tx, status, reason, headers);
  srs.events.emit('sessionRejected', r.event);
}

/**
 * Counts a refusal (a new INVITE's: not `inDialog`) and makes its `sessionRejected` event, for
 * {@link reject} and for the refusals the stack sends statelessly (srs-admission.ts); the
 * Retry-After is 5 s for 486 and 503 unless given.
 */
export function countRefusal(srs: Refuser, callId: string, status: number, reason: string, opts: RejectOptions = {}): { retryAfter: number | undefined; event: Parameters<SrsEvents['sessionRejected']>[0] } {
  const retryAfter = opts.retryAfter ?? (status === 486 || status === 503 ? 5 : undefined);
  if (!opts.inDialog) srs.counters.reject(status);
  const event = {
    recordingId: callId, statusCode: status, reason,
    ...(retryAfter !== undefined ? { retryAfter } : {}), ...(opts.limit ? { limit: opts.limit } : {}), ...(opts.inDialog ? { inDialog: true } : {}),
  };
  return { retryAfter, event };
}
