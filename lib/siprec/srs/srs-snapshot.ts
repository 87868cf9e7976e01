/**
 * The SRS asking an SRC for a complete metadata snapshot (RFC 7866 §9.2): an offer-less re-INVITE
 * with an application/rs-metadata-request body; the SRC answers 200 with its SDP offer, answered
 * in the ACK with the streams as they are, and then sends the snapshot in a request of its own.
 */
import { buildSnapshotRequest, SNAPSHOT_REQUEST_CONTENT_TYPE } from '../metadata/index.js';
import { MessageElements, type ClientTransaction } from '../common/api.js';
import { checkRecordingBody, type CheckOptions } from './check-invite.js';
import type { SrsSession } from './srs-session.js';

/**
 * Sends the request in `s`'s dialog; resolves true on a 2xx. `waiters` is the Srs's map of its
 * in-dialog requests waiting for their final response.
 */
export function sendSnapshotRequest(s: SrsSession, reason: string, check: CheckOptions, waiters: Map<ClientTransaction, () => void>): Promise<boolean> {
  const me = new MessageElements({ headers: [['Content-Disposition', 'recording-session']] });
  me.setContent(buildSnapshotRequest(reason), SNAPSHOT_REQUEST_CONTENT_TYPE);
  let tx: ClientTransaction;
  try {
    tx = s.assoc.sendInvite(me);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => waiters.set(tx, () => {
    const res = tx.responseElements;
    const ok = res !== undefined && res.isSuccess;
    if (ok) {
      // The 200 carries the SRC's offer: answer it in the ACK with the streams as they are.
      const v = checkRecordingBody(res.messageElements, check, true);
      const ack = new MessageElements();
      if (v.ok && v.offer) ack.setContent(s.answerFor(v.offer), 'application/sdp');
      try { s.assoc.sendAck(tx, ack); } catch { /* dialog gone */ }
    }
    resolve(ok);
  }));
}
