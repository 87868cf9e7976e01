/**
 * What a refused INVITE keeps (issue 15): a SipStack whose user answers every INVITE with 503
 * gets CALLS INVITEs over UDP on loopback and never an ACK, so every INVITE server transaction
 * waits in Completed for Timer H (32 s). The heap after a full GC above the idle heap, divided by
 * the live transactions, is what one refused INVITE costs. Each INVITE carries PAD bytes of extra
 * header text (default 4000) so a pinned request text shows. Run with --expose-gc:
 *   npx tsx --expose-gc bench/lib/refused-heap-probe.ts     (CALLS=3000 PAD=4000 SNAPSHOT=file)
 * MODE=api answers through the SIP Client API as the SRS does (SipClient + SipConnection, a 503
 * built from ResponseElements, then `tx.dispose()`); the default answers on the SipStack directly.
 * Bounded: at most 20 s of sending, well inside Timer H.
 */
import { createSocket } from 'node:dgram';
import { writeHeapSnapshot } from 'node:v8';
import { createResponse } from '../../lib/message/index.js';
import { SipStack } from '../../lib/stack/index.js';
import { ConnectionState } from '../../include-types/states.js';
import { DefaultConnectionObserver, MessageElements, ResponseElements, SipClient, SipConnection, type ServerTransaction } from '../../lib/api/index.js';
import { heapAfterGc, requireGc, settle } from './heap-after-gc.js';

const CALLS = Number(process.env.CALLS ?? 3000);
const PAD = Number(process.env.PAD ?? 4000);
requireGc();

let refused = 0;
let port: number;
let shutdown: () => Promise<void>;
let liveTransactions: () => number;
if (process.env.MODE === 'api') {
  const client = new SipClient({
    uid: 'refuser',
    observer: { incomingRequest: (_iap, tx) => tx.dispose(), timedOut: () => undefined },
    settings: { iaps: [{ id: 'uas', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], limits: { maxServerTransactions: 500_000, maxClientTransactions: 1_000 } },
  });
  await new Promise<void>((resolve) => {
    class Refuser extends DefaultConnectionObserver {
      override incomingRequest(tx: ServerTransaction): void {
        tx.sendResponse(new ResponseElements({ statusCode: 503, reasonPhrase: 'Too many', messageElements: new MessageElements({ headers: [['Retry-After', '5']] }) }));
        tx.dispose();
        refused++;
      }
      override connectionStateChanged(s: ConnectionState): void {
        if (s === ConnectionState.Active) resolve();
      }
    }
    new SipConnection(client, 'uas', new Refuser());
  });
  const stack = client.context.stack;
  port = stack.boundAddresses('uas')[0].port;
  liveTransactions = () => stack.stats().transactions.total;
  shutdown = async () => client.dispose();
} else {
  const stack = new SipStack({
    iaps: [{ id: 'uas', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }],
    limits: { maxServerTransactions: 500_000, maxClientTransactions: 1_000 },
  });
  stack.addUser({
    uid: 'refuser',
    methods: ['INVITE'],
    claim: () => 'client',
    onRequest(tx) {
      tx.respond(createResponse(tx.request, 503, 'Service Unavailable'));
      refused++;
    },
  });
  await stack.start();
  port = stack.boundAddresses('uas')[0].port;
  liveTransactions = () => stack.stats().transactions.total;
  shutdown = () => stack.shutdown({ graceMs: 0 });
}
const sock = createSocket('udp4');
await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
const localPort = sock.address().port;
let answered = 0;
sock.on('message', (m) => {
  if (/^SIP\/2\.0 503/.test(m.toString('latin1', 0, 12))) answered++;
});
const pad = 'X-Pad: ' + 'p'.repeat(Math.max(0, PAD - 10)) + '\r\n';
function invite(i: number): string {
  return (
    `INVITE sip:srs@127.0.0.1:${port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=${process.env.BRANCH === "2543" ? "" : "z9hG4bK-"}refused-${i}\r\n` +
    `From: <sip:src@127.0.0.1>;tag=f${i}\r\nTo: <sip:srs@127.0.0.1>\r\n` +
    `Call-ID: refused-${i}@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:src@127.0.0.1:${localPort}>\r\nMax-Forwards: 70\r\n` +
    pad +
    `Content-Length: 0\r\n\r\n`
  );
}
const idle = await heapAfterGc();
const t0 = Date.now();
let sent = 0;
while (sent < CALLS && Date.now() - t0 < 20_000) {
  for (let k = 0; k < 50 && sent < CALLS; k++) sock.send(Buffer.from(invite(sent++), 'latin1'), port, '127.0.0.1');
  await settle(5);
}
while (refused < sent && Date.now() - t0 < 25_000) await settle(50);
await settle(300);
const heap = await heapAfterGc();
const live = liveTransactions();
const kb = (b: number): string => (b / 1024).toFixed(0);
console.log(
  `refused-heap-probe ${process.env.MODE ?? 'stack'}: ${refused}/${sent} INVITEs refused (503), ${answered} answers seen, ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
    `request ${invite(0).length} B; heap idle ${kb(idle)} kB, after GC ${kb(heap)} kB; live transactions ${live}; ` +
    `${live > 0 ? ((heap - idle) / live).toFixed(0) : '-'} bytes per refused INVITE`,
);
if (process.env.SNAPSHOT) writeHeapSnapshot(process.env.SNAPSHOT);
sock.close();
await shutdown();
process.exit(0);
