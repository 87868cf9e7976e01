/**
 * The API client transaction's internal state table (client-transaction-state.ts): the
 * transitions of its header and nothing else; the states that count as over.
 */
import t from 'tap';
import { ClientTxState, clientTxEnded, clientTxTransitionAllowed } from '../../../lib/api/transactions/client-transaction-state.js';

t.test('transition table', async (t) => {
  const all = Object.values(ClientTxState);
  const allowed = all.flatMap((from) => all.filter((to) => clientTxTransitionAllowed(from, to)).map((to) => `${from}>${to}`));
  t.same(allowed.sort(), [
    'Accepted>Failed', 'Accepted>InviteCompleted',
    'Challenged>Accepted', 'Challenged>Failed', 'Challenged>Final', 'Challenged>Sending',
    'Failed>InviteCompleted',
    'Final>Failed', 'Final>Terminated',
    'Sending>Accepted', 'Sending>Challenged', 'Sending>Failed', 'Sending>Final', 'Sending>Terminated',
  ]);
  t.same(all.filter(clientTxEnded).sort(), ['Failed', 'InviteCompleted', 'Terminated'], 'over: ended or failed');
});
