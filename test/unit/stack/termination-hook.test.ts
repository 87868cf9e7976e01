/**
 * The stack forgets an INVITE's owner and releases an RFC 3261 §8.2.2.2 merged-request key when
 * the server transaction ends, through the transaction layer's own termination hook: an upper
 * layer that replaces `tx.user` after dispatch (as the API does) must not make them leak.
 */
import t, { type Test } from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { SipRequest, createResponse } from '../../../lib/message/index.js';
import { SipStack, type StackUser } from '../../../lib/stack/index.js';
import { FakeClock, type ServerTransaction } from '../../../lib/transaction/index.js';
import type { MessageSource } from '../../../lib/transport/index.js';

const timers = { t1: 500, t2: 4000, t4: 5000, trying100Delay: 200 };

/** Lets sends and their promise chains settle (real UDP under a fake clock). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

async function setup(t: Test) {
  const clock = new FakeClock();
  const stack = new SipStack({ iaps: [{ id: 'main', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], timers, clock });
  const handed: ServerTransaction[] = [];
  const ended: string[] = [];
  const user: StackUser = {
    uid: 'replacer',
    methods: ['INVITE', 'OPTIONS', 'MESSAGE'],
    claim: () => 'connection',
    onRequest: (tx) => {
      handed.push(tx);
      // an upper layer that sets its own user, dropping whatever the stack put there
      const method = tx.request.method; // the machine gives its request up after the final response
      tx.user = { onTerminated: () => void ended.push(method) };
    },
  };
  stack.addUser(user);
  await stack.start();
  // where the responses go: a real socket, so nothing bounces
  const peer: Socket = createSocket('udp4');
  peer.on('message', () => undefined);
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  const peerPort = peer.address().port;
  const stackPort = stack.boundAddresses('main')[0].port;
  t.teardown(async () => {
    await stack.shutdown();
    peer.close();
  });
  const source: MessageSource = { protocol: 'udp', remoteAddress: '127.0.0.1', remotePort: peerPort, localAddress: '127.0.0.1', localPort: stackPort, iapId: 'main' };
  let n = 0;
  const req = (method: string, toTag?: string, callId = `hook${++n}@test`, branch = `z9hG4bKhook${n}`): SipRequest =>
    new SipRequest({
      method,
      uri: 'sip:bob@127.0.0.1',
      headers: [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${peerPort};branch=${branch}`],
        ['Max-Forwards', '70'],
        ['From', '<sip:alice@test>;tag=a1'],
        ['To', '<sip:bob@test>' + (toTag === undefined ? '' : `;tag=${toTag}`)],
        ['Call-ID', callId],
        ['CSeq', `1 ${method}`],
        ['Contact', `<sip:alice@127.0.0.1:${peerPort}>`],
      ],
    });
  return { clock, stack, handed, ended, source, req };
}

t.test('INVITE and non-INVITE outside a dialog: owners and merge keys released though tx.user was replaced', async (t) => {
  const { clock, stack, handed, ended, source, req } = await setup(t);
  stack.onRequest(req('INVITE'), source);
  stack.onRequest(req('OPTIONS'), source);
  stack.onRequest(req('INVITE'), source);
  t.equal(handed.length, 3);
  t.equal(stack.stats().pendingInvites, 2);
  t.equal(stack.stats().requestsInProgress, 3);
  const [busy, options, answered] = handed;
  busy.respond(createResponse(busy.request, 486, undefined, 'uas1'));
  options.respond(createResponse(options.request, 200, undefined, 'uas2'));
  answered.respond(createResponse(answered.request, 200, undefined, 'uas3'));
  await settle();
  t.equal(stack.stats().pendingInvites, 2, 'still live: Completed / Accepted');
  clock.advance(64 * timers.t1 + 1); // Timer H, J and L
  await settle();
  t.same(ended.sort(), ['INVITE', 'INVITE', 'OPTIONS'], "the replacing user's onTerminated ran");
  t.equal(stack.stats().transactions.total, 0);
  t.equal(stack.stats().pendingInvites, 0, 'no INVITE owner left');
  t.equal(stack.stats().requestsInProgress, 0, 'no merged-request key left');
});

t.test('a request merged with one in progress gets 482, and is admitted again once that one ended', async (t) => {
  const { clock, stack, handed, source, req } = await setup(t);
  stack.onRequest(req('MESSAGE', undefined, 'merged@test', 'z9hG4bKfirst'), source);
  stack.onRequest(req('MESSAGE', undefined, 'merged@test', 'z9hG4bKsecond'), source);
  t.equal(handed.length, 1, 'the second copy was answered 482 by the stack');
  handed[0].respond(createResponse(handed[0].request, 200, undefined, 'uas'));
  await settle();
  clock.advance(64 * timers.t1 + 1);
  await settle();
  t.equal(stack.stats().requestsInProgress, 0);
  stack.onRequest(req('MESSAGE', undefined, 'merged@test', 'z9hG4bKthird'), source);
  t.equal(handed.length, 2, 'the key was released: the same request on a new branch is new again');
  handed[1].respond(createResponse(handed[1].request, 200, undefined, 'uas'));
});

t.test('a re-INVITE inside a dialog: its owner is forgotten when the transaction ends', async (t) => {
  const { clock, stack, source, req } = await setup(t);
  const inDialog: ServerTransaction[] = [];
  const owner: StackUser = { uid: 'dialog-owner', methods: [], claim: () => undefined, onRequest: () => undefined };
  stack.registerDialog({ callId: 'dlg@test', localTag: 'local', remoteTag: 'a1' }, {
    user: owner,
    onRequest: (tx) => {
      inDialog.push(tx);
      tx.user = {};
    },
  });
  stack.onRequest(req('INVITE', 'local', 'dlg@test'), source);
  t.equal(inDialog.length, 1);
  t.equal(stack.stats().pendingInvites, 1);
  inDialog[0].respond(createResponse(inDialog[0].request, 488, undefined, 'local'));
  await settle();
  clock.advance(64 * timers.t1 + 1);
  await settle();
  t.equal(stack.stats().pendingInvites, 0);
  stack.unregisterDialog({ callId: 'dlg@test', localTag: 'local', remoteTag: 'a1' });
});

t.test('shutdown clears what is left', async (t) => {
  const { stack, source, req } = await setup(t);
  stack.onRequest(req('INVITE'), source);
  t.equal(stack.stats().pendingInvites, 1);
  await stack.shutdown();
  t.equal(stack.stats().pendingInvites, 0);
  t.equal(stack.stats().requestsInProgress, 0);
});

t.test("an INVITE's owner hears of its CANCEL; an owner removed since does not", async (t) => {
  const { stack, handed, source, req } = await setup(t);
  const canceled: string[] = [];
  const owner: StackUser = {
    uid: 'canceled-owner',
    methods: ['INVITE'],
    claim: () => 'connection',
    onRequest: (tx) => void handed.push(tx),
    onInviteCanceled: (tx) => void canceled.push(tx === handed[handed.length - 1] ? 'the INVITE' : 'another'),
  };
  stack.removeUser(stack['users'][0] as StackUser); // the setup's user would claim it first
  stack.addUser(owner);
  stack.onRequest(req('INVITE', undefined, 'c1@test', 'z9hG4bKc1'), source);
  stack.onRequest(req('CANCEL', undefined, 'c1@test', 'z9hG4bKc1'), source);
  t.same(canceled, ['the INVITE'], 'the owner was told');
  stack.onRequest(req('INVITE', undefined, 'c2@test', 'z9hG4bKc2'), source);
  stack.removeUser(owner);
  stack.onRequest(req('CANCEL', undefined, 'c2@test', 'z9hG4bKc2'), source);
  t.same(canceled, ['the INVITE'], 'a removed owner is told nothing');
  await settle();
});
