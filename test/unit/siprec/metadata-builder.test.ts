import t from 'tap';
import {
  applyPartialUpdate, buildMetadata, MetadataBuilder, parseMetadata, TSIP_EXTENSION_NS,
} from '../../../lib/siprec/metadata/index.js';

function counterIds(): () => string {
  let n = 0;
  return () => `id${++n}`;
}

function twoParty(): MetadataBuilder {
  let clock = Date.parse('2024-03-01T10:00:00Z');
  return new MetadataBuilder({
    callId: 'a84b4c76e66710@pc33.atlanta.com',
    sipSessionIds: ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2'],
    participants: [
      { key: 'caller', aor: 'sip:alice@atlanta.com', name: 'Alice', lang: 'en' },
      { key: 'callee', aor: 'sip:bob@biloxi.com', name: 'Bob' },
    ],
    streams: [{ label: '1', sender: 'caller' }, { label: '2', sender: 'callee' }],
  }, { newId: counterIds(), now: () => new Date((clock += 1000)) });
}

t.test('complete snapshot of a two-party call', async (t) => {
  const b = twoParty();
  const m = b.complete();
  t.equal(m.dataMode, 'complete');
  t.equal(m.sessions.length, 1);
  const s = m.sessions[0];
  t.equal(s.sessionId, b.sessionId);
  t.same(s.sipSessionIds, ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2']);
  t.equal(s.startTime, '2024-03-01T10:00:01.000Z');
  t.same(s.extensions, [`<callid xmlns="${TSIP_EXTENSION_NS}">a84b4c76e66710@pc33.atlanta.com</callid>`]);
  t.same(m.participants.map((p) => p.nameIds[0]), [
    { aor: 'sip:alice@atlanta.com', names: [{ text: 'Alice', lang: 'en' }] },
    { aor: 'sip:bob@biloxi.com', names: [{ text: 'Bob' }] },
  ]);
  t.same(m.streams.map((x) => [x.label, x.sessionId]), [['1', b.sessionId], ['2', b.sessionId]]);
  const caller = m.participantStreamAssocs.find((a) => a.participantId === b.participantId('caller'))!;
  t.same(caller.send, [b.streamId('1')]);
  t.same(caller.recv, [b.streamId('2')]);
  const callee = m.participantStreamAssocs.find((a) => a.participantId === b.participantId('callee'))!;
  t.same(callee.send, [b.streamId('2')]);
  t.same(callee.recv, [b.streamId('1')]);
  t.equal(m.participantSessionAssocs.length, 2);
  t.equal(m.sessionRecordingAssocs[0].associateTime, s.startTime);
  const xml = b.completeXml();
  t.same(parseMetadata(xml), m, 'XML parses back to the snapshot');
});

t.test('ids are stable and default to base64 UUIDs', async (t) => {
  const b = new MetadataBuilder({ participants: [{ key: 'a', aor: 'sip:a@x' }], streams: [{ label: '1', sender: 'a' }] });
  t.match(b.sessionId, /^[A-Za-z0-9+/]{22}==$/);
  const first = b.completeXml();
  t.equal(b.participantId('a'), b.participantId('a'));
  t.equal(b.complete().streams[0].streamId, b.streamId('1'));
  t.equal(b.completeXml(), first, 'same snapshot twice');
  t.throws(() => b.participantId('nobody'), RangeError);
  t.throws(() => b.streamId('9'), RangeError);
  t.throws(() => b.streamAdded({ label: '1' }), RangeError, 'label reuse refused');
  t.throws(() => b.participantJoined({ key: 'a', aor: 'sip:dup@x' }), RangeError, 'key reuse refused');
});

t.test('participant joins: partial update, snapshot follows', async (t) => {
  const b = twoParty();
  const base = b.complete();
  const u = b.participantJoined({ key: 'carol', aor: 'sip:carol@chicago.com', name: 'Carol' }, '2024-03-01T10:05:00Z');
  t.equal(u.dataMode, 'partial');
  t.equal(u.participants.length, 1);
  const carolId = b.participantId('carol');
  t.same(u.participantSessionAssocs, [{ participantId: carolId, sessionId: b.sessionId, associateTime: '2024-03-01T10:05:00Z', params: [] }]);
  t.same(u.participantStreamAssocs, [{ participantId: carolId, send: [], recv: [b.streamId('1'), b.streamId('2')], associateTime: '2024-03-01T10:05:00Z' }]);
  t.same(applyPartialUpdate(base, parseMetadata(buildMetadata(u))), b.complete(), 'SRS-side merge of the wire form equals the SRC snapshot');
});

t.test('stream added: receivers default to everyone else present', async (t) => {
  const b = twoParty();
  b.participantJoined({ key: 'carol', aor: 'sip:carol@chicago.com' });
  const base = b.complete();
  const u = b.streamAdded({ label: '3', sender: 'carol' });
  const sid = b.streamId('3');
  t.same(u.streams, [{ streamId: sid, sessionId: b.sessionId, label: '3', extensions: [] }]);
  const carol = u.participantStreamAssocs.find((a) => a.participantId === b.participantId('carol'))!;
  t.ok(carol.send.includes(sid));
  t.same(carol.recv, [b.streamId('1'), b.streamId('2')], 'update carries the full current sets');
  const alice = u.participantStreamAssocs.find((a) => a.participantId === b.participantId('caller'))!;
  t.same(alice.send, [b.streamId('1')]);
  t.same(alice.recv, [b.streamId('2'), sid]);
  t.same(applyPartialUpdate(base, u), b.complete());
  const explicit = b.streamAdded({ label: 'mixed', receivers: ['callee'] });
  t.same(explicit.participantStreamAssocs.map((a) => a.participantId), [b.participantId('callee')]);
});

t.test('participant leaves; left participant no longer receives new streams', async (t) => {
  const b = twoParty();
  const u = b.participantLeft('callee', '2024-03-01T10:09:00Z');
  const bob = b.participantId('callee');
  t.same(u.participantSessionAssocs, [{ participantId: bob, sessionId: b.sessionId, disassociateTime: '2024-03-01T10:09:00Z', params: [] }]);
  const snap = b.complete();
  const psa = snap.participantSessionAssocs.find((a) => a.participantId === bob)!;
  t.equal(psa.associateTime, '2024-03-01T10:00:01.000Z');
  t.equal(psa.disassociateTime, '2024-03-01T10:09:00Z');
  t.ok(snap.participants.some((p) => p.participantId === bob), 'never deleted');
  const pstra = snap.participantStreamAssocs.find((a) => a.participantId === bob)!;
  t.equal(pstra.disassociateTime, '2024-03-01T10:09:00Z');
  t.same(pstra.send, [b.streamId('2')], 'last known sets kept');
  const add = b.streamAdded({ label: '5', sender: 'caller' });
  t.notOk(add.participantStreamAssocs.some((a) => a.participantId === bob));
});

t.test('hold and resume toggle send', async (t) => {
  const b = twoParty();
  const hold = b.holdChanged('caller', true);
  t.same(hold.participantStreamAssocs, [{ participantId: b.participantId('caller'), send: [], recv: [b.streamId('2')] }]);
  t.same(b.complete().participantStreamAssocs[0].send, []);
  const resume = b.holdChanged('caller', false);
  t.same(resume.participantStreamAssocs[0].send, [b.streamId('1')]);
  t.same(b.complete().participantStreamAssocs[0].send, [b.streamId('1')]);
});

t.test('session end: stop-time, reason, RS disassociation; group option', async (t) => {
  const b = new MetadataBuilder({ group: true, startTime: '2024-01-01T00:00:00Z', participants: [], streams: [] }, { newId: counterIds() });
  t.equal(b.groupId, 'id2');
  const snap0 = b.complete();
  t.same(snap0.groups, [{ groupId: 'id2', associateTime: '2024-01-01T00:00:00Z', extensions: [] }]);
  t.equal(snap0.sessions[0].groupRef, 'id2');
  const end = b.sessionEnded({ protocol: 'SIP', cause: '200', text: 'BYE' }, '2024-01-01T00:10:00Z');
  t.equal(end.sessions[0].stopTime, '2024-01-01T00:10:00Z');
  const snap = b.complete();
  t.equal(snap.sessions[0].startTime, '2024-01-01T00:00:00Z');
  t.same(snap.sessions[0].reasons, [{ protocol: 'SIP', cause: '200', text: 'BYE' }]);
  t.equal(snap.sessionRecordingAssocs[0].disassociateTime, '2024-01-01T00:10:00Z');
  const named = new MetadataBuilder({ group: 'my-group', participants: [], streams: [] });
  t.equal(named.complete().groups[0].groupId, 'my-group');
});

t.test('batch: one partial update for several changes, hold included', async (t) => {
  const b = twoParty();
  const base = b.complete();
  const u = b.batch((x) => {
    x.participantJoined({ key: 'carol', aor: 'sip:carol@chicago.com' });
    x.streamAdded({ label: '3', sender: 'carol' });
    x.holdChanged('caller', true);
  });
  t.equal(u.dataMode, 'partial');
  t.equal(u.participants.length, 1);
  t.equal(u.streams.length, 1);
  const caller = u.participantStreamAssocs.find((a) => a.participantId === b.participantId('caller'))!;
  t.same(caller.send, [], 'hold survives in the combined update');
  const merged = applyPartialUpdate(base, parseMetadata(buildMetadata(u)));
  t.same(merged, b.complete(), 'SRS reaches the SRC snapshot from one update');
  t.same(b.batch(() => {}).participants, [], 'no change, nothing sent');
});

t.test('vendor extensions for group, session and participants travel in snapshots and join updates', async (t) => {
  const b = new MetadataBuilder({
    group: 'g1', groupExtensions: ['<cc:queue xmlns:cc="urn:example:cc">sales</cc:queue>'],
    callId: 'c1', sessionExtensions: ['<x:ucid xmlns:x="urn:example:x">42</x:ucid>'],
    participants: [{ key: 'a', aor: 'sip:a@x', extensions: ['<r:role xmlns:r="urn:example:r">agent</r:role>'] }],
    streams: [],
  });
  const wire = parseMetadata(b.completeXml());
  t.same(wire.groups[0].extensions, ['<cc:queue xmlns:cc="urn:example:cc">sales</cc:queue>']);
  t.equal(wire.sessions[0].extensions.length, 2, 'callid + vendor');
  t.same(wire.participants[0].extensions, ['<r:role xmlns:r="urn:example:r">agent</r:role>']);
  const u = b.participantJoined({ key: 'b', aor: 'sip:b@x', extensions: ['<r:role xmlns:r="urn:example:r">customer</r:role>'] });
  t.same(parseMetadata(buildMetadata(u)).participants[0].extensions, ['<r:role xmlns:r="urn:example:r">customer</r:role>']);
});
