/**
 * RFC 3261 §18.1.1 through the whole stack: a request too large for UDP goes to TCP; when the
 * peer refuses the connection the request goes over UDP after all, and its client transaction
 * keeps retransmitting it (Timer E) as on any UDP send, so a lost first copy is recovered.
 */
import t from 'tap';
import { createSocket } from 'node:dgram';
import { createResponse, parseMessage, serializeMessage, type SipRequest } from '../../../lib/message/index.js';
import { SipStack } from '../../../lib/stack/index.js';
import { buildRequest, request, sipUri } from '../../helpers/stack-uac.js';

const timers = { t1: 40, t2: 320, t4: 200, trying100Delay: 200 };

t.test('a large OPTIONS to a UDP-only peer: TCP refused, sent over UDP, retransmitted, answered', async (t) => {
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  t.teardown(() => peer.close());
  const port = peer.address().port;
  const arrived: SipRequest[] = [];
  peer.on('message', (buf, rinfo) => {
    const msg = parseMessage(buf);
    if (!msg.isRequest()) return;
    arrived.push(msg);
    if (arrived.length < 2) return; // the first copy is "lost": only Timer E's retransmission is answered
    const ok = createResponse(msg, 200, undefined, 'peer');
    peer.send(serializeMessage(ok), rinfo.port, rinfo.address);
  });
  const refusals: string[] = [];
  const logger = { debug() {}, warn() {}, error() {}, info: (msg: string) => void (/retrying over UDP/.test(msg) && refusals.push(msg)) };
  const stack = new SipStack({ logger, iaps: [{ id: 'main', mtu: 1000, listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }, { protocol: 'tcp', address: '127.0.0.1', port: 0 }] }], timers });
  await stack.start();
  t.teardown(() => stack.shutdown());
  const options = buildRequest('OPTIONS', sipUri('peer', '127.0.0.1', port));
  options.headers.set('Content-Type', 'text/plain');
  options.body = Buffer.from('x'.repeat(1200));
  const outcome = await request(stack, 'main', options);
  t.equal(outcome.status, 200, 'answered');
  t.equal(outcome.error, undefined);
  t.ok(arrived.length >= 2, 'retransmitted over UDP');
  for (const r of arrived) t.equal(r.topVia.transport, 'UDP', 'every copy has a UDP top Via');
  t.equal(arrived[0].topVia.branch, arrived[1].topVia.branch, 'the same transaction');
  t.equal(stack.stats().transport.udpFallbacks, arrived.length, 'every copy went over UDP instead of TCP');
  t.equal(refusals.length, 1, 'one refused connect, logged; the retransmissions went straight to UDP');
});
