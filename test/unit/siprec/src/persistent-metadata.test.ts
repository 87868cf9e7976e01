/**
 * The metadata of a persistent RS (RFC 7866 §10) and how the SRS reads it back: the snapshot
 * without CS, each call's association as a partial update on the RS labels, the stop-time, and
 * the SRS's label ownership (cs-streams.ts) across the merged documents.
 */
import t from 'tap';
import { applyPartialUpdate, parseMetadata, type RecordingMetadata } from '../../../../lib/siprec/metadata/index.js';
import { PersistentMetadata } from '../../../../lib/siprec/src/persistent-metadata.js';
import { csAssociated, indexSessions, labelOwners } from '../../../../lib/siprec/srs/storage/cs-streams.js';

const call = (n: number) => ({
  callId: `call-${n}@test`,
  participants: [{ key: 'caller', aor: `sip:c${n}@example.com` }, { key: 'taker', aor: 'sip:pos@psap.example' }],
  streams: [{ label: 'a', sender: 'caller' }, { label: 'b', sender: 'taker' }],
});

const parse = (xml: string): RecordingMetadata => parseMetadata(Buffer.from(xml));

t.test('RS without CS, then calls associated and ended in turn', async (t) => {
  const pm = new PersistentMetadata();
  let merged = parse(pm.completeXml());
  t.equal(merged.dataMode, 'complete');
  t.equal(merged.sessions.length, 0, 'no CS at setup');
  t.same([...labelOwners(merged)], [], 'no label owned');

  const sids: string[] = [];
  for (const n of [0, 1]) {
    const up = parse(pm.attach(call(n)));
    t.equal(up.dataMode, 'partial');
    t.equal(up.sessions.length, 1, 'the new CS');
    const sid = up.sessions[0].sessionId;
    sids.push(sid);
    t.equal(pm.sessionId(call(n).callId), sid);
    t.ok(up.sessionRecordingAssocs.find((a) => a.sessionId === sid)?.associateTime, 'associate-time');
    t.same(up.streams.map((s) => [s.label, s.sessionId]), [['a', sid], ['b', sid]], 'new stream elements on the RS labels');
    t.same(up.participants.map((p) => p.nameIds[0].aor), [`sip:c${n}@example.com`, 'sip:pos@psap.example']);
    merged = applyPartialUpdate(merged, up);
    t.same([...labelOwners(merged)], [['a', sid], ['b', sid]], 'the SRS gives the labels to the new CS');

    const down = parse(pm.detach(call(n).callId, true, 'call ended'));
    t.ok(down.sessions[0].stopTime, 'stop-time');
    t.ok(down.sessionRecordingAssocs[0].disassociateTime, 'disassociate-time');
    merged = applyPartialUpdate(merged, down);
    t.equal(csAssociated(merged, sid), false);
    t.same([...labelOwners(merged)], [], 'no label owned between calls');
  }
  t.equal(parse(pm.completeXml()).sessions.length, 0, 'the complete snapshot holds only calls attached now');
  t.equal(pm.endedXml('x'), undefined, 'closing with no call attached: nothing to send');
  const cs = indexSessions(merged, [{ label: 'a', file: 'stream-a.wav', sessionId: sids[0], codec: 'PCMU', payloadType: 0, packets: 1, startedAt: '', durationSeconds: 0, senders: [], receivers: [] }]);
  t.same(cs.map((s) => [s.sessionId, s.callIds, s.associated, s.files]), [[sids[0], ['call-0@test'], false, ['stream-a.wav']], [sids[1], ['call-1@test'], false, []]]);
  t.equal(cs[1].participants.length, 2);
});

t.test('two calls still attached at close end in one update; disassociation alone leaves no stop-time', async (t) => {
  const pm = new PersistentMetadata({ sessionExtension: '<x xmlns="urn:x-test">1</x>' });
  pm.attach({ ...call(0), streams: [{ label: 'a', sender: 'caller' }] });
  pm.attach({ ...call(1), streams: [{ label: 'b', sender: 'caller' }] });
  t.match(pm.completeXml(), /urn:x-test/, "the entry's session extension on each CS");
  t.equal(parse(pm.completeXml()).sessions.length, 2, 'both calls in the snapshot');
  t.throws(() => pm.attach(call(0)), RangeError);
  const end = parse(pm.endedXml('rs closed')!);
  t.equal(end.sessions.filter((s) => s.stopTime).length, 2, 'both CSs get their stop-time');
  t.equal(pm.attached.length, 0);
  pm.attach(call(2));
  const off = parse(pm.detach(call(2).callId, false, 'unused'));
  t.equal(off.sessions.length, 0, 'no stop-time: the call goes on');
  t.ok(off.sessionRecordingAssocs[0].disassociateTime);
  t.throws(() => pm.changesXml(), RangeError, 'changes go per call');
});

t.test('SRS reading: a CS without sessionrecordingassoc counts until its stop-time; the latest stream element owns a label', async (t) => {
  const m = parse(`<?xml version="1.0"?><recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode>
    <session session_id="s1"></session><session session_id="s2"></session>
    <stream stream_id="x1" session_id="s1"><label>1</label></stream>
    <stream stream_id="x2" session_id="s2"><label>1</label></stream></recording>`);
  t.same([...labelOwners(m)], [['1', 's2']], 'latest element wins');
  const ended = applyPartialUpdate(m, parse(`<?xml version="1.0"?><recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>partial</datamode>
    <session session_id="s2"><stop-time>2026-01-01T00:00:00Z</stop-time></session></recording>`));
  t.same([...labelOwners(ended)], [['1', 's1']], 's2 ended: s1 still associated');
});
