import t from 'tap';
import { expectCode } from './helpers.js';
import {
  applyPartialUpdate, buildMetadata, emptyMetadata, MetadataErrorCode, parseMetadata,
} from '../../../lib/siprec/metadata/index.js';
import { RFC_COMPLETE, RFC_PARTIAL_HOLD, RFC_PARTIAL_JOIN_LEAVE } from './metadata-fixtures.js';

const ALICE = 'zSfPoSvdSDCmU3A3TRDxAw==';
const BOB = 'srfBElmCRp2QB23b7Mpk0w==';
const CAROL = 'EiXGlc+4TruqqoDaNE77ag==';

t.test('hold: participantstreamassoc without send replaces the sets', async (t) => {
  const base = parseMetadata(RFC_COMPLETE);
  const before = structuredClone(base);
  const merged = applyPartialUpdate(base, parseMetadata(RFC_PARTIAL_HOLD));
  t.equal(merged.dataMode, 'complete');
  const alice = merged.participantStreamAssocs.find((a) => a.participantId === ALICE)!;
  t.same(alice.send, [], 'send omitted while on hold');
  t.same(alice.recv, ['UAAMm5GRQKSCMVvLyl4rFw==', 'i1Pz3to5hGk8fuXl+PbwCw==']);
  t.same(base, before, 'base not modified');
  t.equal(merged.streams.length, 4, 'nothing removed');
});

t.test('join/leave: new participant and stream added, leaver disassociated but kept', async (t) => {
  const merged = applyPartialUpdate(parseMetadata(RFC_COMPLETE), parseMetadata(RFC_PARTIAL_JOIN_LEAVE));
  t.same(merged.participants.map((p) => p.participantId), [BOB, ALICE, CAROL]);
  t.equal(merged.streams.length, 5);
  t.equal(merged.streams[4].label, '100');
  const bobPsa = merged.participantSessionAssocs.find((a) => a.participantId === BOB)!;
  t.equal(bobPsa.associateTime, '2010-12-16T23:41:07Z', 'associate-time kept');
  t.equal(bobPsa.disassociateTime, '2010-12-16T23:45:10Z', 'disassociate-time set');
  const bobPstra = merged.participantStreamAssocs.find((a) => a.participantId === BOB)!;
  t.equal(bobPstra.disassociateTime, '2010-12-16T23:45:10Z');
  t.same(bobPstra.send, ['i1Pz3to5hGk8fuXl+PbwCw==', 'UAAMm5GRQKSCMVvLyl4rFw=='], 'times-only update keeps last sets');
  const carol = merged.participantStreamAssocs.find((a) => a.participantId === CAROL)!;
  t.same(carol.send, ['newStreamCarolAAAAAAAA==']);
  t.equal(carol.associateTime, '2010-12-16T23:45:12Z');
});

t.test('session fields overlay, lists union, extensions append once', async (t) => {
  const base = parseMetadata(RFC_COMPLETE);
  const u = emptyMetadata('partial');
  u.sessions.push({
    sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', sipSessionIds: ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2', 'new'],
    stopTime: '2010-12-16T23:50:00Z', reasons: [{ protocol: 'SIP', cause: '200', text: 'done' }], extensions: ['<e xmlns="urn:e"/>'],
  });
  u.participants.push({ participantId: BOB, nameIds: [{ aor: 'sip:bob@biloxi.com', names: [{ text: 'Robert', lang: 'en' }] }, { aor: 'tel:+1555' , names: [] }], extensions: [] });
  u.sessionRecordingAssocs.push({ sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', disassociateTime: '2010-12-16T23:50:00Z' });
  u.participantSessionAssocs.push({ participantId: ALICE, sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', params: [{ name: 'audio', value: 'true' }] });
  u.groups.push({ groupId: '7+OTCyoxTmqmqyA/1weDAg==', disassociateTime: 'Z', extensions: [] });
  u.streams.push({ streamId: 'UAAMm5GRQKSCMVvLyl4rFw==', sessionId: '', label: '196', extensions: [] });
  u.extensions.push('<top xmlns="urn:t"/>');
  const once = applyPartialUpdate(base, u);
  const twice = applyPartialUpdate(once, u);
  const s = twice.sessions[0];
  t.equal(s.startTime, '2010-12-16T23:41:07Z', 'start-time kept');
  t.equal(s.stopTime, '2010-12-16T23:50:00Z');
  t.equal(s.groupRef, '7+OTCyoxTmqmqyA/1weDAg==');
  t.same(s.sipSessionIds.length, 2);
  t.equal(s.reasons.length, 1, 'same reason not duplicated');
  t.equal(s.extensions.length, 2, 'mydata + new one, no duplicate');
  t.same(twice.participants[0].nameIds, [{ aor: 'sip:bob@biloxi.com', names: [{ text: 'Robert', lang: 'en' }] }, { aor: 'tel:+1555', names: [] }]);
  t.equal(twice.sessionRecordingAssocs[0].associateTime, '2010-12-16T23:41:07Z');
  t.equal(twice.sessionRecordingAssocs[0].disassociateTime, '2010-12-16T23:50:00Z');
  t.same(twice.participantSessionAssocs.find((a) => a.participantId === ALICE)!.params, [{ name: 'audio', value: 'true' }]);
  t.equal(twice.groups[0].disassociateTime, 'Z');
  t.equal(twice.streams[0].label, '196');
  t.equal(twice.streams[0].sessionId, 'hVpd7YQgRW2nD22h7q60JQ==', 'empty session_id in update keeps base');
  t.same(twice.extensions, ['<top xmlns="urn:t"/>']);
  t.same(once, twice, 'merging the same update twice is idempotent');
});

t.test('param values update by name', async (t) => {
  const base = parseMetadata(RFC_COMPLETE);
  const u1 = emptyMetadata('partial');
  u1.participantSessionAssocs.push({ participantId: ALICE, sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', params: [{ name: 'audio', value: 'true' }] });
  const u2 = emptyMetadata('partial');
  u2.participantSessionAssocs.push({ participantId: ALICE, sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', params: [{ name: 'audio', value: 'false' }, { name: 'video', value: 'true' }] });
  const m = applyPartialUpdate(applyPartialUpdate(base, u1), u2);
  t.same(m.participantSessionAssocs.find((a) => a.participantId === ALICE)!.params, [{ name: 'audio', value: 'false' }, { name: 'video', value: 'true' }]);
});

t.test('complete update replaces the snapshot', async (t) => {
  const next = parseMetadata(RFC_COMPLETE);
  next.participants.pop();
  next.participantSessionAssocs.pop();
  next.participantStreamAssocs.pop();
  const merged = applyPartialUpdate(parseMetadata(RFC_COMPLETE), next);
  t.same(merged, next);
  t.not(merged, next, 'a copy');
});

t.test('errors: non-complete base, dangling references in the result', async (t) => {
  expectCode(t, () => applyPartialUpdate(emptyMetadata('partial'), emptyMetadata('partial')), MetadataErrorCode.InvalidMerge, 'InvalidMerge');
  const u = emptyMetadata('partial');
  u.participantStreamAssocs.push({ participantId: ALICE, send: ['no-such-stream'], recv: [] });
  expectCode(t, () => applyPartialUpdate(parseMetadata(RFC_COMPLETE), u), MetadataErrorCode.DanglingReference, 'DanglingReference');
  const u2 = emptyMetadata('partial');
  u2.streams.push({ streamId: 'x', sessionId: 'unknown-session', extensions: [] });
  expectCode(t, () => applyPartialUpdate(parseMetadata(RFC_COMPLETE), u2), MetadataErrorCode.DanglingReference, 'DanglingReference');
});

t.test('re-join: a later associate-time clears the old disassociate-time', async (t) => {
  const base = applyPartialUpdate(parseMetadata(RFC_COMPLETE), parseMetadata(RFC_PARTIAL_JOIN_LEAVE));
  const bobLeft = base.participantSessionAssocs.find((a) => a.participantId === BOB)!;
  t.equal(bobLeft.disassociateTime, '2010-12-16T23:45:10Z');
  const back = emptyMetadata('partial');
  back.participantSessionAssocs.push({ participantId: BOB, sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', associateTime: '2010-12-16T23:50:00Z', params: [] });
  back.participantStreamAssocs.push({ participantId: BOB, send: ['UAAMm5GRQKSCMVvLyl4rFw=='], recv: [], associateTime: '2010-12-16T23:50:00Z' });
  const merged = applyPartialUpdate(base, back);
  const psa = merged.participantSessionAssocs.find((a) => a.participantId === BOB)!;
  t.same([psa.associateTime, psa.disassociateTime], ['2010-12-16T23:50:00Z', undefined]);
  const pstra = merged.participantStreamAssocs.find((a) => a.participantId === BOB)!;
  t.equal(pstra.disassociateTime, undefined);
  t.same(pstra.send, ['UAAMm5GRQKSCMVvLyl4rFw==']);
  const stale = emptyMetadata('partial');
  stale.participantSessionAssocs.push({ participantId: BOB, sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', associateTime: '2010-12-16T23:00:00Z', params: [] });
  t.equal(applyPartialUpdate(base, stale).participantSessionAssocs.find((a) => a.participantId === BOB)!.disassociateTime,
    '2010-12-16T23:45:10Z', 'an older associate-time does not undo the leave');
  const odd = emptyMetadata('partial');
  odd.participantSessionAssocs.push({ participantId: BOB, sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', associateTime: 'yesterday', params: [] });
  t.equal(applyPartialUpdate(base, odd).participantSessionAssocs.find((a) => a.participantId === BOB)!.disassociateTime,
    '2010-12-16T23:45:10Z', 'unparsable times change nothing');
});

t.test('extension data: same element replaces, identical is kept once, new is added, repeats survive', async (t) => {
  const base = parseMetadata(RFC_COMPLETE);
  base.extensions = ['<v:ucid xmlns:v="urn:v">1</v:ucid>', '<v:tag xmlns:v="urn:v">a</v:tag>', '<v:tag xmlns:v="urn:v">b</v:tag>'];
  const u = emptyMetadata('partial');
  u.extensions = [
    '<w:ucid xmlns:w="urn:v">2</w:ucid>', // same {urn:v}ucid under another prefix: replaces
    '<v:tag xmlns:v="urn:v">a</v:tag>', // identical: kept once
    '<v:tag xmlns:v="urn:v">c</v:tag>', // replaces the second tag (the first was matched already)
    '<v:tag xmlns:v="urn:v">d</v:tag>', // no tag left to replace: added
    '<other xmlns="urn:o"/>',
    'not < xml',
  ];
  const m = applyPartialUpdate(base, u);
  t.same(m.extensions, [
    '<w:ucid xmlns:w="urn:v">2</w:ucid>',
    '<v:tag xmlns:v="urn:v">a</v:tag>',
    '<v:tag xmlns:v="urn:v">c</v:tag>',
    '<v:tag xmlns:v="urn:v">d</v:tag>',
    '<other xmlns="urn:o"/>',
    'not < xml',
  ]);
  t.same(applyPartialUpdate(m, u).extensions, m.extensions, 'idempotent');
  const s = emptyMetadata('partial');
  s.sessions.push({ sessionId: 'hVpd7YQgRW2nD22h7q60JQ==', sipSessionIds: [], reasons: [], extensions: ["<mydata xmlns='http://example.com/my'><structure>BAR</structure></mydata>"] });
  const merged = applyPartialUpdate(parseMetadata(RFC_COMPLETE), s);
  t.equal(merged.sessions[0].extensions.length, 1, 'session <mydata> updated in place');
  t.match(merged.sessions[0].extensions[0], /BAR/);
});

t.test('extension data on associations merges too', async (t) => {
  const base = parseMetadata(RFC_COMPLETE);
  const u = emptyMetadata('partial');
  const sid = 'hVpd7YQgRW2nD22h7q60JQ==';
  u.sessionRecordingAssocs.push({ sessionId: sid, extensions: ['<a xmlns="urn:a">1</a>'] });
  u.participantSessionAssocs.push({ participantId: ALICE, sessionId: sid, params: [], extensions: ['<b xmlns="urn:b">1</b>'] });
  u.participantStreamAssocs.push({ participantId: ALICE, send: ['8zc6e0lYTlWIINA6GR+3ag=='], recv: [], extensions: ['<c xmlns="urn:c">1</c>'] });
  const once = applyPartialUpdate(base, u);
  u.sessionRecordingAssocs[0].extensions = ['<a xmlns="urn:a">2</a>'];
  const twice = applyPartialUpdate(once, u);
  t.same(twice.sessionRecordingAssocs[0].extensions, ['<a xmlns="urn:a">2</a>'], 'replaced by the newer value');
  t.same(twice.participantSessionAssocs.find((a) => a.participantId === ALICE)!.extensions, ['<b xmlns="urn:b">1</b>']);
  t.same(twice.participantStreamAssocs.find((a) => a.participantId === ALICE)!.extensions, ['<c xmlns="urn:c">1</c>']);
  t.same(parseMetadata(buildMetadata(twice)), twice, 'and round trips');
});
