import fc from 'fast-check';
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import {
  buildMetadata, emptyMetadata, MetadataError, parseMetadata, type RecordingMetadata,
} from '../../../lib/siprec/metadata/index.js';
import { ACME_LEGACY, RFC_COMPLETE } from './metadata-fixtures.js';

const CHARS = [...'abcXYZ019 -_+/=:;@.&<>"\'\t\n]é日\u{1F600}'];
const raw = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 12 });
/** Text as the parser returns it: surrounding whitespace is not significant. */
const text = raw.map((s) => s.trim());
const id = text.filter((s) => s.length > 0);
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const extension = fc.tuple(fc.constantFrom('a', 'b', 'vendor'), text).map(([p, v]) =>
  `<${p}:data xmlns:${p}="urn:example:${p}" v="${escape(v)}">${escape(v)}<${p}:inner/></${p}:data>`);
const extensions = fc.array(extension, { maxLength: 2 });
const time = fc.constantFrom('2024-01-01T00:00:00Z', '2024-06-30T12:34:56.789+02:00', '2013-05-13T17:16:11');

function pick<T>(list: T[]): fc.Arbitrary<T> {
  return fc.constantFrom(...list);
}

/** Random valid models: unique ids, every reference resolves. */
const model: fc.Arbitrary<RecordingMetadata> = fc.record({
  groupIds: fc.uniqueArray(id, { maxLength: 2 }),
  sessionIds: fc.uniqueArray(id, { minLength: 1, maxLength: 3 }),
  participantIds: fc.uniqueArray(id, { maxLength: 3 }),
  streamIds: fc.uniqueArray(id, { maxLength: 4 }),
}).chain(({ groupIds, sessionIds, participantIds, streamIds }) => {
  const optTimes = { associateTime: time, disassociateTime: time };
  const assocExt = { extensions: fc.array(extension, { minLength: 1, maxLength: 1 }) };
  return fc.record({
    dataMode: fc.constantFrom('complete' as const, 'partial' as const),
    groups: fc.tuple(...groupIds.map((groupId) => fc.record({ groupId: fc.constant(groupId), ...optTimes, extensions }, { requiredKeys: ['groupId', 'extensions'] }))),
    sessions: fc.tuple(...sessionIds.map((sessionId) => fc.record({
      sessionId: fc.constant(sessionId),
      sipSessionIds: fc.array(id, { maxLength: 2 }),
      ...(groupIds.length ? { groupRef: pick(groupIds) } : {}),
      startTime: time,
      stopTime: time,
      reasons: fc.array(fc.record({ protocol: fc.constant('SIP'), cause: fc.constantFrom('200', '487'), text }, { requiredKeys: ['text'] }), { maxLength: 2 }),
      extensions,
    }, { requiredKeys: ['sessionId', 'sipSessionIds', 'reasons', 'extensions'] }))),
    participants: fc.tuple(...participantIds.map((participantId) => fc.record({
      participantId: fc.constant(participantId),
      nameIds: fc.array(fc.record({ aor: text, names: fc.array(fc.record({ text, lang: fc.constantFrom('en', 'it', 'fr-CA') }, { requiredKeys: ['text'] }), { maxLength: 2 }) }), { maxLength: 2 }),
      extensions,
    }))),
    streams: fc.tuple(...streamIds.map((streamId) => fc.record({
      streamId: fc.constant(streamId), sessionId: pick(sessionIds), label: text, extensions,
    }, { requiredKeys: ['streamId', 'sessionId', 'extensions'] }))),
    sessionRecordingAssocs: fc.subarray(sessionIds).chain((ids) => fc.tuple(...ids.map((sessionId) =>
      fc.record({ sessionId: fc.constant(sessionId), ...optTimes, ...assocExt }, { requiredKeys: ['sessionId'] })))),
    participantSessionAssocs: participantIds.length === 0 ? fc.constant([]) : fc.uniqueArray(fc.tuple(pick(participantIds), pick(sessionIds)), {
      maxLength: 3, selector: ([p, s]) => `${p} ${s}`,
    }).chain((pairs) => fc.tuple(...pairs.map(([participantId, sessionId]) => fc.record({
      participantId: fc.constant(participantId), sessionId: fc.constant(sessionId), ...optTimes,
      params: fc.array(fc.record({ name: id, value: text }), { maxLength: 2 }), ...assocExt,
    }, { requiredKeys: ['participantId', 'sessionId', 'params'] })))),
    participantStreamAssocs: fc.subarray(participantIds).chain((ids) => fc.tuple(...ids.map((participantId) => fc.record({
      participantId: fc.constant(participantId),
      send: streamIds.length ? fc.subarray(streamIds) : fc.constant([]),
      recv: streamIds.length ? fc.subarray(streamIds) : fc.constant([]),
      ...optTimes, ...assocExt,
    }, { requiredKeys: ['participantId', 'send', 'recv'] })))),
    extensions,
  });
}) as fc.Arbitrary<RecordingMetadata>;

t.test('property: build → parse gives the same model', async (t) => {
  fc.assert(fc.property(model, (m) => {
    const xml = buildMetadata(m);
    const back = parseMetadata(xml);
    return isDeepStrictEqual(back, structuredClone(m)) && buildMetadata(back) === xml;
  }), { numRuns: 300 });
  t.pass('300 random models survived build → parse → build');
});

t.test('property: any string survives as a name, sanitised and trimmed of XML white space only', async (t) => {
  const sanitise = (s: string): string => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 10 }), (name, pid) => {
    const m = emptyMetadata('partial');
    const id = sanitise(pid).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '') || 'x';
    m.participants.push({ participantId: id, nameIds: [{ aor: 'sip:a@b', names: [{ text: name }] }], extensions: [] });
    const back = parseMetadata(buildMetadata(m));
    const want = sanitise(name).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    return back.participants[0].nameIds[0].names[0].text === want && back.participants[0].participantId === sanitise(id);
  }), { numRuns: 500 });
  t.pass('500 arbitrary strings');
});

t.test('property: parse never throws anything but MetadataError', async (t) => {
  let refused = 0;
  const check = (input: string): void => {
    try {
      parseMetadata(input);
    } catch (e) {
      if (!(e instanceof MetadataError)) throw e;
      refused++;
    }
  };
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => { check(s); }), { numRuns: 300 });
  fc.assert(fc.property(fc.constantFrom(RFC_COMPLETE, ACME_LEGACY), fc.nat(), fc.nat(), (doc, a, b) => {
    const i = a % doc.length;
    const j = b % doc.length;
    check(doc.slice(0, Math.min(i, j)) + doc.slice(Math.max(i, j)));
  }), { numRuns: 400 });
  const junk = fc.constantFrom('<', '>', '&', '"', "'", '</x>', '<x>', '<!--', ']]>', '<![CDATA[', '&#0;', '&#xD800;', '\u0000', 'xmlns:a="', ' id="', '<?x?>');
  fc.assert(fc.property(fc.constantFrom(RFC_COMPLETE, ACME_LEGACY), fc.nat(), junk, (doc, a, j) => {
    const i = a % doc.length;
    check(doc.slice(0, i) + j + doc.slice(i));
  }), { numRuns: 600 });
  t.ok(refused > 0, `refused ${refused} inputs with MetadataError`);
});
