/** DialogRouter: lookup by dialog then dialog set, and the maxDialogs limit. */
import t from 'tap';
import { DialogRouter, type StackUser } from '../../../lib/stack/index.js';

const user: StackUser = { uid: 'u', methods: [], claim: () => undefined, onRequest: () => undefined };
const ep = { user, onRequest: () => undefined };

t.test('a dialog wins over its set; a set catches other remote tags', async (t) => {
  const r = new DialogRouter();
  const d = { ...ep };
  const s = { ...ep };
  r.register({ callId: 'c', localTag: 'l', remoteTag: 'r1' }, d);
  r.register({ callId: 'c', localTag: 'l' }, s);
  t.equal(r.find('c', 'l', 'r1'), d);
  t.equal(r.find('c', 'l', 'r2'), s);
  t.equal(r.find('c', 'x', 'r1'), undefined);
  t.equal(r.find('c', undefined, 'r1'), undefined);
  t.ok(r.unregister({ callId: 'c', localTag: 'l', remoteTag: 'r1' }));
  t.equal(r.find('c', 'l', 'r1'), s);
});

t.test('maxDialogs is enforced, re-registering an existing key is not a new dialog', async (t) => {
  const r = new DialogRouter(2);
  r.register({ callId: 'a', localTag: 'l', remoteTag: 'r' }, ep);
  r.register({ callId: 'b', localTag: 'l' }, ep);
  r.register({ callId: 'a', localTag: 'l', remoteTag: 'r' }, ep);
  t.throws(() => r.register({ callId: 'c', localTag: 'l', remoteTag: 'r' }, ep), { code: 'LimitExceeded' });
  r.unregister({ callId: 'b', localTag: 'l' });
  r.register({ callId: 'c', localTag: 'l', remoteTag: 'r' }, ep);
  t.same(r.size, { dialogs: 2, dialogSets: 0 });
  r.removeUser(user);
  t.same(r.size, { dialogs: 0, dialogSets: 0 });
});
