/**
 * The API against Kamailio's presence server (test/interop/kamailio/presence.cfg): a watcher's
 * SubscribeDialogAssoc gets the initial NOTIFY, a NOTIFY for a PUBLISH (refreshed stand-alone,
 * RFC 3903), and the final `terminated` NOTIFY after unsubscribing.
 */
import t from 'tap';
import { DialogState } from '../../include-types/states.js';
import { SubscribeDialogAssoc } from '../../lib/api/dialogs/subscribe-dialog-assoc.js';
import { MessageElements } from '../../lib/api/elements/message-elements.js';
import { RequestElements } from '../../lib/api/elements/request-elements.js';
import { ResponseElements } from '../../lib/api/elements/response-elements.js';
import { Refresh } from '../../lib/api/refresh.js';
import type { ClientTransaction } from '../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../lib/api/transactions/server-transaction.js';
import { party } from '../unit/api/party.js';
import { PRESENCE_TABLES, requireKamailioModules, requireTool, startKamailio } from './lib/index.js';
import { kamailioConfig } from './lib/paths.js';

const notify = (tx: ServerTransaction) => tx.type === 'NOTIFY';

const pidf = (entity: string, basic: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}">\n<tuple id="t1"><status><basic>${basic}</basic></status></tuple>\n</presence>\n`;

t.test('SUBSCRIBE/NOTIFY presence with a PUBLISH, then unsubscribe', async (t) => {
  if (!requireTool(t, 'kamailio') || !requireKamailioModules(t, ['presence', 'presence_xml', 'db_text'])) return;
  const k = await startKamailio({ config: kamailioConfig('presence.cfg'), dbTextTables: PRESENCE_TABLES });
  const w = await party('watcher');
  t.teardown(async () => {
    await w.close();
    await k.stop();
  });
  const presentity = `sip:alice@${k.host}:${k.port}`;
  const sub = SubscribeDialogAssoc.create(w.conn, { to: `<${presentity}>`, from: '<sip:watcher@tsip.test>', event: 'presence' });
  const refresh = new Refresh(w.client);
  const stx = sub.sendSubscribe(new MessageElements({ headers: [['Expires', '600'], ['Accept', 'application/pidf+xml']] }), refresh);
  await w.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === stx && (x.responseElements?.statusCode ?? 0) >= 200);
  t.ok([200, 202].includes(stx.responseElements?.statusCode ?? 0), `SUBSCRIBE answered ${stx.responseElements?.statusCode}`);
  const first = (await w.rec.wait('incomingRequestInDialog', notify)).args[0] as ServerTransaction;
  t.equal(sub.dialog.state, DialogState.Confirmed);
  t.match(first.requestElements.messageElements.header('Subscription-State') ?? '', /^active/);
  first.sendResponse(new ResponseElements({ statusCode: 200 }));
  t.equal(refresh.state, 'Active');

  // alice publishes "open": the watcher is notified
  const pubRefresh = new Refresh(w.client);
  const pub = w.conn.sendRequest(
    new RequestElements({
      method: 'PUBLISH',
      remoteUri: presentity,
      from: `<${presentity}>`,
      to: `<${presentity}>`,
      messageElements: new MessageElements({ headers: [['Event', 'presence'], ['Expires', '600']], content: pidf(presentity, 'open'), contentType: 'application/pidf+xml' }),
    }),
    { refresh: pubRefresh },
  );
  await w.rec.wait('incomingResponse', (x: ClientTransaction) => x === pub && (x.responseElements?.statusCode ?? 0) >= 200);
  t.equal(pub.responseElements?.statusCode, 200, 'PUBLISH 200');
  t.ok(pub.responseElements?.messageElements.header('SIP-ETag'), 'with an entity tag');
  const second = (await w.rec.wait('incomingRequestInDialog', notify)).args[0] as ServerTransaction;
  t.match(second.requestElements.messageElements.contentText, /<basic>open<\/basic>/);
  second.sendResponse(new ResponseElements({ statusCode: 200 }));

  // remove the publication (RFC 3903 §4.5) and unsubscribe
  const unpub = pubRefresh.terminate();
  await w.rec.wait('incomingResponse', (x: ClientTransaction) => x === unpub && (x.responseElements?.statusCode ?? 0) >= 200);
  t.equal(unpub.responseElements?.statusCode, 200, 'PUBLISH Expires 0 with SIP-If-Match');
  const un = sub.sendUnsubscribe();
  const events: ServerTransaction[] = [];
  for (;;) {
    const n = (await w.rec.wait('incomingRequestInDialog', notify)).args[0] as ServerTransaction;
    events.push(n);
    n.sendResponse(new ResponseElements({ statusCode: 200 }));
    if ((n.requestElements.messageElements.header('Subscription-State') ?? '').startsWith('terminated')) break;
  }
  t.ok(sub.isTerminatedByNotifier, 'final NOTIFY: terminated');
  await w.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === un && (x.responseElements?.statusCode ?? 0) >= 200);
  for (const o of [first, second, ...events, stx, pub, unpub, un, sub, refresh, pubRefresh]) o.dispose();
  t.same(w.client.liveObjects(), { SipConnection: 1 });
});
