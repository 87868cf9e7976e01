/**
 * The small pieces under the API objects, without sockets: the live-object registry, the
 * observer queue, refresh timing, Event matching, the expiry a response grants.
 */
import t from 'tap';
import { eventKey } from '../../../lib/api/dialogs/subscribe-dialog-assoc.js';
import { EventQueue } from '../../../lib/api/internal/event-queue.js';
import { grantedExpires, refreshDelayMs } from '../../../lib/api/internal/expiry.js';
import { LiveObjects } from '../../../lib/api/internal/live-objects.js';
import { NameAddr, parseMessage, type SipRequest, type SipResponse } from '../../../lib/message/index.js';

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

t.test('LiveObjects counts by kind and releases newest first', async (t) => {
  const live = new LiveObjects();
  const order: string[] = [];
  const mk = (kind: string, name: string) => ({ kind, forceDispose: () => order.push(name) });
  const a = mk('A', 'a1');
  live.add(a);
  live.add(mk('A', 'a2'));
  live.add(mk('B', 'b1'));
  t.same(live.counts(), { A: 2, B: 1 });
  live.remove(a);
  t.equal(live.size, 2);
  live.releaseAll();
  t.same(order, ['b1', 'a2']);
  t.equal(live.size, 0);
});

t.test('EventQueue: later, in order, survives a throwing observer, closes', async (t) => {
  const errors: string[] = [];
  const q = new EventQueue({ ...SILENT, error: (m: string) => errors.push(m) });
  const seen: number[] = [];
  q.post(() => seen.push(1));
  q.post(() => {
    throw new Error('app bug');
  });
  q.post(() => seen.push(2));
  t.same(seen, [], 'nothing runs inside the call');
  await Promise.resolve();
  await new Promise((r) => setImmediate(r));
  t.same(seen, [1, 2]);
  t.same(errors, ['observer callback threw']);
  q.close();
  q.post(() => seen.push(3));
  await new Promise((r) => setImmediate(r));
  t.same(seen, [1, 2]);
});

t.test('refresh timing', async (t) => {
  t.equal(refreshDelayMs(60), 30_000, 'short: half');
  t.equal(refreshDelayMs(3600), (3600 - 32) * 1000, 'long: 32 s before expiry');
  t.equal(refreshDelayMs(90), 60_000, 'min(32, 90/3) = 30 s before');
  t.equal(refreshDelayMs(0), 0);
});

t.test('eventKey: package and id, case-insensitive package', async (t) => {
  t.equal(eventKey('presence'), 'presence;');
  t.equal(eventKey('Presence ; id=7'), 'presence;7');
  t.not(eventKey('dialog;id=1'), eventKey('dialog;id=2'));
});

t.test('grantedExpires: our Contact first, then Expires, then the request', async (t) => {
  const res = parseMessage(
    'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 2 REGISTER\r\n' +
      'Contact: <sip:other@h>;expires=10, <sip:a@127.0.0.1:5060>;expires=77\r\nExpires: 99\r\nContent-Length: 0\r\n\r\n',
  ) as SipResponse;
  const req = parseMessage('REGISTER sip:b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 2 REGISTER\r\nExpires: 300\r\nContent-Length: 0\r\n\r\n') as SipRequest;
  t.equal(grantedExpires(res, req, NameAddr.parse('<sip:a@127.0.0.1:5060>')), 77);
  t.equal(grantedExpires(res, req), 99);
  res.headers.delete('Expires');
  t.equal(grantedExpires(res, req), 300);
});
