import t from 'tap';
import {
  buildMetadata, emptyMetadata, MetadataErrorCode, parseMetadata, RECORDING_NS, validateMetadata,
} from '../../../lib/siprec/metadata/index.js';
import { expectCode } from './helpers.js';
import { RFC_COMPLETE } from './metadata-fixtures.js';

const NS = `xmlns="${RECORDING_NS}"`;

t.test('MalformedXml', async (t) => {
  expectCode(t, () => parseMetadata(`<recording ${NS}><session session_id="a"></recording>`), MetadataErrorCode.MalformedXml, 'unclosed');
  expectCode(t, () => parseMetadata('not xml at all'), MetadataErrorCode.MalformedXml, 'text');
  expectCode(t, () => parseMetadata(''), MetadataErrorCode.MalformedXml, 'empty');
  expectCode(t, () => parseMetadata(`<!DOCTYPE r [<!ENTITY a "aaaa">]><recording ${NS}/>`), MetadataErrorCode.MalformedXml, 'DOCTYPE');
  expectCode(t, () => parseMetadata(Buffer.from(`<?xml version="1.0" encoding="UTF-16"?><recording ${NS}/>`)), MetadataErrorCode.MalformedXml, 'encoding');
  expectCode(t, () => parseMetadata(`<recording ${NS}/><recording ${NS}/>`), MetadataErrorCode.MalformedXml, 'two roots');
});

t.test('WrongRoot', async (t) => {
  expectCode(t, () => parseMetadata(`<requestsnapshot ${NS}/>`), MetadataErrorCode.WrongRoot, 'other root');
  expectCode(t, () => parseMetadata('<recording xmlns="urn:example:other"/>'), MetadataErrorCode.WrongRoot, 'foreign namespace');
  expectCode(t, () => parseMetadata('<x:recording xmlns:x="http://example.com/"/>'), MetadataErrorCode.WrongRoot, 'foreign prefix');
});

t.test('MissingId', async (t) => {
  expectCode(t, () => parseMetadata(`<recording ${NS}><session/></recording>`), MetadataErrorCode.MissingId, 'session');
  expectCode(t, () => parseMetadata(`<recording ${NS}><group/></recording>`), MetadataErrorCode.MissingId, 'group');
  expectCode(t, () => parseMetadata(`<recording ${NS}><participant participant_id="  "/></recording>`), MetadataErrorCode.MissingId, 'blank participant');
  expectCode(t, () => parseMetadata(`<recording ${NS}><session session_id="a"/><session session_id="b"/><stream stream_id="s"/></recording>`),
    MetadataErrorCode.MissingId, 'stream without session among two');
  expectCode(t, () => parseMetadata(`<recording ${NS}><stream session_id="a"/></recording>`), MetadataErrorCode.MissingId, 'stream');
  expectCode(t, () => parseMetadata(`<recording ${NS}><participantsessionassoc participant_id="p"/></recording>`), MetadataErrorCode.MissingId, 'psa');
  expectCode(t, () => parseMetadata(`<recording ${NS}><participantstreamassoc/></recording>`), MetadataErrorCode.MissingId, 'pstra');
  expectCode(t, () => parseMetadata(`<recording ${NS}><sessionrecordingassoc/></recording>`), MetadataErrorCode.MissingId, 'sra');
  const m = emptyMetadata();
  m.sessions.push({ sessionId: '', sipSessionIds: [], reasons: [], extensions: [] });
  expectCode(t, () => buildMetadata(m), MetadataErrorCode.MissingId, 'build with empty id');
});

t.test('DuplicateId', async (t) => {
  expectCode(t, () => parseMetadata(`<recording ${NS}><session session_id="a"/><session session_id="a"/></recording>`), MetadataErrorCode.DuplicateId, 'session');
  expectCode(t, () => parseMetadata(`<recording ${NS}><datamode>partial</datamode><participant participant_id="p"/><participant participant_id="p"/></recording>`),
    MetadataErrorCode.DuplicateId, 'participant in partial');
  expectCode(t, () => parseMetadata(`<recording ${NS}><session session_id="a"/><stream stream_id="x" session_id="a"/><stream stream_id="x" session_id="a"/></recording>`),
    MetadataErrorCode.DuplicateId, 'stream');
});

t.test('DanglingReference in complete documents only', async (t) => {
  expectCode(t, () => parseMetadata(`<recording ${NS}><stream stream_id="x" session_id="nope"/></recording>`), MetadataErrorCode.DanglingReference, 'stream→session');
  expectCode(t, () => parseMetadata(RFC_COMPLETE.replace('<send>i1Pz3to5hGk8fuXl+PbwCw==</send>', '<send>unknownStream</send>')),
    MetadataErrorCode.DanglingReference, 'pstra→stream');
  expectCode(t, () => parseMetadata(RFC_COMPLETE.replace('<participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w==">', '<participantstreamassoc participant_id="ghost">')),
    MetadataErrorCode.DanglingReference, 'pstra→participant');
  expectCode(t, () => parseMetadata(RFC_COMPLETE.replace('<group-ref>7+OTCyoxTmqmqyA/1weDAg==</group-ref>', '<group-ref>g2</group-ref>')),
    MetadataErrorCode.DanglingReference, 'session→group');
  expectCode(t, () => parseMetadata(`<recording ${NS}><participant participant_id="p"/><participantsessionassoc participant_id="p" session_id="s"/></recording>`),
    MetadataErrorCode.DanglingReference, 'psa→session');
  expectCode(t, () => parseMetadata(`<recording ${NS}><sessionrecordingassoc session_id="s"/></recording>`), MetadataErrorCode.DanglingReference, 'sra→session');
  const partial = parseMetadata(`<recording ${NS}><datamode>partial</datamode><stream stream_id="x" session_id="earlier"/></recording>`);
  t.equal(partial.streams[0].sessionId, 'earlier', 'partial may refer to earlier objects');
  try {
    parseMetadata(`<recording ${NS}><stream stream_id="x" session_id="nope"/></recording>`);
  } catch (e) {
    t.match((e as Error).message, /nope/, 'message names the id');
  }
});

t.test('InvalidDataMode', async (t) => {
  expectCode(t, () => parseMetadata(`<recording ${NS}><datamode>sometimes</datamode></recording>`), MetadataErrorCode.InvalidDataMode, 'datamode');
});

t.test('TooLarge and TooManyElements limits are enforced', async (t) => {
  const big = parseMetadata(RFC_COMPLETE);
  t.ok(big);
  expectCode(t, () => parseMetadata(RFC_COMPLETE, { maxBytes: 1000 }), MetadataErrorCode.TooLarge, 'string over maxBytes');
  expectCode(t, () => parseMetadata(Buffer.from(RFC_COMPLETE), { maxBytes: 1000 }), MetadataErrorCode.TooLarge, 'buffer over maxBytes');
  t.ok(parseMetadata(RFC_COMPLETE, { maxBytes: Buffer.byteLength(RFC_COMPLETE) }), 'exactly at the limit is fine');
  expectCode(t, () => parseMetadata(RFC_COMPLETE, { maxElements: 20 }), MetadataErrorCode.TooManyElements, 'elements');
  const many = `<recording ${NS}>${'<x xmlns="urn:x"/>'.repeat(30000)}</recording>`;
  expectCode(t, () => parseMetadata(many), MetadataErrorCode.TooManyElements, 'default element limit');
});

t.test('CDATA is not entity-decoded; double-escaped text stays single-decoded', async (t) => {
  const m = parseMetadata(`<recording ${NS}><participant participant_id="p"><nameID aor="a"><name><![CDATA[&amp;]]> &amp;#233;</name></nameID></participant></recording>`);
  t.equal(m.participants[0].nameIds[0].names[0].text, '&amp; &#233;');
  t.same(parseMetadata(buildMetadata(m)), m);
});

t.test('character references to non-characters are left as written', async (t) => {
  const m = parseMetadata(`<recording ${NS}><participant participant_id="p"><nameID aor="a"><name>&#0;&#xD800;&#xFFFF;&#x1F600;&#9;x</name></nameID></participant></recording>`);
  t.equal(m.participants[0].nameIds[0].names[0].text, '&#0;&#xD800;&#xFFFF;\u{1F600}\tx');
  t.same(parseMetadata(buildMetadata(m)), m);
});

t.test('characters XML cannot carry are replaced when building, so the output always parses', async (t) => {
  const m = emptyMetadata();
  m.participants.push({ participantId: 'p\u0001', nameIds: [{ aor: 'sip:a@b\u0000', names: [{ text: 'Bell\u0007 \ud800x \u{1F600} ok\uffff' }] }], extensions: [] });
  const back = parseMetadata(buildMetadata(m));
  t.equal(back.participants[0].participantId, 'p\ufffd');
  t.equal(back.participants[0].nameIds[0].aor, 'sip:a@b\ufffd');
  t.equal(back.participants[0].nameIds[0].names[0].text, 'Bell\ufffd \ufffdx \u{1F600} ok\ufffd', 'valid surrogate pairs kept');
});

t.test('validateMetadata: references can be forced on partial documents', async (t) => {
  const m = parseMetadata(`<recording ${NS}><datamode>partial</datamode><stream stream_id="x" session_id="elsewhere"/></recording>`);
  validateMetadata(m);
  t.pass('partial: references to earlier objects allowed by default');
  expectCode(t, () => validateMetadata(m, { checkReferences: true }), MetadataErrorCode.DanglingReference, 'forced');
  const c = parseMetadata(`<recording ${NS}><session session_id="s"/><stream stream_id="x" session_id="s"/></recording>`);
  c.streams[0].sessionId = 'gone';
  validateMetadata(c, { checkReferences: false });
  t.pass('complete: checks can be skipped');
});

t.test('build refuses associations with empty ids', async (t) => {
  const m = emptyMetadata('partial');
  m.participantSessionAssocs.push({ participantId: '', sessionId: 's', params: [] });
  expectCode(t, () => buildMetadata(m), MetadataErrorCode.MissingId, 'psa');
  const m2 = emptyMetadata('partial');
  m2.streams.push({ streamId: 'x', sessionId: '', extensions: [] });
  expectCode(t, () => buildMetadata(m2), MetadataErrorCode.MissingId, 'stream session');
  const m3 = emptyMetadata('partial');
  m3.participantStreamAssocs.push({ participantId: 'p', send: [], recv: [] }, { participantId: 'p', send: [], recv: [] });
  expectCode(t, () => buildMetadata(m3), MetadataErrorCode.DuplicateId, 'pstra twice');
  t.ok(buildMetadata(m3, { skipValidation: true }).includes('participantstreamassoc'), 'unless asked not to check');
});
