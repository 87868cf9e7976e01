import fc from 'fast-check';
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import {
  applyPartialUpdate, buildMetadata, diffMetadata, isEmptyUpdate, MetadataBuilder, parseMetadata, type RecordingMetadata,
} from '../../../lib/siprec/metadata/index.js';
import { RFC_COMPLETE } from './metadata-fixtures.js';

t.test('identical snapshots give an empty update', async (t) => {
  const m = parseMetadata(RFC_COMPLETE);
  const d = diffMetadata(m, structuredClone(m));
  t.equal(d.dataMode, 'partial');
  t.ok(isEmptyUpdate(d));
  t.notOk(isEmptyUpdate(parseMetadata(RFC_COMPLETE)));
});

t.test('only changed objects are sent, whole', async (t) => {
  const prev = parseMetadata(RFC_COMPLETE);
  const next = structuredClone(prev);
  next.participantStreamAssocs[1].send = [];
  next.participantSessionAssocs[0].disassociateTime = '2010-12-16T23:59:00Z';
  next.extensions.push('<n xmlns="urn:n"/>');
  const d = diffMetadata(prev, next);
  t.same(d.participantStreamAssocs, [next.participantStreamAssocs[1]]);
  t.same(d.participantSessionAssocs, [next.participantSessionAssocs[0]]);
  t.same(d.extensions, ['<n xmlns="urn:n"/>']);
  t.same([d.groups, d.sessions, d.participants, d.streams, d.sessionRecordingAssocs], [[], [], [], [], []]);
  t.same(applyPartialUpdate(prev, parseMetadata(buildMetadata(d))), next, 'SRS merge of the wire form reaches next');
});

t.test('property: along a random call history, base + diff = next', async (t) => {
  type Step = { kind: 'join' } | { kind: 'leave'; who: number } | { kind: 'stream'; who: number } | { kind: 'hold'; who: number; on: boolean } | { kind: 'end' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant({ kind: 'join' as const }),
    fc.nat(5).map((who) => ({ kind: 'leave' as const, who })),
    fc.nat(5).map((who) => ({ kind: 'stream' as const, who })),
    fc.tuple(fc.nat(5), fc.boolean()).map(([who, on]) => ({ kind: 'hold' as const, who, on })),
    fc.constant({ kind: 'end' as const }),
  );
  fc.assert(fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
    let clock = 0;
    const b = new MetadataBuilder({
      participants: [{ key: 'p0', aor: 'sip:p0@x' }, { key: 'p1', aor: 'sip:p1@x' }],
      streams: [{ label: '1', sender: 'p0' }, { label: '2', sender: 'p1' }],
    }, { now: () => new Date(1.7e12 + (clock += 1000)) });
    const keys = ['p0', 'p1'];
    let labels = 2;
    let ended = false;
    let prev: RecordingMetadata = b.complete();
    for (const s of steps) {
      const who = keys[s.kind === 'join' || s.kind === 'end' ? 0 : s.who % keys.length];
      if (s.kind === 'join') { const k = `p${keys.length}`; b.participantJoined({ key: k, aor: `sip:${k}@x` }); keys.push(k); }
      else if (s.kind === 'leave') b.participantLeft(who);
      else if (s.kind === 'stream') b.streamAdded({ label: String(++labels), sender: who });
      else if (s.kind === 'hold') b.holdChanged(who, s.on);
      else if (!ended) { b.sessionEnded(undefined); ended = true; }
      const next = b.complete();
      const merged = applyPartialUpdate(prev, parseMetadata(buildMetadata(diffMetadata(prev, next))));
      if (!isDeepStrictEqual(merged, next)) return false;
      prev = next;
    }
    return true;
  }), { numRuns: 150 });
  t.pass('150 random histories');
});
