/**
 * The dialog layer (RFC 3261 §12): dialog state and in-dialog requests, UAC dialog sets for
 * forking, the dialog table, RFC 3262 reliable provisional responses, RFC 4028 session timers,
 * offer/answer and INVITE-overlap bookkeeping. Pure logic; timers only through an injected clock.
 *
 * How the stack wires it (each piece is independent and tested alone):
 * - UAC: `new UacDialogSet(invite)`; feed every response to `set.receiveResponse` and add the
 *   dialogs it creates to a `DialogTable`; a `ReliableProvisionalReceiver` per INVITE says which
 *   1xx to PRACK (`dialog.createRequest('PRACK', { headers: { RAck } })`); after a 2xx,
 *   `dialog.createAck(inviteSeq)`; `set.transactionEnded()` at 64*T1.
 * - UAS: `createUasDialog(request)` (state Init), then `dialog.responseSent(res)` for each
 *   response; a `ReliableProvisionalSender` when the 1xx must be reliable.
 * - In the dialog: `table.matchRequest(req)` → `dialog.receiveRequest(req)` → answer 481/500 or
 *   process; `dialog.receiveResponse(res)` for responses to requests it built; the transaction
 *   layer adds Via to every request the dialog builds.
 * - Session timer: `uacRequestHeaders` / `negotiateAsUas` / `negotiateAsUac` / `retryAfter422`,
 *   then a `SessionTimer` whose `onRefreshDue` sends a re-INVITE/UPDATE and whose `onExpired`
 *   sends `createRequest('BYE', { endReason: 'SessionTimerExpired' })`.
 * - `OfferAnswer` and `InviteGuard` per dialog give the 491/500 verdicts for colliding offers
 *   and overlapping INVITEs.
 *
 * Messages given to these functions should have passed the message layer's validation; a
 * malformed optional header (Contact, Record-Route, Supported, Require) makes the message
 * accessors throw `SipParseError`, which the stack answers with 400.
 * @module
 */
export * from './dialog-id.js';
export * from './dialog.js';
export * from './dialog-factory.js';
export * from './dialog-set.js';
export * from './dialog-table.js';
export * from './route-set.js';
export * from './request-builder.js';
export * from './target-refresh.js';
export * from './rack.js';
export * from './reliable-provisional-sender.js';
export * from './reliable-provisional-receiver.js';
export * from './session-expires.js';
export * from './session-timer-negotiation.js';
export * from './session-timer.js';
export * from './offer-answer.js';
export * from './invite-guard.js';
