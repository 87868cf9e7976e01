/**
 * Subscribes to a presentity's presence (RFC 3856), prints every NOTIFY, unsubscribes after
 * `--seconds` and waits for the final NOTIFY. Exit code 0 if the subscription was accepted and
 * ended with `Subscription-State: terminated`.
 *
 *   npx tsx samples/subscribe.ts --to sip:alice@127.0.0.1:5070 --seconds 3
 */
import { parseArgs } from 'node:util';
import {
  type ClientTransaction,
  ConnectionState,
  DefaultConnectionObserver,
  DefaultSipObserver,
  type Dialog,
  MessageElements,
  Refresh,
  ResponseElements,
  type ServerTransaction,
  SipClient,
  SipConnection,
  SubscribeDialogAssoc,
} from '../lib/index.js';

const { values } = parseArgs({ options: { to: { type: 'string' }, seconds: { type: 'string', default: '3' }, from: { type: 'string', default: 'sip:watcher@tsip.test' } } });
if (values.to === undefined) {
  console.error('usage: subscribe.ts --to sip:presentity@host:port [--seconds 3]');
  process.exit(2);
}
const to = values.to;

let finish: (ok: boolean) => void = () => undefined;
const finished = new Promise<boolean>((r) => (finish = r));
let sub: SubscribeDialogAssoc | undefined;
let accepted = false;

const observer = new (class extends DefaultConnectionObserver {
  override connectionStateChanged(state: ConnectionState): void {
    if (state !== ConnectionState.Active) return;
    sub = SubscribeDialogAssoc.create(connection, { to: `<${to}>`, from: `<${values.from}>`, event: 'presence' });
    sub.sendSubscribe(new MessageElements({ headers: [['Expires', '600'], ['Accept', 'application/pidf+xml']] }), new Refresh(client));
    console.log(`SUBSCRIBE → ${to}`);
  }
  override incomingResponseInDialog(tx: ClientTransaction): void {
    const r = tx.responseElements;
    if (r === undefined || r.statusCode < 200) return;
    console.log(`SUBSCRIBE ← ${r.statusCode} ${r.reasonPhrase}`);
    if (!accepted && r.statusCode < 300) {
      accepted = true;
      setTimeout(() => {
        sub?.sendUnsubscribe();
        console.log('SUBSCRIBE (Expires: 0) →');
      }, Number(values.seconds) * 1000);
    } else if (r.statusCode >= 300) finish(false);
    tx.dispose();
  }
  override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void {
    if (tx.type !== 'NOTIFY') return super.incomingRequestInDialog(tx, dialog);
    const state = tx.requestElements.messageElements.header('Subscription-State') ?? '';
    const body = tx.requestElements.messageElements.contentText;
    console.log(`NOTIFY ← ${state}${body === '' ? '' : `\n${body.trim()}`}`);
    tx.sendResponse(new ResponseElements({ statusCode: 200 }));
    tx.dispose();
    if (state.startsWith('terminated')) finish(accepted);
  }
})();

const client = new SipClient({ uid: 'tsip-subscribe-sample', observer: new DefaultSipObserver() });
const connection = new SipConnection(client, 'default', observer);
const ok = await Promise.race([finished, new Promise<boolean>((r) => setTimeout(() => r(false), Number(values.seconds) * 1000 + 40_000))]);
await client.close();
process.exit(ok ? 0 : 1);
