import t from 'tap';
import { compileSkipFailover } from '../../../../lib/siprec/src/index.js';
import { parseSessionExpires } from '../../../../lib/dialog/session-expires.js';
import { SessionMetadata } from '../../../../lib/siprec/src/session-metadata.js';
import { sessionHeaders } from '../../../../lib/siprec/src/session-offer.js';
import { parseMetadata } from '../../../../lib/siprec/metadata/index.js';

t.test('skipFailoverCodes as OpenSIPS: whole-code regex, list, default none', async (t) => {
  const re = compileSkipFailover('408|487');
  t.ok(re(408));
  t.ok(re(487));
  t.notOk(re(4080 / 10 + 1), '409 not matched');
  t.notOk(compileSkipFailover('40')(408), 'anchored: no partial match');
  const cls = compileSkipFailover('[34][0-9][0-9]');
  t.ok(cls(302) && cls(486));
  t.notOk(cls(503));
  const list = compileSkipFailover([486, 600]);
  t.ok(list(600));
  t.notOk(list(503));
  t.notOk(compileSkipFailover(undefined)(503));
  t.notOk(compileSkipFailover('')(503));
});

t.test('Session-Expires as SIPREC reads it: the dialog layer\'s parser (RFC 4028 §4), one home for the rule', async (t) => {
  t.same(parseSessionExpires('1800;refresher=uac'), { interval: 1800, refresher: 'uac' });
  t.same(parseSessionExpires(' 90 ; refresher = UAS'), { interval: 90, refresher: 'uas' });
  t.same(parseSessionExpires('600'), { interval: 600 });
  t.equal(parseSessionExpires('abc'), undefined);
  t.equal(parseSessionExpires('0'), undefined);
});

t.test('INVITE headers: Require: siprec, timer, NG9-1-1 Call-Info, custom headers; re-INVITE without Require', async (t) => {
  const entry = { name: 'e', srsUris: ['sip:srs@h'], localAddress: '127.0.0.1', headers: [{ name: 'X-Tenant', value: 'acme' }], sessionExpires: 600, minSe: 120 };
  const call = { callId: 'c', participants: [], streams: [], emergencyCallId: 'urn:emergency:uid:callid:1:x', headers: [{ name: 'X-Call', value: '7' }] };
  const h = new Map<string, string[]>();
  for (const [k, v] of sessionHeaders(entry, call, true)) h.set(k, [...(h.get(k) ?? []), v]);
  t.same(h.get('Require'), ['siprec']);
  t.match(h.get('Supported')![0], /timer/);
  t.same(h.get('Session-Expires'), ['600;refresher=uac']);
  t.same(h.get('Min-SE'), ['120']);
  t.same(h.get('Call-Info'), ['<urn:emergency:uid:callid:1:x>;purpose=emergency-CallId']);
  t.same(h.get('X-Tenant'), ['acme']);
  t.same(h.get('X-Call'), ['7']);
  t.match(h.get('Accept')![0], /application\/rs-metadata-request/);
  const re = sessionHeaders({ ...entry, sessionExpires: 0 }, call, false);
  t.notOk(re.some(([k]) => k === 'Require' || k === 'Session-Expires' || k === 'X-Tenant'));
});

t.test('session metadata: OpenSIPS-style extensions in the complete snapshot, partial updates', async (t) => {
  const sm = new SessionMetadata(
    { callId: 'cs-9', participants: [{ key: 'caller', aor: 'sip:a@x' }, { key: 'callee', aor: 'sip:b@x' }], streams: [{ label: '1', sender: 'caller' }, { label: '2', sender: 'callee' }] },
    { group: 'g-1', groupExtension: '<cc xmlns="urn:x:cc">17</cc>', sessionExtension: '<code xmlns="urn:x:cc">dfgh</code>', participantExtensions: { caller: '<agent xmlns="urn:x:cc">42</agent>' } },
  );
  const m = parseMetadata(sm.completeXml());
  t.equal(m.groups[0].groupId, 'g-1');
  t.match(m.groups[0].extensions.join(''), /17/);
  t.match(m.sessions[0].extensions.join(''), /dfgh/);
  t.match(m.sessions[0].extensions.join(''), /cs-9/, 'CS Call-ID carried');
  t.match(m.participants[0].extensions.join(''), /42/);
  const u = parseMetadata(sm.changesXml({ participantsJoined: [{ key: 'carol', aor: 'sip:c@x' }], streamsAdded: [{ label: '3', sender: 'carol' }] }));
  t.equal(u.dataMode, 'partial');
  t.equal(u.participants[0].nameIds[0].aor, 'sip:c@x');
  t.equal(u.streams[0].label, '3');
  t.throws(() => sm.changesXml({ participantsLeft: ['nobody'] }), RangeError);
});
