/**
 * Answers calls: 180 Ringing, then 200 OK with an SDP answer; prints the ACK and the BYE it gets.
 * MESSAGE and OPTIONS get 200 (the MESSAGE text is printed).
 * Stops after `--calls` calls (default: runs until Ctrl-C).
 *
 *   npx tsx samples/answer.ts --port 5062 [--calls 1]
 */
import { parseArgs } from 'node:util';
import {
  DefaultConnectionObserver,
  DefaultSipObserver,
  type Dialog,
  InviteDialogAssoc,
  MessageElements,
  ResponseElements,
  type ServerTransaction,
  SipClient,
  SipConnection,
} from '../lib/index.js';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '5062' }, calls: { type: 'string' } } });
const host = values.host;
const maxCalls = values.calls === undefined ? Infinity : Number(values.calls);
const answer = (): MessageElements =>
  new MessageElements({ content: ['v=0', `o=tsip 2 2 IN IP4 ${host}`, 's=tsip answer', `c=IN IP4 ${host}`, 't=0 0', 'm=audio 7002 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n'), contentType: 'application/sdp' });

const calls = new Map<Dialog, InviteDialogAssoc>();
let ended = 0;

const observer = new (class extends DefaultConnectionObserver {
  override incomingRequest(tx: ServerTransaction): void {
    if (tx.type === 'MESSAGE' || tx.type === 'OPTIONS') {
      console.log(`${tx.type} from ${tx.requestElements.fromHeader ?? '?'}${tx.type === 'MESSAGE' ? `: ${tx.requestElements.messageElements.contentText}` : ''}`);
      tx.sendResponse(new ResponseElements({ statusCode: 200 }));
      return tx.dispose();
    }
    if (tx.type !== 'INVITE') return super.incomingRequest(tx);
    const from = tx.requestElements.fromHeader ?? '?';
    console.log(`INVITE from ${from}`);
    const assoc = InviteDialogAssoc.fromServerTransaction(tx);
    calls.set(assoc.dialog, assoc);
    tx.sendResponse(new ResponseElements({ statusCode: 180 }));
    setTimeout(() => {
      if (!tx.responseAllowed) return tx.dispose(); // cancelled meanwhile
      tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: answer() }));
      console.log('200 OK →');
      tx.dispose();
    }, 300);
  }
  override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void {
    console.log(`${tx.type} ←`);
    if (tx.type === 'BYE') {
      tx.sendResponse(new ResponseElements({ statusCode: 200 }));
      tx.dispose();
      calls.get(dialog)?.dispose();
      calls.delete(dialog);
      if (++ended >= maxCalls) setTimeout(() => void stop(), 500); // let the 200 leave before the sockets close
      return;
    }
    super.incomingRequestInDialog(tx, dialog);
  }
  override inviteCanceled(tx: ServerTransaction): void {
    console.log('CANCEL ← (487 sent)');
    tx.dispose();
  }
})();

const client = new SipClient({
  uid: 'tsip-answer-sample',
  observer: new DefaultSipObserver(),
  settings: { iaps: [{ id: 'default', listen: [{ protocol: 'udp', address: host, port: Number(values.port) }, { protocol: 'tcp', address: host, port: Number(values.port) }] }] },
});
const connection = new SipConnection(client, 'default', observer);

async function stop(): Promise<void> {
  for (const a of calls.values()) a.dispose();
  await client.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setTimeout(() => console.log(`answering on ${host}:${values.port} (${connection.state})`), 200);
