/** DialogCore, the factories, the UAC dialog set and the table (RFC 3261 §12, §13.2.2.4, §15). */
import t from 'tap';
import { NameAddr, SipUri, serializeMessage } from '../../../lib/message/index.js';
import { createUacDialog, createUasDialog } from '../../../lib/dialog/dialog-factory.js';
import { UacDialogSet } from '../../../lib/dialog/dialog-set.js';
import { DialogTable } from '../../../lib/dialog/dialog-table.js';
import { type DialogStateChange } from '../../../lib/dialog/dialog.js';
import { dialogKey } from '../../../lib/dialog/dialog-id.js';
import { answer, invite, req } from './helpers.js';

t.test('UAC: 180 with a tag makes an early dialog; the 2xx confirms it and recomputes route set and target', async (t) => {
  const d = createUacDialog(invite(), answer(180, 'b1', { contact: '<sip:bob@early.biloxi.example.com>', rr: ['<sip:p2;lr>', '<sip:p1;lr>'] }));
  t.equal(d.state, 'Early');
  t.equal(d.role, 'uac');
  t.same(d.id, { callId: '3848276298220188511@atlanta.example.com', localTag: '9fxced76sl', remoteTag: 'b1' });
  t.same(d.routeSet.map(String), ['<sip:p1;lr>', '<sip:p2;lr>'], 'Record-Route reversed');
  t.equal(d.remoteTarget.toString(), 'sip:bob@early.biloxi.example.com');
  t.equal(d.localSeq, 1);
  t.equal(d.remoteSeq, undefined);
  t.equal(d.localUri.tag, undefined, 'URIs kept without tags');
  const changes: DialogStateChange[] = [];
  d.onStateChange((c) => changes.push(c));
  d.receiveResponse(answer(200, 'b1'));
  t.equal(d.state, 'Confirmed');
  t.same(d.routeSet.map(String), ['<sip:ss1.atlanta.example.com;lr>', '<sip:ss2.biloxi.example.com;lr>']);
  t.equal(d.remoteTarget.toString(), 'sip:bob@client.biloxi.example.com');
  t.same(changes, [{ from: 'Early', to: 'Confirmed' }]);
});

t.test('UAC: a request in the dialog (loose routing) and BYE ending it', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1'));
  t.equal(d.state, 'Confirmed');
  const info = d.createRequest('INFO', { headers: { 'Content-Type': 'application/dtmf-relay' }, body: 'Signal=1\r\n' });
  t.equal(info.uri.toString(), 'sip:bob@client.biloxi.example.com');
  t.same(info.route.map(String), ['<sip:ss1.atlanta.example.com;lr>', '<sip:ss2.biloxi.example.com;lr>']);
  t.same(info.cseq, { seq: 2, method: 'INFO' });
  t.equal(info.from.tag, '9fxced76sl');
  t.equal(info.from.uri.toString(), 'sip:alice@atlanta.example.com');
  t.equal(info.to.tag, 'b1');
  t.equal(info.callId, '3848276298220188511@atlanta.example.com');
  t.equal(info.maxForwards, 70);
  t.same(info.via, [], 'no Via: the transaction layer adds it');
  t.same(info.contact, [], 'INFO is not a target refresh: no Contact');
  t.equal(info.body.toString(), 'Signal=1\r\n');
  t.match(serializeMessage(info).toString(), /Content-Length: 10\r\n/);
  const bye = d.createRequest('BYE');
  t.same(bye.cseq, { seq: 3, method: 'BYE' });
  t.equal(d.localSeq, 3);
  t.equal(d.state, 'Terminated');
  t.equal(d.endReason, 'LocalBye');
  t.throws(() => d.createRequest('INFO'), { name: 'SipError', code: 'InvalidDialogState' });
  t.same(d.receiveRequest(req(`
    INFO sip:alice@client.atlanta.example.com SIP/2.0
    Via: SIP/2.0/UDP b;branch=z9hG4bKx
    From: <sip:bob@biloxi.example.com>;tag=b1
    To: <sip:alice@atlanta.example.com>;tag=9fxced76sl
    Call-ID: 3848276298220188511@atlanta.example.com
    CSeq: 9 INFO
    Content-Length: 0
  `)), { accept: false, status: 481, reason: 'Call/Transaction Does Not Exist' });
});

t.test('strict routing: first route becomes the Request-URI, remote target goes last', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1', { rr: ['<sip:p3;lr>', '<sip:p2;lr>', '<sip:strict.example.com;method=INVITE?X=1>'] }));
  const r = d.createRequest('INFO');
  t.equal(r.uri.toString(), 'sip:strict.example.com');
  t.same(r.route.map(String), ['<sip:p2;lr>', '<sip:p3;lr>', '<sip:bob@client.biloxi.example.com>']);
  const direct = createUacDialog(invite(), answer(200, 'b2', { rr: [] }));
  const r2 = direct.createRequest('INFO');
  t.same(r2.route, []);
  t.equal(r2.uri.toString(), 'sip:bob@client.biloxi.example.com');
});

t.test('re-INVITE and UPDATE carry our Contact; the app may give its own; owned headers refused', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1'));
  t.equal(d.createRequest('INVITE').contact.map(String).join(), '<sip:alice@client.atlanta.example.com;transport=udp>');
  t.equal(d.createRequest('UPDATE', { headers: [['Contact', '<sip:alice@new.example.com>']] }).contact.map(String).join(), '<sip:alice@new.example.com>');
  for (const h of ['Via', 'call-id', 'CSeq', 'f', 'To', 'Route', 'Max-Forwards']) {
    t.throws(() => d.createRequest('INFO', { headers: { [h]: 'x' } }), { name: 'SipError', code: 'MalformedMessage' }, h);
  }
  t.equal(d.localSeq, 3, 'refused requests use no CSeq');
});

t.test('ACK for a 2xx and CANCEL keep the CSeq number they belong to', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1'));
  const ack = d.createAck(1, { headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
  t.equal(ack.method, 'ACK');
  t.same(ack.cseq, { seq: 1, method: 'ACK' });
  t.equal(ack.uri.toString(), 'sip:bob@client.biloxi.example.com');
  t.equal(ack.route.length, 2);
  t.equal(ack.body.toString(), 'v=0\r\n');
  t.equal(d.localSeq, 1, 'ACK does not move the local CSeq');
  const reinvite = d.createRequest('INVITE');
  const cancel = d.createRequest('CANCEL', { cseq: reinvite.cseq.seq });
  t.same(cancel.cseq, { seq: 2, method: 'CANCEL' });
  t.equal(d.localSeq, 2);
  t.throws(() => d.createRequest('ACK'), { name: 'SipError', code: 'InvalidArgument' });
  t.throws(() => d.createRequest('CANCEL'), { name: 'SipError', code: 'InvalidArgument' });
});

function bobRequest(method: string, seq: number, extra = ''): ReturnType<typeof req> {
  return req(`
    ${method} sip:alice@client.atlanta.example.com SIP/2.0
    Via: SIP/2.0/UDP client.biloxi.example.com;branch=z9hG4bK${method}${seq}
    From: <sip:bob@biloxi.example.com>;tag=b1
    To: <sip:alice@atlanta.example.com>;tag=9fxced76sl
    Call-ID: 3848276298220188511@atlanta.example.com
    CSeq: ${seq} ${method}
    ${extra || 'Max-Forwards: 70'}
    Content-Length: 0
  `);
}

t.test('receiving: remote CSeq recorded, lower → 500, target refresh, BYE', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1'));
  t.same(d.receiveRequest(bobRequest('INFO', 10)), { accept: true, targetRefreshed: false });
  t.equal(d.remoteSeq, 10);
  t.same(d.receiveRequest(bobRequest('INFO', 9)), { accept: false, status: 500, reason: 'CSeq Out Of Order' });
  t.equal(d.remoteSeq, 10);
  t.same(d.receiveRequest(bobRequest('INFO', 10)).accept, true, 'equal is not lower');
  t.same(d.receiveRequest(bobRequest('INVITE', 11, 'Contact: <sip:bob@moved.example.com>')), { accept: true, targetRefreshed: true });
  t.equal(d.remoteTarget.toString(), 'sip:bob@moved.example.com');
  t.same(d.receiveRequest(bobRequest('ACK', 11)).accept, true);
  t.same(d.receiveRequest(bobRequest('UPDATE', 12)), { accept: true, targetRefreshed: false }, 'no Contact, no change');
  t.same(d.receiveRequest(bobRequest('NOTIFY', 13, 'Contact: <sip:bob@n.example.com>')).accept, true);
  t.equal(d.remoteTarget.toString(), 'sip:bob@n.example.com');
  t.same(d.receiveRequest(bobRequest('INFO', 14, 'Contact: <sip:bob@ignored.example.com>')).accept, true);
  t.equal(d.remoteTarget.toString(), 'sip:bob@n.example.com', 'INFO does not refresh the target');
  t.same(d.receiveRequest(bobRequest('CANCEL', 1)).accept, true, 'CANCEL is not checked against the CSeq');
  t.same(d.receiveRequest(bobRequest('BYE', 15)).accept, true);
  t.equal(d.state, 'Terminated');
  t.equal(d.endReason, 'RemoteBye');
});

t.test('responses in the dialog: 2xx to a target refresh, 481, 408, timeouts', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1'));
  d.receiveResponse(answer(200, 'b1', { cseq: '2 UPDATE', contact: '<sip:bob@upd.example.com>' }));
  t.equal(d.remoteTarget.toString(), 'sip:bob@upd.example.com');
  d.receiveResponse(answer(200, 'b1', { cseq: '3 INFO', contact: '<sip:bob@info.example.com>' }));
  t.equal(d.remoteTarget.toString(), 'sip:bob@upd.example.com');
  d.receiveResponse(answer(491, 'b1', { cseq: '4 INVITE' }));
  t.equal(d.state, 'Confirmed', '491 does not end the dialog');
  d.receiveResponse(answer(481, 'b1', { cseq: '5 INFO' }));
  t.equal(d.state, 'Terminated');
  t.equal(d.endReason, 'Rejected');
  t.equal(d.endStatus, 481);
  const d2 = createUacDialog(invite(), answer(200, 'b1'));
  d2.receiveResponse(answer(408, 'b1', { cseq: '2 INFO' }));
  t.equal(d2.endReason, 'Timeout');
  t.equal(d2.endStatus, 408);
  const d3 = createUacDialog(invite(), answer(200, 'b1'));
  d3.requestFailed('transport');
  t.equal(d3.endReason, 'TransportError');
  d3.terminate('Disposed');
  t.equal(d3.endReason, 'TransportError', 'the first reason stays');
});

t.test('UAC early dialog ended by a final failure; 487 → Canceled', async (t) => {
  const d = createUacDialog(invite(), answer(183, 'b1'));
  d.receiveResponse(answer(486, 'b1'));
  t.equal(d.state, 'Terminated');
  t.equal(d.endReason, 'Rejected');
  t.equal(d.endStatus, 486);
  const c = createUacDialog(invite(), answer(180, 'b1'));
  c.receiveResponse(answer(487, 'b1'));
  t.equal(c.endReason, 'Canceled');
  t.throws(() => createUacDialog(invite(), answer(180, undefined)), { name: 'SipError', code: 'InvalidArgument' });
  const old = createUacDialog(invite(), answer(200, undefined));
  t.equal(old.id.remoteTag, '', 'a tagless 2xx (RFC 2543) gives the null tag');
  t.equal(old.createRequest('BYE').to.tag, undefined);
  t.throws(() => createUacDialog(invite(), answer(100, 'x')), { name: 'SipError', code: 'InvalidArgument' });
});

t.test('UAS: dialog from the received INVITE, Init → Early → Confirmed, route set in order', async (t) => {
  const inv = invite('Record-Route: <sip:p1;lr>, <sip:p2;lr>');
  const d = createUasDialog(inv, { localTag: 'bobtag', localContact: NameAddr.parse('<sip:bob@10.0.0.2>') });
  t.equal(d.state, 'Init');
  t.same(d.id, { callId: inv.callId, localTag: 'bobtag', remoteTag: '9fxced76sl' });
  t.same(d.routeSet.map(String), ['<sip:p1;lr>', '<sip:p2;lr>']);
  t.equal(d.remoteTarget.toString(), 'sip:alice@client.atlanta.example.com;transport=udp');
  t.equal(d.remoteSeq, 1);
  t.equal(d.localSeq, undefined);
  t.equal(d.localUri.toString(), 'Bob <sip:bob@biloxi.example.com>'.replace('Bob', '"Bob"'));
  t.throws(() => d.createRequest('INFO'), { name: 'SipError', code: 'InvalidDialogState' }, 'nothing to send in Init');
  d.responseSent(answer(100, undefined));
  t.equal(d.state, 'Init');
  d.responseSent(answer(180, 'bobtag'));
  t.equal(d.state, 'Early');
  t.throws(() => d.createRequest('BYE'), { name: 'SipError', code: 'InvalidDialogState' }, 'callee may not BYE an early dialog');
  d.responseSent(answer(200, 'bobtag', { cseq: '5 PRACK' }));
  t.equal(d.state, 'Early', 'a 2xx to PRACK does not confirm');
  d.responseSent(answer(200, 'bobtag'));
  t.equal(d.state, 'Confirmed');
  const bye = d.createRequest('BYE');
  t.ok(bye.cseq.seq >= 1 && bye.cseq.seq < 0x10000, 'empty local CSeq starts at a random value');
  t.equal(bye.uri.toString(), 'sip:alice@client.atlanta.example.com;transport=udp');
  t.same(bye.route.map(String), ['<sip:p1;lr>', '<sip:p2;lr>']);
  t.equal(bye.from.tag, 'bobtag');
  t.equal(bye.to.tag, '9fxced76sl');
  t.equal(bye.to.uri.toString(), 'sip:alice@atlanta.example.com');
});

t.test('UAS: generated tag, rejection, cancel, secure flag, already-in-dialog request', async (t) => {
  const a = createUasDialog(invite());
  t.match(a.id.localTag, /^[0-9a-f]{8,}$/);
  t.not(createUasDialog(invite()).id.localTag, a.id.localTag);
  a.responseSent(answer(603, a.id.localTag));
  t.equal(a.endReason, 'Rejected');
  const b = createUasDialog(invite());
  b.responseSent(answer(487, b.id.localTag));
  t.equal(b.endReason, 'Canceled');
  const sips = invite();
  sips.uri = SipUri.parse('sips:bob@biloxi.example.com');
  t.equal(createUasDialog(sips, { secureTransport: true }).secure, true);
  t.equal(createUasDialog(sips).secure, false);
  t.equal(createUasDialog(invite(), { secureTransport: true }).secure, false);
  t.equal(createUacDialog(sips, answer(200, 'x'), { secureTransport: true }).secure, true);
  t.throws(() => createUasDialog(bobRequest('INVITE', 2)), { name: 'SipError', code: 'InvalidArgument' });
});

t.test('a tagless From (RFC 2543 peer) gives an empty remote tag and a tagless To', async (t) => {
  const inv = req(`
    INVITE sip:bob@b SIP/2.0
    Via: SIP/2.0/UDP a;branch=z9hG4bK1
    From: <sip:old@a>
    To: <sip:bob@b>
    Call-ID: c1
    CSeq: 7 INVITE
    Contact: <sip:old@1.2.3.4>
    Content-Length: 0
  `);
  const d = createUasDialog(inv, { localTag: 't' });
  t.equal(d.id.remoteTag, '');
  d.responseSent(answer(200, 't', { cseq: '7 INVITE' }));
  const bye = d.createRequest('BYE');
  t.equal(bye.to.tag, undefined);
  t.equal(bye.uri.toString(), 'sip:old@1.2.3.4');
});

t.test('UacDialogSet: forked early dialogs, one answered, the others end with the transaction', async (t) => {
  const set = new UacDialogSet(invite());
  t.equal(set.state, 'Init');
  t.same(set.receiveResponse(answer(100, undefined)), { created: false });
  t.same(set.receiveResponse(answer(180, undefined)), { created: false }, 'no tag, no dialog');
  const a = set.receiveResponse(answer(180, 'A'));
  const b = set.receiveResponse(answer(183, 'B', { contact: '<sip:b@fork2>' }));
  t.ok(a.created && b.created);
  t.not(a.dialog, b.dialog);
  t.equal(set.state, 'Early');
  t.same(set.receiveResponse(answer(180, 'A')), { dialog: a.dialog, created: false });
  t.equal(set.dialogs().length, 2);
  t.same(set.receiveResponse(answer(200, 'B')), { dialog: b.dialog, created: false });
  t.equal(b.dialog?.state, 'Confirmed');
  t.same(set.receiveResponse(answer(200, 'B')), { dialog: b.dialog, created: false, retransmission: true }, 'the 2xx again: re-send the ACK');
  t.equal(set.state, 'Confirmed');
  const late = set.receiveResponse(answer(200, 'C'));
  t.ok(late.created, 'a second 2xx on another tag is another (confirmed) dialog');
  t.equal(late.dialog?.state, 'Confirmed');
  set.transactionEnded();
  t.equal(a.dialog?.state, 'Terminated');
  t.equal(a.dialog?.endReason, 'Canceled');
  t.equal(set.get('B')?.state, 'Confirmed');
});

t.test('UacDialogSet: a final failure ends the early dialogs and the set', async (t) => {
  const set = new UacDialogSet(invite());
  const a = set.receiveResponse(answer(180, 'A')).dialog!;
  set.receiveResponse(answer(480, 'Z'));
  t.equal(a.state, 'Terminated');
  t.equal(a.endStatus, 480);
  t.equal(set.state, 'Terminated');
  const none = new UacDialogSet(invite());
  none.receiveResponse(answer(404, 'x'));
  t.equal(none.state, 'Terminated');
  const timeout = new UacDialogSet(invite());
  const e = timeout.receiveResponse(answer(180, 'E')).dialog!;
  timeout.transactionEnded();
  t.equal(e.endReason, 'Timeout');
  t.equal(timeout.state, 'Terminated');
});

t.test('DialogTable: matching both ways, removal on Terminated, counts', async (t) => {
  const table = new DialogTable();
  const uac = createUacDialog(invite(), answer(180, 'b1'));
  const uas = createUasDialog(invite('Record-Route: <sip:p;lr>'), { localTag: 'mine' });
  t.ok(table.add(uac));
  t.notOk(table.add(uac), 'no duplicates');
  t.ok(table.add(uas));
  t.same(table.counts(), { Init: 1, Early: 1, Confirmed: 0, Terminated: 0 });
  t.equal(table.matchRequest(bobRequest('INFO', 3)), uac, 'To tag = local, From tag = remote');
  t.equal(table.matchResponse(answer(200, 'b1', { cseq: '2 INFO' })), uac, 'From tag = local, To tag = remote');
  t.equal(table.matchResponse(answer(200, 'other')), undefined);
  t.equal(table.matchRequest(invite()), undefined, 'no To tag: outside any dialog');
  t.equal(table.get(uas.id), uas);
  t.equal(uas.key, dialogKey({ ...uas.id }));
  uac.receiveResponse(answer(200, 'b1'));
  t.same(table.counts(), { Init: 1, Early: 0, Confirmed: 1, Terminated: 0 });
  uac.createRequest('BYE');
  t.equal(table.size, 1, 'a terminated dialog leaves');
  t.notOk(table.add(uac), 'terminated dialogs are not added');
  t.ok(table.remove(uas));
  t.notOk(table.remove(uas));
  t.equal(table.size, 0);
  const again = createUasDialog(invite());
  table.add(again);
  table.clear();
  again.terminate('Shutdown');
  t.equal(table.size, 0);
});

t.test('DialogTable: the dialog limit', async (t) => {
  const table = new DialogTable({ maxDialogs: 2 });
  const a = createUasDialog(invite());
  t.ok(table.add(a));
  t.ok(table.add(createUasDialog(invite())));
  t.throws(() => table.add(createUasDialog(invite())), { name: 'SipError', code: 'LimitExceeded' });
  a.terminate('Rejected');
  t.ok(table.add(createUasDialog(invite())), 'room again once one ended');
  const many = new DialogTable();
  for (let i = 0; i < 1000; i++) many.add(createUasDialog(invite()));
  for (const d of many.all()) d.terminate('Shutdown');
  t.equal(many.size, 0, 'no leak after a thousand dialogs end');
});

t.test('the local CSeq never passes 2**31 - 1', async (t) => {
  const req = invite();
  req.cseq = { seq: 0x7ffffffe, method: 'INVITE' };
  const d = createUacDialog(req, answer(200, 'b1'));
  t.equal(d.createRequest('INFO').cseq.seq, 0x7fffffff);
  t.throws(() => d.createRequest('INFO'), { name: 'SipError', code: 'InvalidDialogState' });
  t.equal(d.localSeq, 0x7fffffff);
});

t.test('snapshot: plain data, a copy', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1', { rr: ['<sip:p;lr>'] }));
  const snap = d.snapshot();
  t.same(snap, {
    id: { callId: '3848276298220188511@atlanta.example.com', localTag: '9fxced76sl', remoteTag: 'b1' },
    role: 'uac',
    state: 'Confirmed',
    localUri: '"Alice" <sip:alice@atlanta.example.com>',
    remoteUri: '"Bob" <sip:bob@biloxi.example.com>',
    localSeq: 1,
    routeSet: ['<sip:p;lr>'],
    remoteTarget: 'sip:bob@client.biloxi.example.com',
    secure: false,
  });
  d.receiveResponse(answer(481, 'b1', { cseq: '2 INFO' }));
  t.equal(snap.state, 'Confirmed', 'the copy did not change');
  t.match(d.snapshot(), { state: 'Terminated', endReason: 'Rejected', endStatus: 481 });
  t.same(JSON.parse(JSON.stringify(d.snapshot())), d.snapshot(), 'JSON-safe');
});

t.test('peers that forget Contact: the target falls back to the Request-URI / From URI', async (t) => {
  const noContact = answer(200, 'b1');
  noContact.headers.delete('Contact');
  const uac = createUacDialog(invite(), noContact, { localContact: NameAddr.parse('<sip:me@10.9.9.9>') });
  t.equal(uac.remoteTarget.toString(), 'sip:bob@biloxi.example.com');
  t.equal(uac.createRequest('UPDATE').contact.map(String).join(), '<sip:me@10.9.9.9>', 'the given Contact wins');
  const inv = invite();
  inv.headers.delete('Contact');
  const uas = createUasDialog(inv);
  t.equal(uas.remoteTarget.toString(), 'sip:alice@atlanta.example.com');
  t.equal(uas.localContact, undefined);
  const noOwn = createUacDialog(inv, answer(200, 'b1'));
  t.equal(noOwn.localContact, undefined);
  t.same(noOwn.createRequest('INVITE').contact, [], 'nothing to put in Contact');
});

t.test('UacDialogSet: a tagless 2xx from an RFC 2543 peer still makes one dialog', async (t) => {
  const set = new UacDialogSet(invite());
  const r = set.receiveResponse(answer(200, undefined));
  t.ok(r.created);
  t.equal(r.dialog?.id.remoteTag, '');
  t.equal(set.state, 'Confirmed');
  t.same(set.receiveResponse(answer(200, undefined)).retransmission, true);
  const table = new DialogTable();
  table.add(r.dialog!);
  const bye = req(`
    BYE sip:alice@client.atlanta.example.com SIP/2.0
    Via: SIP/2.0/UDP b;branch=z9hG4bKold
    From: <sip:bob@biloxi.example.com>
    To: <sip:alice@atlanta.example.com>;tag=9fxced76sl
    Call-ID: 3848276298220188511@atlanta.example.com
    CSeq: 5 BYE
    Content-Length: 0
  `);
  t.equal(table.matchRequest(bye), r.dialog, 'their requests (no From tag) match it');
});

t.test('a request of another dialog is refused with 481 and changes nothing', async (t) => {
  const d = createUacDialog(invite(), answer(200, 'b1'));
  const other = bobRequest('INFO', 50).clone();
  const from = other.from.clone();
  from.tag = 'someone-else';
  other.from = from;
  t.notOk(d.matches(other));
  t.same(d.receiveRequest(other), { accept: false, status: 481, reason: 'Call/Transaction Does Not Exist' });
  t.equal(d.remoteSeq, undefined);
  t.equal(d.state, 'Confirmed');
  t.ok(d.matches(bobRequest('INFO', 1)));
});

t.test('the ACK for a 2xx carries the INVITE’s credentials (§13.2.2.4)', async (t) => {
  const inv = invite('Authorization: Digest username="alice", realm="r", nonce="n", uri="sip:bob@biloxi.example.com", response="x"');
  inv.headers.append('Proxy-Authorization', 'Digest username="alice", realm="p", nonce="m", uri="sip:bob@biloxi.example.com", response="y"');
  const d = createUacDialog(inv, answer(200, 'b1'));
  const ack = d.createAck(1, { invite: inv });
  t.same(ack.headers.getAll('Authorization'), inv.headers.getAll('Authorization'));
  t.same(ack.headers.getAll('Proxy-Authorization'), inv.headers.getAll('Proxy-Authorization'));
  t.same(d.createAck(1).headers.getAll('Authorization'), [], 'none unless asked');
});
