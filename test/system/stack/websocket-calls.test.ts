/**
 * Two SipStacks over WebSocket (RFC 7118): calls from a tsip UAC to the tsip UAS over ws and wss
 * (URIs with transport=ws|wss), MESSAGE and REGISTER, all over one WebSocket connection. (The
 * UAS hanging up over a browser's WebSocket is in test/interop/browser-jssip.test.ts.)
 */
import t from 'tap';
import { WebSocket } from 'ws';
import { SipStack } from '../../../lib/stack/index.js';
import { createAnsweringUas } from '../../../lib/cli/answering-uas.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { buildRequest, placeCall, request, silentUser, sipUri } from '../../helpers/stack-uac.js';

const certs = testCerts();

async function pair(protocol: 'ws' | 'wss') {
  const tls = protocol === 'wss' ? { tls: { cert: certs.cert, key: certs.key, ca: certs.ca } } : {};
  const listen = [{ protocol, address: '127.0.0.1', port: 0, ...tls }];
  const uasStack = new SipStack({ iaps: [{ id: 'uas', listen }] });
  const uacStack = new SipStack({ iaps: [{ id: 'uac', listen }] });
  const uas = createAnsweringUas(uasStack, { host: '127.0.0.1' });
  uasStack.addUser(uas.user);
  uacStack.addUser(silentUser('uac'));
  await Promise.all([uasStack.start(), uacStack.start()]);
  t.teardown(async () => {
    await uacStack.shutdown();
    await uasStack.shutdown();
  });
  return { uasStack, uacStack, uas, to: sipUri('bob', '127.0.0.1', uasStack.boundAddresses('uas')[0].port, protocol) };
}

for (const protocol of ['ws', 'wss'] as const) {
  t.test(`calls, MESSAGE and REGISTER over ${protocol}`, async (t) => {
    const { uacStack, uasStack, uas, to } = await pair(protocol);
    const outcomes = await Promise.all([1, 2].map(() => placeCall(uacStack, 'uac', to, { holdMs: 20 })));
    for (const o of outcomes) t.match(o, { inviteStatus: 200, byeStatus: 200 });
    const msg = buildRequest('MESSAGE', to);
    msg.headers.set('Content-Type', 'text/plain');
    msg.body = Buffer.from('hi');
    t.equal((await request(uacStack, 'uac', msg)).status, 200, 'MESSAGE → 200');
    const reg = buildRequest('REGISTER', to, 'sip:uac@tsip.test', `sip:uac@127.0.0.1;transport=${protocol}`);
    const answered = await request(uacStack, 'uac', reg);
    t.equal(answered.status, 200, 'REGISTER → 200');
    t.match(answered.response?.headers.get('Contact'), /;expires=600/, 'the binding is echoed with its lifetime');
    t.match(uas.counts, { invites: 2, acks: 2, byes: 2, messages: 1, registers: 1 });
    t.equal(uacStack.stats().transport.connections, 1, 'one WebSocket carried every request');
    t.equal(uasStack.stats().transport.connections, 1);
  });
}

t.test('the stack answers a malformed request over WebSocket with 400 on that WebSocket', async (t) => {
  const { uasStack } = await pair('ws');
  const port = uasStack.boundAddresses('uas')[0].port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['sip']);
  t.teardown(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const answer = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
  // no Call-ID: RFC 3261 §8.1.1 mandatory header missing
  ws.send('OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS x1.invalid;branch=z9hG4bK-bad1\r\nMax-Forwards: 70\r\nFrom: <sip:a@x1.invalid>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCSeq: 1 OPTIONS\r\n\r\n');
  t.match(await answer, /^SIP\/2\.0 400 /);
  t.equal(uasStack.stats().transport.connections, 1, 'the WebSocket stays open');
});
