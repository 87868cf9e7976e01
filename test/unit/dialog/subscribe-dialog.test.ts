/** Subscription dialogs (RFC 6665): NOTIFY before the 2xx, target refresh by SUBSCRIBE/NOTIFY. */
import t from 'tap';
import { UacDialogSet } from '../../../lib/dialog/dialog-set.js';
import { createDialogFromNotify } from '../../../lib/dialog/dialog-factory.js';
import { req, res } from './helpers.js';

function subscribe() {
  return req(`
    SUBSCRIBE sip:bob@biloxi.example.com SIP/2.0
    Via: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bKs1
    From: <sip:alice@atlanta.example.com>;tag=sub1
    To: <sip:bob@biloxi.example.com>
    Call-ID: sub-call
    CSeq: 20 SUBSCRIBE
    Event: presence
    Contact: <sip:alice@10.0.0.1;transport=tcp>
    Content-Length: 0
  `);
}

function notify(seq: number, fromTag = 'n1', extra = 'Record-Route: <sip:p1;lr>, <sip:p2;lr>') {
  return req(`
    NOTIFY sip:alice@10.0.0.1;transport=tcp SIP/2.0
    Via: SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKn${seq}
    ${extra}
    From: <sip:bob@biloxi.example.com>;tag=${fromTag}
    To: <sip:alice@atlanta.example.com>;tag=sub1
    Call-ID: sub-call
    CSeq: ${seq} NOTIFY
    Event: presence
    Subscription-State: active;expires=600
    Contact: <sip:bob@10.0.0.2;transport=tcp>
    Content-Length: 0
  `);
}

t.test('NOTIFY before the 2xx creates the dialog; the 2xx then finds it', async (t) => {
  const set = new UacDialogSet(subscribe());
  const r = set.receiveNotify(notify(1));
  t.ok(r?.created);
  const d = r!.dialog!;
  t.equal(d.state, 'Confirmed');
  t.same(d.id, { callId: 'sub-call', localTag: 'sub1', remoteTag: 'n1' });
  t.same(d.routeSet.map(String), ['<sip:p1;lr>', '<sip:p2;lr>'], 'in order: we are the NOTIFY’s UAS');
  t.equal(d.remoteTarget.toString(), 'sip:bob@10.0.0.2;transport=tcp');
  t.equal(d.remoteSeq, 1);
  t.equal(d.localSeq, 20);
  t.same(d.receiveRequest(notify(1)), { accept: true, targetRefreshed: true });
  t.same(set.receiveNotify(notify(2)), { dialog: d, created: false });
  const ok = res(`
    SIP/2.0 200 OK
    Via: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bKs1
    From: <sip:alice@atlanta.example.com>;tag=sub1
    To: <sip:bob@biloxi.example.com>;tag=n1
    Call-ID: sub-call
    CSeq: 20 SUBSCRIBE
    Contact: <sip:bob@10.0.0.3;transport=tcp>
    Expires: 600
    Content-Length: 0
  `);
  t.same(set.receiveResponse(ok), { dialog: d, created: false });
  t.equal(d.remoteTarget.toString(), 'sip:bob@10.0.0.3;transport=tcp', '2xx to SUBSCRIBE is a target refresh');
  const refresh = d.createRequest('SUBSCRIBE', { headers: { Event: 'presence', Expires: '600' } });
  t.same(refresh.cseq, { seq: 21, method: 'SUBSCRIBE' });
  t.equal(refresh.contact.length, 1, 'SUBSCRIBE is a target refresh: Contact added');
  t.same(refresh.route.map(String), ['<sip:p1;lr>', '<sip:p2;lr>']);
});

t.test('forked subscriptions: NOTIFYs with different From tags are different dialogs', async (t) => {
  const set = new UacDialogSet(subscribe());
  const a = set.receiveNotify(notify(1, 'x'))!;
  const b = set.receiveNotify(notify(1, 'y'))!;
  t.ok(a.created && b.created);
  t.not(a.dialog, b.dialog);
  t.equal(set.dialogs().length, 2);
});

t.test('NOTIFYs that do not belong are left alone', async (t) => {
  const set = new UacDialogSet(subscribe());
  const other = notify(1).clone();
  other.callId = 'other';
  t.equal(set.receiveNotify(other), undefined);
  const wrongTag = notify(1).clone();
  const to = wrongTag.to.clone();
  to.tag = 'zzz';
  wrongTag.to = to;
  t.equal(set.receiveNotify(wrongTag), undefined);
  const noTag = notify(1).clone();
  const from = noTag.from.clone();
  from.tag = undefined;
  noTag.from = from;
  t.equal(set.receiveNotify(noTag), undefined);
  t.throws(() => createDialogFromNotify(subscribe(), noTag), { name: 'SipError', code: 'InvalidArgument' });
  t.equal(set.dialogs().length, 0);
});
