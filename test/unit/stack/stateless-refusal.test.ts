/**
 * The UAS core's stateless refusals (RFC 3261 §8.2.7): which requests are refused on sight, with
 * which status, and the To tag that is the same for the same request (a retransmission) and
 * different for another.
 */
import t from 'tap';
import { SipRequest } from '../../../lib/message/index.js';
import { DialogRouter, type StackUser } from '../../../lib/stack/index.js';
import { StatelessRefusal } from '../../../lib/stack/stateless-refusal.js';
import { KNOWN_METHODS } from '../../../lib/stack/uas-checks.js';
import type { MessageSource } from '../../../lib/transport/types.js';
import type { NewRequestInfo, SipStackSettings } from '../../../include-types/settings.js';

const user: StackUser = { uid: 'u', methods: ['INVITE', 'OPTIONS'], claim: () => 'client', onRequest: () => undefined };
const outside = { allowedMethods: ['INVITE', 'OPTIONS', 'ACK', 'CANCEL'], supportedExtensions: ['timer'], server: 'tsip-test' };
const inDialog = { allowedMethods: KNOWN_METHODS, supportedExtensions: ['timer'], server: 'tsip-test' };

function request(method: string, o: { toTag?: string; branch?: string; require?: string; uri?: string; callId?: string } = {}): SipRequest {
  const headers: Array<[string, string]> = [
    ['Via', `SIP/2.0/UDP 192.0.2.1:5060;branch=${o.branch ?? 'z9hG4bKone'}`],
    ['From', '<sip:a@example.com>;tag=fa'],
    ['To', '<sip:b@example.com>' + (o.toTag === undefined ? '' : `;tag=${o.toTag}`)],
    ['Call-ID', o.callId ?? 'refusal@example.com'],
    ['CSeq', `1 ${method}`],
    ['Max-Forwards', '70'],
  ];
  if (o.require !== undefined) headers.push(['Require', o.require]);
  return new SipRequest({ method, uri: o.uri ?? 'sip:b@example.com', headers });
}

const SOURCE: MessageSource = { protocol: 'udp', remoteAddress: '192.0.2.1', remotePort: 5060, localAddress: '192.0.2.9', localPort: 5060, iapId: 'lo' };

function make(admission?: SipStackSettings['admission']) {
  const dialogs = new DialogRouter();
  const r = new StatelessRefusal({ outsideDialog: () => outside, inDialog, dialogs, ...(admission ? { admission } : {}) });
  return { dialogs, refuse: (req: SipRequest, inviteFound: boolean) => r.refuse(req, inviteFound, SOURCE) };
}

t.test('requests that cannot succeed are refused; the others pass', async (t) => {
  const { refuse, dialogs } = make();
  t.equal(refuse(request('FOO'), false)?.status, 501, 'unknown method');
  t.match(refuse(request('FOO'), false)?.headers.get('Allow'), /INVITE/);
  t.equal(refuse(request('SUBSCRIBE'), false)?.status, 405, 'known, nobody serves it');
  t.equal(refuse(request('OPTIONS', { uri: 'mailto:b@example.com' }), false)?.status, 416, 'a scheme not served');
  const r420 = refuse(request('INVITE', { require: 'foo, timer' }), false);
  t.equal(r420?.status, 420);
  t.equal(r420?.headers.get('Unsupported'), 'foo');
  t.equal(refuse(request('BYE', { toTag: 'nodialog' }), false)?.status, 481, 'in a dialog we do not have');
  t.equal(refuse(request('CANCEL'), false)?.status, 481, 'CANCEL matching no INVITE');
  t.equal(refuse(request('CANCEL'), true), undefined, 'CANCEL of a live INVITE goes on');
  t.equal(refuse(request('ACK', { toTag: 'x' }), false), undefined, 'an ACK is never answered');
  t.equal(refuse(request('OPTIONS'), false), undefined, 'a request that can succeed goes on');
  t.equal(refuse(request('INVITE', { require: 'timer' }), false), undefined);
  dialogs.register({ callId: 'refusal@example.com', localTag: 'mine', remoteTag: 'fa' }, { user, onRequest: () => undefined });
  t.equal(refuse(request('BYE', { toTag: 'mine' }), false), undefined, 'in a dialog we have');
  t.equal(refuse(request('FOO', { toTag: 'mine' }), false)?.status, 501, 'unknown method in a dialog');
  const bad = request('OPTIONS');
  bad.headers.set('Max-Forwards', 'many');
  bad.headers.set('Require', '"unterminated');
  const r = refuse(bad, false);
  t.ok(r === undefined || r.status === 400, `a header the checks cannot read: ${r?.status ?? 'left to the stateful path'}`);
});

t.test('§8.2.7: the same request gets the same To tag; another request another', async (t) => {
  const { refuse } = make();
  const a = refuse(request('FOO'), false)?.to.tag;
  const again = refuse(request('FOO'), false)?.to.tag;
  const other = refuse(request('FOO', { branch: 'z9hG4bKtwo' }), false)?.to.tag;
  const cancel = refuse(request('CANCEL'), false)?.to.tag;
  t.ok(a !== undefined && a.length >= 8, `a tag: ${a}`);
  t.equal(again, a, 'a retransmission gets the same tag');
  t.not(other, a, 'another transaction another tag');
  t.not(cancel, a, 'the CANCEL of the same branch another tag');
  t.not(make().refuse(request('FOO'), false)?.to.tag, a, 'another stack another tag (keyed)');
  t.equal(refuse(request('BYE', { toTag: 'theirs' }), false)?.to.tag, 'theirs', 'a tag in the request is kept');
  t.equal(refuse(request('FOO'), false)?.headers.get('Server'), 'tsip-test');
});

t.test('SipStackSettings.admission: asked last, about new requests outside a dialog only; its refusal has the stable tag and Retry-After', async (t) => {
  const asked: NewRequestInfo[] = [];
  let busy = true;
  const { refuse, dialogs } = make((info) => {
    asked.push(info);
    return busy ? { status: 503, reason: 'Busy recording', retryAfter: 7.4 } : undefined;
  });
  const r = refuse(request('INVITE'), false);
  t.equal(r?.status, 503);
  t.equal(r?.reason, 'Busy recording');
  t.equal(r?.headers.get('Retry-After'), '7', 'whole seconds (RFC 3261 §20.33)');
  t.equal(r?.headers.get('Server'), 'tsip-test');
  t.equal(refuse(request('INVITE'), false)?.to.tag, r?.to.tag, 'the same request: the same To tag');
  t.same(asked[0], { method: 'INVITE', callId: 'refusal@example.com', source: { protocol: 'udp', address: '192.0.2.1', port: 5060 } });
  const n = asked.length;
  t.equal(refuse(request('INVITE', { require: 'foo' }), false)?.status, 420, "the stack's own checks first");
  t.equal(refuse(request('CANCEL'), true), undefined, 'a CANCEL is not asked');
  dialogs.register({ callId: 'refusal@example.com', localTag: 'mine', remoteTag: 'fa' }, { user, onRequest: () => undefined });
  t.equal(refuse(request('BYE', { toTag: 'mine' }), false), undefined, 'nor a request in a dialog');
  t.equal(asked.length, n, 'none of these reached the admission');
  busy = false;
  t.equal(refuse(request('INVITE'), false), undefined, 'admitted: goes on to a transaction');
});

t.test('an admission answering a status outside 400-699 throws (the layer logs it and admits)', async (t) => {
  const { refuse } = make(() => ({ status: 200 }));
  t.throws(() => refuse(request('OPTIONS'), false), { name: 'SipError', code: 'InvalidArgument', message: /status 200: a refusal is 400-699/ });
});
