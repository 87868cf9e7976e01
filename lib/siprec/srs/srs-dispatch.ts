/**
 * Dispatch: where each thing the SRS's SIP connection reports goes (the handlers of srs-sip.ts).
 * A request outside a dialog: refused while shutting down, OPTIONS to the health answer, an
 * INVITE to admission, anything else 405. A request in a dialog: ACK, BYE, re-INVITE/UPDATE or
 * other to the in-dialog part; an unknown dialog 481. Our requests' final responses to the
 * session table; a missing ACK and the end of the RFC 4028 session timer to the in-dialog part.
 */
import type { Dialog } from '../../../include-types/api.js';
import type { ServerTransaction } from '../common/api.js';
import type { SrsSipHandlers } from './srs-sip.js';
import { ALLOW, reject, respond } from './srs-respond.js';
import type { SrsContext } from './srs-context.js';
import type { SrsAdmission } from './srs-admission.js';
import type { SrsInDialog } from './srs-in-dialog.js';

/** The SIP observer's handlers of one Srs. */
export function srsDispatch(ctx: SrsContext, admission: SrsAdmission, inDialog: SrsInDialog): SrsSipHandlers {
  const onRequest = (tx: ServerTransaction): void => {
    if (tx.type === 'INVITE') ctx.counters.attempt();
    if (ctx.stopping()) return tx.type === 'INVITE' ? reject(ctx, tx, 503, 'Shutting down') : respond(tx, 503, 'Shutting down');
    if (tx.type === 'OPTIONS') return void admission.options(tx);
    if (tx.type !== 'INVITE') return respond(tx, 405, undefined, [['Allow', ALLOW]]);
    admission.admit(tx);
  };
  const onInDialog = (tx: ServerTransaction, dialog: Dialog): void => {
    const s = ctx.sessions.byDialog.get(dialog);
    if (tx.type === 'ACK') return void inDialog.onAck(tx, dialog, s);
    if (!s) return respond(tx, 481);
    if (tx.type === 'BYE') return inDialog.onBye(tx, dialog, s);
    if (tx.type === 'INVITE' || tx.type === 'UPDATE') return void inDialog.onReinvite(tx, s);
    inDialog.onOther(tx, s);
  };
  return {
    request: onRequest,
    inDialog: onInDialog,
    finalInDialog: (tx) => ctx.sessions.byeDone(tx),
    ackTimedOut: (dialog) => inDialog.ackTimedOut(dialog),
    refreshFailed: (error, dialog) => inDialog.sessionRefreshFailed(error, dialog),
    admission: (info) => admission.loadRefusal(info),
  };
}
