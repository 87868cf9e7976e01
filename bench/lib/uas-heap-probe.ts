/**
 * What the UAS keeps per live transaction, measured without SIPp and without depending on the
 * machine's load: one process runs the SipStack with the answering UAS (what `tsip uas` runs) and a
 * minimal in-process UAC that places CALLS calls (INVITE/200/ACK/BYE/200, WINDOW at a time) over
 * PROTO (udp or tcp) on loopback. Once every call ended, only what the RFC keeps remains (Timer L
 * and J, 32 s, on UDP; Timer L on TCP): the heap after a full GC above the idle heap, divided by
 * the live transactions, is the cost of one. The figures are the same on a busy machine (only the
 * time changes). Run it compiled, with --expose-gc (it refuses otherwise):
 *   node --expose-gc <build>/bench/lib/uas-heap-probe.js     (CALLS=10000 PROTO=udp|tcp)
 * SNAPSHOT=file also writes a heap snapshot of the state measured. NOACK=1 never ACKs nor ends the
 * calls: what one INVITE answered 2xx and waiting for its ACK costs (the INVITE transaction in
 * Accepted, the 2xx retransmission and the dialog), to size `maxUnacknowledgedInvites`.
 * Bounded: the calls must all end within 25 s (inside the 32 s window), else it says so and exits.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import { createAnsweringUas } from '../../lib/cli/answering-uas.js';
import { SipStack } from '../../lib/stack/index.js';
import { heapAfterGc, requireGc, settle } from './heap-after-gc.js';

const CALLS = Number(process.env.CALLS ?? 10_000);
const WINDOW = Number(process.env.WINDOW ?? 200);
const PROTO = process.env.PROTO === 'tcp' ? 'tcp' : 'udp';
const NO_ACK = process.env.NOACK === '1';
requireGc();

const stack = new SipStack({
  iaps: [{ id: 'uas', listen: [{ protocol: PROTO, address: '127.0.0.1', port: 0 }] }],
  limits: { maxServerTransactions: 500_000, maxClientTransactions: 1_000 },
});
const uas = createAnsweringUas(stack, { host: '127.0.0.1' });
stack.addUser(uas.user);
await stack.start();
const port = stack.boundAddresses('uas')[0].port;

/** The client side: sends raw text, calls `onMessage` with each message received. */
let send: (text: string) => void;
let closeClient: () => void;
let localPort = 0;
const onMessage = (text: string): void => handle(text);
if (PROTO === 'udp') {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  localPort = sock.address().port;
  sock.on('message', (m) => onMessage(m.toString('latin1')));
  send = (text) => sock.send(Buffer.from(text, 'latin1'), port, '127.0.0.1');
  closeClient = () => sock.close();
} else {
  const c = connect(port, '127.0.0.1');
  await new Promise<void>((r) => c.once('connect', () => r()));
  localPort = c.localPort ?? 0;
  let buf = '';
  c.on('data', (d) => {
    buf += d.toString('latin1');
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/\r\nContent-Length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      const msg = buf.slice(0, end + 4 + len);
      buf = buf.slice(end + 4 + len);
      onMessage(msg);
    }
  });
  send = (text) => c.write(Buffer.from(text, 'latin1'));
  closeClient = () => c.destroy();
}

const T = PROTO.toUpperCase();
const SDP = 'v=0\r\no=uac 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
function request(method: string, i: number, seq: number, branch: string, toTag = '', body = ''): string {
  return (
    `${method} sip:uas@127.0.0.1:${port} SIP/2.0\r\n` +
    `Via: SIP/2.0/${T} 127.0.0.1:${localPort};branch=z9hG4bK-${branch}-${i}\r\n` +
    `From: <sip:uac@127.0.0.1>;tag=f${i}\r\nTo: <sip:uas@127.0.0.1>${toTag ? ';tag=' + toTag : ''}\r\n` +
    `Call-ID: probe-${i}@127.0.0.1\r\nCSeq: ${seq} ${method}\r\nContact: <sip:uac@127.0.0.1:${localPort}>\r\nMax-Forwards: 70\r\n` +
    (body ? 'Content-Type: application/sdp\r\n' : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

let started = 0;
let ended = 0;
const toTags = new Map<number, string>();
let allDone: () => void;
const done = new Promise<void>((r) => (allDone = r));
function startCall(): void {
  const i = started++;
  send(request('INVITE', i, 1, 'inv', '', SDP));
}
function handle(text: string): void {
  const status = Number(/^SIP\/2\.0 (\d+)/.exec(text)?.[1] ?? 0);
  if (status < 200) return;
  const i = Number(/\r\nCall-ID: probe-(\d+)@/i.exec(text)?.[1] ?? -1);
  const method = /\r\nCSeq: *\d+ (\w+)/i.exec(text)?.[1];
  if (i < 0) return;
  if (method === 'INVITE') {
    if (toTags.has(i)) return; // a 2xx retransmission: the ACK went already
    const tag = /\r\nTo: [^\r]*;tag=([^;\r>]+)/i.exec(text)?.[1] ?? '';
    toTags.set(i, tag);
    if (NO_ACK) {
      ended++;
      if (ended === CALLS) allDone();
      else if (started < CALLS) startCall();
      return;
    }
    send(request('ACK', i, 1, 'ack', tag));
    send(request('BYE', i, 2, 'bye', tag));
  } else if (method === 'BYE' && toTags.delete(i)) {
    ended++;
    if (ended === CALLS) allDone();
    else if (started < CALLS) startCall();
  }
}

const idle = await heapAfterGc();
const t0 = Date.now();
for (let k = 0; k < Math.min(WINDOW, CALLS); k++) startCall();
const timedOut = await Promise.race([done.then(() => false), settle(25_000).then(() => true)]);
const seconds = (Date.now() - t0) / 1000;
closeClient();
await settle(600); // the last ACKs stop their 2xx retransmissions; nothing else is pending
const heap = await heapAfterGc();
const s = stack.stats();
const live = s.transactions.total;
const mb = (b: number): string => (b / 1048576).toFixed(1);
console.log(
  `uas-heap-probe ${PROTO}: ${ended}/${CALLS} calls in ${seconds.toFixed(1)} s${timedOut ? ' (TIMED OUT)' : ''}; ` +
    `heap idle ${mb(idle)} MB, after GC ${mb(heap)} MB; live transactions ${live}, dialogs ${s.dialogs}, 2xx awaiting ACK ${s.transactions.retransmitting2xx}; ` +
    (NO_ACK ? `${((heap - idle) / CALLS).toFixed(0)} bytes per unacknowledged INVITE; ` : '') +
    `${live > 0 ? ((heap - idle) / live).toFixed(0) : '-'} bytes per live transaction; rss ${mb(process.memoryUsage().rss)} MB`,
);
// SNAPSHOT=file writes a heap snapshot of that state (to see what each transaction keeps)
if (process.env.SNAPSHOT) writeHeapSnapshot(process.env.SNAPSHOT);
await stack.shutdown({ graceMs: 0 });
process.exit(0);
