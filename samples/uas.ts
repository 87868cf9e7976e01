/**
 * A UAS on the SipStack: answers every INVITE with 200 OK and an SDP answer, absorbs the ACK,
 * answers BYE and OPTIONS with 200, and prints a one-line summary on SIGINT/SIGTERM.
 *
 *   npx tsx samples/uas.ts --transport udp|tcp --host 127.0.0.1 --port 5062
 *
 * The benchmark and the SIPp interop tests drive it.
 */
import { parseArgs } from 'node:util';
import { SipStack, type StackUser } from '../lib/stack/index.js';
import { createResponse, newTag, type SipRequest } from '../lib/message/index.js';
import { InviteServerTransaction, type ServerTransaction } from '../lib/transaction/index.js';
import type { TransportProtocol } from '../include-types/settings.js';

const { values } = parseArgs({
  options: {
    transport: { type: 'string', default: 'udp' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5062' },
    quiet: { type: 'boolean', default: false },
  },
});
const transports = values.transport.split(',') as TransportProtocol[];
for (const t of transports) if (t !== 'udp' && t !== 'tcp') throw new Error(`--transport must be udp or tcp, not ${t}`);
const host = values.host;
const port = Number(values.port);
const hostInUri = host.includes(':') ? `[${host}]` : host;

const counts = { invites: 0, acks: 0, byes: 0, options: 0, ackTimeouts: 0 };
const stack = new SipStack({
  iaps: [{ id: 'uas', listen: transports.map((protocol) => ({ protocol, address: host, port })) }],
  // a UAS under load keeps many transactions alive for Timer J/I; raise the defaults
  limits: { maxServerTransactions: 200_000, maxClientTransactions: 1_000 },
});

function sdpAnswer(): string {
  const family = host.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=tsip ${Date.now()} 1 IN ${family} ${host}`,
    's=tsip uas',
    `c=IN ${family} ${host}`,
    't=0 0',
    'm=audio 6000 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

function answerInvite(tx: InviteServerTransaction): void {
  const req = tx.request;
  const tag = newTag();
  const res = createResponse(req, 200, 'OK', tag);
  const transport = tx.source.protocol === 'udp' ? '' : `;transport=${tx.source.protocol}`;
  res.headers.set('Contact', `<sip:uas@${hostInUri}:${tx.source.localPort}${transport}>`);
  res.headers.set('Content-Type', 'application/sdp');
  res.body = Buffer.from(sdpAnswer());
  const key = { callId: req.callId, localTag: tag, remoteTag: req.from.tag ?? '' };
  stack.registerDialog(key, {
    user,
    onAck: () => {
      counts.acks++;
    },
    onRequest: (inDialog: ServerTransaction) => {
      if (inDialog.request.method === 'BYE') {
        counts.byes++;
        stack.unregisterDialog(key);
      }
      inDialog.respond(createResponse(inDialog.request, 200, 'OK'));
    },
  });
  stack.send2xxUntilAck(tx, res, {
    onAckTimeout: () => {
      counts.ackTimeouts++;
      stack.unregisterDialog(key);
    },
  });
}

const user: StackUser = {
  uid: 'samples/uas',
  methods: ['INVITE', 'BYE', 'OPTIONS'],
  claim: () => 'connection',
  onRequest(tx: ServerTransaction): void {
    const req: SipRequest = tx.request;
    if (tx instanceof InviteServerTransaction) {
      counts.invites++;
      answerInvite(tx);
      return;
    }
    if (req.method === 'OPTIONS') counts.options++;
    const res = createResponse(req, 200, 'OK');
    if (req.method === 'OPTIONS') res.headers.set('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS');
    tx.respond(res);
  },
};

stack.addUser(user);
await stack.start();
const bound = stack.boundAddresses('uas').map((b) => `${b.protocol}:${b.address}:${b.port}`).join(' ');
console.log(`tsip uas listening on ${bound}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const s = stack.stats();
  console.log(
    `tsip uas ${signal}: invites=${counts.invites} acks=${counts.acks} byes=${counts.byes} options=${counts.options} ` +
      `ackTimeouts=${counts.ackTimeouts} liveDialogs=${s.dialogs} liveTransactions=${s.transactions.total}`,
  );
  await stack.shutdown();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
