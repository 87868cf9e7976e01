/**
 * Places a call: INVITE with an SDP offer, ACK for the 2xx, BYE after `--seconds`. Prints each
 * step. Exit code 0 only if the call was answered and the BYE got 200.
 *
 *   npx tsx samples/call.ts --to sip:bob@127.0.0.1:5062 --seconds 2
 */
import { parseArgs } from 'node:util';
import {
  type ClientTransaction,
  ConnectionState,
  DefaultConnectionObserver,
  DefaultSipObserver,
  type DialogAssoc,
  InviteDialogAssoc,
  MessageElements,
  SipClient,
  SipConnection,
  type SipError,
} from '../lib/index.js';

const { values } = parseArgs({ options: { to: { type: 'string' }, seconds: { type: 'string', default: '2' }, from: { type: 'string', default: 'sip:alice@tsip.test' } } });
if (values.to === undefined) {
  console.error('usage: call.ts --to sip:user@host:port [--seconds 2] [--from sip:me@domain]');
  process.exit(2);
}
const to = values.to;
const holdMs = Number(values.seconds) * 1000;

const SDP = ['v=0', 'o=tsip 1 1 IN IP4 127.0.0.1', 's=tsip call', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 7000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

let finish: (ok: boolean) => void = () => undefined;
const finished = new Promise<boolean>((r) => (finish = r));
let invite: ClientTransaction | undefined;
let bye: ClientTransaction | undefined;
let assoc: InviteDialogAssoc | undefined;
let answered = false;

const observer = new (class extends DefaultConnectionObserver {
  override connectionStateChanged(state: ConnectionState): void {
    if (state === ConnectionState.Active) call();
  }
  override incomingResponseInDialog(tx: ClientTransaction): void {
    const r = tx.responseElements;
    if (r === undefined) return;
    console.log(`${tx.type} ← ${r.statusCode} ${r.reasonPhrase}`);
    if (tx === invite && r.statusCode >= 200 && r.statusCode < 300 && !answered) {
      answered = true;
      assoc?.sendAck(tx);
      console.log('ACK →');
      setTimeout(hangUp, holdMs);
    } else if (tx === invite && r.statusCode >= 300) finish(false);
    else if (tx === bye && r.statusCode >= 200) finish(r.statusCode === 200);
  }
  override errorOccurredInDialog(error: SipError, _tx: unknown, _assoc: DialogAssoc): void {
    console.log(`error: ${error.code} ${error.message}`);
    finish(false);
  }
})();

const client = new SipClient({ uid: 'tsip-call-sample', observer: new DefaultSipObserver() });
const connection = new SipConnection(client, 'default', observer);

function call(): void {
  assoc = InviteDialogAssoc.create(connection, { to: `<${to}>`, from: `<${values.from}>` });
  invite = assoc.sendInvite(new MessageElements({ content: SDP, contentType: 'application/sdp' }));
  console.log(`INVITE → ${to}`);
}

function hangUp(): void {
  if (assoc === undefined) return;
  bye = assoc.sendBye();
  console.log('BYE →');
}

const ok = await Promise.race([finished, new Promise<boolean>((r) => setTimeout(() => r(false), holdMs + 40_000))]);
console.log(ok ? 'call completed' : 'call failed');
await client.close();
process.exit(ok ? 0 : 1);
