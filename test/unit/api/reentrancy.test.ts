/**
 * DESIGN §3: observers are never called from inside the API call that caused the event, even
 * when the event is known at once (a refusal by the transaction layer, a CANCEL of a request
 * still resolving, a connection on a running stack).
 */
import t from 'tap';
import type { ResolvedTarget, Resolver } from '../../../include-types/settings.js';
import { RequestElements } from '../../../lib/api/elements/request-elements.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { SipClient } from '../../../lib/api/sip-client.js';
import { SipConnection } from '../../../lib/api/sip-connection.js';
import { Recorder } from './recorder.js';

t.test('no callback runs inside the call that caused it', async (t) => {
  let inCall = false;
  const rec = new Recorder();
  const conn0 = rec.connectionObserver();
  const guarded = new Proxy(conn0, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (inCall) t.fail(`${String(prop)} called re-entrantly`);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  let release: (v: ResolvedTarget[]) => void = () => undefined;
  const resolver: Resolver = { resolve: () => new Promise((r) => (release = r)) };
  const client = new SipClient({ uid: 're', observer: rec.sipObserver(), settings: { iaps: [{ id: 'lo', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], resolver, limits: { maxClientTransactions: 1 } } });
  t.teardown(() => client.close());
  inCall = true;
  const conn = new SipConnection(client, 'lo', guarded);
  inCall = false;
  await rec.wait('connectionStateChanged');

  // the second request is over the transaction limit: refused, reported later
  inCall = true;
  const first = conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: 'sip:127.0.0.1:9' }));
  const second = conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: 'sip:127.0.0.1:9' }));
  inCall = false;
  const e = await rec.wait('errorOccurred', (_err: unknown, tx: unknown) => tx === second);
  t.equal((e.args[0] as { code: string }).code, 'LimitExceeded');
  first.dispose();
  second.dispose();

  // an INVITE cancelled while its next hop still resolves: nothing is sent, nothing re-entrant
  const assoc = InviteDialogAssoc.create(conn, { to: '<sip:bob@far.example>' });
  inCall = true;
  const invite = assoc.sendInvite();
  const cancel = invite.cancel();
  inCall = false;
  release([{ protocol: 'udp', address: '127.0.0.1', port: 9, family: 4 }]);
  await new Promise((r) => setTimeout(r, 20));
  t.equal(cancel.state, 'Terminated');
  for (const o of [cancel, invite, assoc]) o.forceDispose();
});
