/**
 * Sends one MESSAGE (RFC 3428) and prints the answer. Exit code 0 on a 2xx.
 *
 *   npx tsx samples/message.ts --to sip:bob@127.0.0.1:5062 --text "hello"
 */
import { parseArgs } from 'node:util';
import { type ClientTransaction, ConnectionState, DefaultConnectionObserver, DefaultSipObserver, MessageElements, RequestElements, SipClient, SipConnection, type SipError } from '../lib/index.js';

const { values } = parseArgs({ options: { to: { type: 'string' }, text: { type: 'string', default: 'hello from tsip' }, from: { type: 'string', default: 'sip:alice@tsip.test' } } });
if (values.to === undefined) {
  console.error('usage: message.ts --to sip:user@host:port [--text "..."]');
  process.exit(2);
}
const to = values.to;

let done: (status: number | string) => void = () => undefined;
const outcome = new Promise<number | string>((r) => (done = r));
const observer = new (class extends DefaultConnectionObserver {
  override connectionStateChanged(state: ConnectionState): void {
    if (state !== ConnectionState.Active) return;
    const elements = new RequestElements({ method: 'MESSAGE', remoteUri: to, from: `<${values.from}>`, messageElements: new MessageElements({ content: values.text, contentType: 'text/plain;charset=utf-8' }) });
    connection.sendRequest(elements);
    console.log(`MESSAGE → ${to}: ${values.text}`);
  }
  override incomingResponse(tx: ClientTransaction): void {
    const r = tx.responseElements;
    if (r === undefined || r.statusCode < 200) return;
    console.log(`← ${r.statusCode} ${r.reasonPhrase}`);
    tx.dispose();
    done(r.statusCode);
  }
  override errorOccurred(error: SipError): void {
    console.log(`error: ${error.code}`);
    done(error.code);
  }
})();
const client = new SipClient({ uid: 'tsip-message-sample', observer: new DefaultSipObserver() });
const connection = new SipConnection(client, 'default', observer);
const result = await outcome;
await client.close();
process.exit(typeof result === 'number' && result >= 200 && result < 300 ? 0 : 1);
