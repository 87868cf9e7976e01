/**
 * Property: any sequence of API calls on a call in any order either works or throws a SipError
 * (never another kind of error), callbacks keep arriving, and after disposing everything no API
 * object and no routed dialog is left.
 */
import t from 'tap';
import fc from 'fast-check';
import { isSipError } from '../../../include-types/errors.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { party, tick } from '../../unit/api/party.js';

const OPS = ['invite', 'ack', 'cancel', 'bye', 'update', 'info', 'prack', 'disposeTx', 'answer180', 'answer200', 'answer486', 'calleeBye', 'calleeReinvite', 'wait'] as const;
type Op = (typeof OPS)[number];

t.test('random call operations: only SipErrors, nothing left behind', async (t) => {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const unexpected: string[] = [];
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...OPS), { minLength: 1, maxLength: 12 }), async (ops: Op[]) => {
      const call = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
      const txs: ClientTransaction[] = [];
      let callee: InviteDialogAssoc | undefined;
      let inInvite: ServerTransaction | undefined;
      const took = b.rec.events.length;
      const tryOp = (fn: () => unknown): void => {
        try {
          fn();
        } catch (e) {
          if (!isSipError(e)) unexpected.push(`${String(e)} in ${ops.join(',')}`);
        }
      };
      for (const op of ops) {
        const last = txs.at(-1);
        switch (op) {
          case 'invite': tryOp(() => txs.push(call.sendInvite(new MessageElements({ content: 'v=0\r\n', contentType: 'application/sdp' })))); break;
          case 'ack': tryOp(() => last !== undefined && call.sendAck(last)); break;
          case 'cancel': tryOp(() => last !== undefined && txs.push(last.cancel())); break;
          case 'bye': tryOp(() => txs.push(call.sendBye())); break;
          case 'update': tryOp(() => txs.push(call.sendUpdate())); break;
          case 'info': tryOp(() => txs.push(call.sendNonTargetRefreshRequest('INFO'))); break;
          case 'prack': tryOp(() => txs.push(call.sendPrack())); break;
          case 'disposeTx': tryOp(() => last?.dispose()); break;
          case 'answer180': tryOp(() => inInvite?.sendResponse(new ResponseElements({ statusCode: 180 }))); break;
          case 'answer200': tryOp(() => inInvite?.sendResponse(new ResponseElements({ statusCode: 200 }))); break;
          case 'answer486': tryOp(() => inInvite?.sendResponse(new ResponseElements({ statusCode: 486 }))); break;
          case 'calleeBye': tryOp(() => callee !== undefined && txs.push(callee.sendBye())); break;
          case 'calleeReinvite': tryOp(() => callee !== undefined && txs.push(callee.sendInvite())); break;
          case 'wait': await tick(15); break;
        }
        // pick up the INVITE on bob's side when it arrived
        if (inInvite === undefined) {
          const ev = b.rec.events.slice(took).find((e) => e.name === 'incomingRequest' && (e.args[0] as ServerTransaction).type === 'INVITE');
          if (ev !== undefined) {
            inInvite = ev.args[0] as ServerTransaction;
            tryOp(() => (callee = InviteDialogAssoc.fromServerTransaction(inInvite as ServerTransaction)));
          }
        }
      }
      await tick(20);
      // answer whatever bob still holds, then release everything
      for (const e of b.rec.events.slice(took)) {
        const tx = e.args[0] as ServerTransaction;
        if ((e.name === 'incomingRequest' || e.name === 'incomingRequestInDialog') && tx.responseAllowed) tryOp(() => tx.sendResponse(new ResponseElements({ statusCode: 481 })));
      }
      for (const tx of txs) tx.forceDispose();
      call.forceDispose();
      callee?.forceDispose();
      // requests still in flight arrive later on new server transactions the app owns: release
      // them until the network is quiet
      for (let round = 0; round < 150; round++) { // up to ~2 s: generous under a loaded machine
        for (const e of [...a.rec.events, ...b.rec.events]) {
          const x = e.args[0] as { forceDispose?: () => void; isClientTransaction?: boolean } | undefined;
          if (x !== undefined && typeof x === 'object' && x.isClientTransaction === false) x.forceDispose?.();
          if (e.name === 'incomingResponseForkedInvite') (e.args[1] as InviteDialogAssoc).forceDispose();
        }
        if (a.client.liveObjectCount === 1 && b.client.liveObjectCount === 1 && round > 1) return true;
        await tick(15);
      }
      t.comment(`left: alice ${JSON.stringify(a.client.liveObjects())} bob ${JSON.stringify(b.client.liveObjects())} after ${ops.join(',')}`);
      return false;
    }),
    { numRuns: 40 },
  );
  t.same(unexpected, [], 'only SipErrors were thrown');
  await tick(50);
  t.same(a.client.liveObjects(), { SipConnection: 1 });
  t.same(b.client.liveObjects(), { SipConnection: 1 });
  t.equal(a.client.stack.stats().dialogSets + b.client.stack.stats().dialogSets, 0, 'no dialog left routed');
});

t.test('random registration operations: only SipErrors, the state always one of the five', async (t) => {
  const { FakeServer } = await import('../../unit/api/fake-server.js');
  const { RegistrationBinding } = await import('../../../lib/api/registration-binding.js');
  const { Refresh } = await import('../../../lib/api/refresh.js');
  const { RegistrationState } = await import('../../../include-types/api.js');
  const server = await FakeServer.start({ auth: false });
  const a = await party('alice');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const unexpected: string[] = [];
  const states = new Set(Object.values(RegistrationState) as string[]);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom('register', 'update', 'contact', 'deregister', 'proxy', 'wait', 'disposeTx'), { minLength: 1, maxLength: 10 }), async (ops) => {
      const refresh = new Refresh(a.client);
      const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri, refresh });
      const txs: ClientTransaction[] = [];
      for (const op of ops) {
        try {
          if (op === 'register') txs.push(binding.register());
          else if (op === 'update') txs.push(binding.update({ expires: 120 }));
          else if (op === 'contact') txs.push(binding.update({ contact: '<sip:alice-2@127.0.0.1>' }));
          else if (op === 'deregister') txs.push(binding.deregister());
          else if (op === 'proxy') binding.setOutboundProxy(undefined);
          else if (op === 'disposeTx') txs.at(-1)?.dispose();
          else await tick(15);
        } catch (e) {
          if (!isSipError(e)) unexpected.push(`${String(e)} in ${ops.join(',')}`);
        }
        if (!states.has(binding.state)) return false;
      }
      for (const tx of txs) tx.forceDispose();
      binding.dispose();
      refresh.dispose();
      return a.client.liveObjectCount === 1;
    }),
    { numRuns: 30 },
  );
  t.same(unexpected, []);
});
