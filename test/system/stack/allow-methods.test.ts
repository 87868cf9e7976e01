/**
 * The stack computes Allow (the users' methods plus ACK and CANCEL, RFC 3261 §8.2.1) once, not per
 * request: it must still follow users coming and going and a user listing other methods.
 */
import t from 'tap';
import { createResponse, type SipResponse } from '../../../lib/message/index.js';
import { exchange } from '../../helpers/stack-uac.js';
import { SipStack, type StackUser } from '../../../lib/stack/index.js';
import type { ServerTransaction } from '../../../lib/transaction/index.js';

/** Sends one request to the stack over UDP; the first final response (or undefined after 1 s). */
function ask(port: number, method: string): Promise<SipResponse | undefined> {
  const id = Math.random().toString(36).slice(2);
  const text = [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bK${id}`,
    'Max-Forwards: 70',
    'From: <sip:alice@tsip.test>;tag=a1',
    'To: <sip:bob@tsip.test>',
    `Call-ID: ${id}@tsip.test`,
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return exchange(port, text);
}

function answering(uid: string, methods: readonly string[]): Omit<StackUser, 'methods'> & { methods: readonly string[] } {
  return {
    uid,
    methods,
    claim: () => 'connection',
    onRequest(tx: ServerTransaction): void {
      tx.respond(createResponse(tx.request, 200, 'OK'));
    },
  };
}

t.test('Allow follows users added and removed, and a user whose method list changes', async (t) => {
  const stack = new SipStack({ iaps: [{ id: 'main', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }] });
  const options = answering('options', ['OPTIONS']);
  stack.addUser(options);
  await stack.start();
  t.teardown(() => stack.shutdown({ graceMs: 0 }));
  const port = stack.boundAddresses('main')[0].port;
  const allow = (r: SipResponse | undefined) => (r?.headers.getAll('Allow').join(',') ?? '').split(/\s*,\s*/).sort();

  let r = await ask(port, 'MESSAGE');
  t.equal(r?.status, 405, 'nobody serves MESSAGE');
  t.same(allow(r), ['ACK', 'CANCEL', 'OPTIONS']);

  const messages = answering('messages', ['MESSAGE']);
  stack.addUser(messages);
  t.equal((await ask(port, 'MESSAGE'))?.status, 200, 'a user serving MESSAGE came');
  r = await ask(port, 'SUBSCRIBE');
  t.same(allow(r), ['ACK', 'CANCEL', 'MESSAGE', 'OPTIONS'], 'Allow lists it');

  stack.removeUser(messages);
  r = await ask(port, 'MESSAGE');
  t.equal(r?.status, 405, 'that user went');
  t.same(allow(r), ['ACK', 'CANCEL', 'OPTIONS']);

  options.methods = ['OPTIONS', 'INFO'];
  r = await ask(port, 'MESSAGE');
  t.same(allow(r), ['ACK', 'CANCEL', 'INFO', 'OPTIONS'], 'a user listing another array of methods');
});
