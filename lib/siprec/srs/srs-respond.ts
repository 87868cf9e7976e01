/** How the SRS answers a server transaction: one final response (with an SDP body if given), then dispose. */
import { MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';

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
