/**
 * The INVITE path over TCP: Contact carries transport=tcp, in-dialog requests reuse streams, and
 * a big INVITE body (over any UDP MTU) goes through.
 */
import t from 'tap';
import { DialogState } from '../../../include-types/states.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { party } from '../../unit/api/party.js';

t.test('call over TCP with a 6 kB body', async (t) => {
  const a = await party('alice', { protocol: 'tcp' });
  const b = await party('bob', { protocol: 'tcp' });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const big = 'v=0\r\n' + 'a=x-filler:' + 'y'.repeat(6000) + '\r\n';
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = assoc.sendInvite(new MessageElements({ content: big, contentType: 'application/sdp' }));
  const inTx = (await b.rec.wait('incomingRequest')).args[0] as ServerTransaction;
  t.equal(inTx.requestElements.messageElements.contentText, big);
  t.match(inTx.requestElements.messageElements.header('Contact') ?? '', /transport=tcp/);
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite);
  t.match(invite.responseElements?.messageElements.header('Contact') ?? '', /transport=tcp/);
  assoc.sendAck(invite);
  await b.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'ACK');
  const bye = uas.sendBye();
  const inBye = (await a.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'BYE')).args[0] as ServerTransaction;
  inBye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await b.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye && x.responseElements?.statusCode === 200);
  t.equal(assoc.dialog.state, DialogState.Terminated);
  for (const e of [...a.rec.events, ...b.rec.events]) if (e.name === 'incomingRequestInDialog') (e.args[0] as ServerTransaction).dispose();
  for (const o of [bye, inTx, uas, assoc]) o.dispose();
  invite.forceDispose();
});
