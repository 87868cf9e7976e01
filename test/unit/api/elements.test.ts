/**
 * The element values (MessageElements, RequestElements, ResponseElements) and the header rules:
 * they copy what they are given, validate eagerly, and refuse the headers the stack owns.
 */
import t from 'tap';
import { checkUserHeaders } from '../../../lib/api/elements/header-rules.js';
import { MessageElements, applyElements } from '../../../lib/api/elements/message-elements.js';
import { RequestElements } from '../../../lib/api/elements/request-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import { SipRequest, parseMessage } from '../../../lib/message/index.js';

t.test('MessageElements: headers, list values, content, copies', async (t) => {
  const me = new MessageElements({ headers: [['Subject', 'a'], { name: 'Allow', value: 'INVITE, BYE' }, ['allow', 'ACK']], content: 'body', contentType: 'text/plain' });
  t.equal(me.header('subject'), 'a');
  t.same(me.headerValues('Allow'), ['INVITE', 'BYE', 'ACK']);
  t.equal(me.contentText, 'body');
  t.equal(me.contentType, 'text/plain');
  const c = me.content!;
  c[0] = 0x58;
  t.equal(me.contentText, 'body', 'content is copied out');
  const copy = me.clone();
  me.removeHeader('Subject');
  t.equal(copy.header('Subject'), 'a', 'clone is deep');
  t.equal(me.header('Subject'), undefined);
  t.throws(() => new MessageElements({ content: 'x' }), { code: 'InvalidArgument' }, 'content needs a type');
  t.throws(() => me.addHeader('Bad Name', 'x'), { code: 'InvalidArgument' });
  t.throws(() => me.addHeader('X-A', 'a\r\nInjected: 1'), { code: 'InvalidArgument' }, 'no header injection');
  const req = new SipRequest({ method: 'MESSAGE', uri: 'sip:a@b' });
  applyElements(req, copy);
  t.equal(req.headers.get('Content-Type'), 'text/plain');
  t.equal(req.body.toString(), 'body');
});

t.test('header rules per use', async (t) => {
  for (const h of ['Via', 'v', 'Call-ID', 'i', 'CSeq', 'Max-Forwards', 'Content-Length', 'l', 'From', 'f', 'To', 't', 'Content-Type']) {
    t.throws(() => checkUserHeaders([h], 'standalone'), { code: 'MalformedMessage' }, h);
  }
  t.doesNotThrow(() => checkUserHeaders(['Route', 'Contact', 'Subject'], 'standalone'));
  t.throws(() => checkUserHeaders(['Contact'], 'register'), { code: 'MalformedMessage' });
  t.throws(() => checkUserHeaders(['Expires'], 'register'), { code: 'MalformedMessage' });
  t.throws(() => checkUserHeaders(['Route'], 'dialog'), { code: 'MalformedMessage' });
  t.doesNotThrow(() => checkUserHeaders(['Contact'], 'response'));
});

t.test('RequestElements and ResponseElements validate and read received messages', async (t) => {
  t.throws(() => new RequestElements({ method: 'BAD METHOD', remoteUri: 'sip:a@b' }), { code: 'InvalidArgument' });
  t.throws(() => new RequestElements({ method: 'MESSAGE', remoteUri: 'not a uri' }), { code: 'InvalidArgument' });
  t.throws(() => new RequestElements({ method: 'MESSAGE', remoteUri: 'sip:a@b', from: '<<<' }), { code: 'InvalidArgument' });
  const r = new RequestElements({ method: 'MESSAGE', remoteUri: 'sip:a@b', to: '<sip:a@b>' });
  t.equal(r.uri?.host, 'b');
  t.equal(r.callId, undefined);
  t.throws(() => new ResponseElements({ statusCode: 99 }), { code: 'InvalidArgument' });
  t.throws(() => new ResponseElements({ statusCode: 700 }), { code: 'InvalidArgument' });
  t.throws(() => new ResponseElements({ statusCode: 200, reasonPhrase: 'a\nb' }), { code: 'InvalidArgument' });
  const ok = new ResponseElements({ statusCode: 200 });
  t.equal(ok.reasonPhrase, 'OK');
  t.ok(ok.isSuccess);
  t.notOk(new ResponseElements({ statusCode: 180 }).isSuccess);
  t.ok(new ResponseElements({ statusCode: 180 }).isProvisional);
  const raw = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 7 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi';
  const res = parseMessage(raw);
  if (res.isRequest()) throw new Error('expected a response');
  const e = ResponseElements.fromMessage(res);
  t.equal(e.callId, 'x');
  t.same(e.cseq, { seq: 7, method: 'MESSAGE' });
  t.equal(e.messageElements.contentText, 'hi');
  t.equal(e.messageElements.header('Content-Length'), undefined, 'Content-Length is the stack’s');
  t.equal(e.toHeader, '<sip:c@d>;tag=2');
});

// Received elements are filled in without the constructors (issue 15): they must still be the
// same kind of object, with the same fields in the same order as constructed ones.
t.test('elements of received messages: same class, same fields as constructed ones', async (t) => {
  const raw = 'INVITE sip:bob@example.net;transport=tcp SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:bob@example.net>\r\nCall-ID: call-7@h\r\nCSeq: 3 INVITE\r\nX-Extra: yes\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n';
  const req = parseMessage(raw);
  if (!req.isRequest()) throw new Error('expected a request');
  const r = RequestElements.fromMessage(req);
  t.ok(r instanceof RequestElements);
  t.same(Object.keys(r), Object.keys(new RequestElements({ method: 'INVITE', remoteUri: 'sip:x@y' })), 'the constructor’s fields, in its order');
  t.equal(r.method, 'INVITE');
  t.equal(r.remoteUri, 'sip:bob@example.net;transport=tcp');
  t.equal(r.uri?.host, 'example.net', 'the Request-URI getter still parses it');
  t.equal(r.callId, 'call-7@h');
  t.equal(r.fromHeader, '<sip:a@b>;tag=1');
  t.same(r.cseq, { seq: 3, method: 'INVITE' });
  t.equal(r.messageElements.header('X-Extra'), 'yes');
  t.equal(r.messageElements.contentText, 'v=0\n');
  const res = parseMessage('SIP/2.0 486 Busy\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n');
  if (res.isRequest()) throw new Error('expected a response');
  const e = ResponseElements.fromMessage(res);
  t.ok(e instanceof ResponseElements);
  t.same(Object.keys(e), Object.keys(new ResponseElements({ statusCode: 486 })));
  t.equal(e.statusCode, 486);
  t.equal(e.reasonPhrase, 'Busy');
  t.notOk(e.isSuccess);
});

t.test('applyElements: the headers of a MessageElements, read in place, in order', async (t) => {
  const me = new MessageElements({ headers: [['X-A', '1'], ['X-B', '2'], ['X-A', '3']], content: 'hi', contentType: 'text/plain' });
  const req = new SipRequest({ method: 'MESSAGE', uri: 'sip:a@b' });
  applyElements(req, me);
  t.same(req.headers.getAll('X-A'), ['1', '3']);
  t.equal(req.headers.get('X-B'), '2');
  t.equal(req.body.toString(), 'hi');
  me.addHeader('X-C', '4');
  t.equal(req.headers.get('X-C'), undefined, 'the message keeps no view of the elements');
});
