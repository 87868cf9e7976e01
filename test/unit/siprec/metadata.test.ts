import t from 'tap';
import {
  buildMetadata, emptyMetadata, METADATA_CONTENT_TYPE, newMetadataId, parseMetadata, RECORDING_NS,
} from '../../../lib/siprec/metadata/index.js';
import { ACME_LEGACY, CISCO_PREFIXED, NICE_AND_AUDIOCODES, RFC_COMPLETE, RFC_PARTIAL_HOLD } from './metadata-fixtures.js';

t.test('RFC 7865-style complete document parses into the typed model', async (t) => {
  const m = parseMetadata(RFC_COMPLETE);
  t.equal(m.dataMode, 'complete');
  t.equal(m.groups.length, 1);
  t.equal(m.groups[0].groupId, '7+OTCyoxTmqmqyA/1weDAg==');
  t.equal(m.groups[0].associateTime, '2010-12-16T23:41:07Z');
  t.equal(m.groups[0].extensions.length, 2, 'call-center and mydata kept');
  t.match(m.groups[0].extensions[0], /^<call-center xmlns='urn:ietf:params:xml:ns:callcenter'>/);
  t.equal(m.sessions[0].sessionId, 'hVpd7YQgRW2nD22h7q60JQ==');
  t.same(m.sessions[0].sipSessionIds, ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2']);
  t.equal(m.sessions[0].groupRef, '7+OTCyoxTmqmqyA/1weDAg==');
  t.equal(m.sessions[0].startTime, '2010-12-16T23:41:07Z');
  t.equal(m.participants.length, 2);
  t.same(m.participants[0].nameIds, [{ aor: 'sip:bob@biloxi.com', names: [{ text: 'Bob', lang: 'it' }] }]);
  t.same(m.streams.map((s) => s.label), ['96', '97', '98', '99']);
  t.ok(m.streams.every((s) => s.sessionId === 'hVpd7YQgRW2nD22h7q60JQ=='));
  t.equal(m.sessionRecordingAssocs[0].associateTime, '2010-12-16T23:41:07Z');
  t.equal(m.participantSessionAssocs.length, 2);
  t.same(m.participantStreamAssocs[0].send, ['i1Pz3to5hGk8fuXl+PbwCw==', 'UAAMm5GRQKSCMVvLyl4rFw==']);
  t.same(m.participantStreamAssocs[1].recv, ['UAAMm5GRQKSCMVvLyl4rFw==', 'i1Pz3to5hGk8fuXl+PbwCw==']);
});

t.test('build → parse round trip of the RFC example is lossless and idempotent', async (t) => {
  const m = parseMetadata(RFC_COMPLETE);
  const xml = buildMetadata(m);
  t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<recording xmlns="urn:ietf:params:xml:ns:recording:1">/);
  t.same(parseMetadata(xml), m);
  t.equal(buildMetadata(parseMetadata(xml)), xml, 'second build is byte-identical');
});

t.test('partial document parses; references to earlier objects are allowed', async (t) => {
  const m = parseMetadata(RFC_PARTIAL_HOLD);
  t.equal(m.dataMode, 'partial');
  t.same(m.participantStreamAssocs, [{ participantId: 'zSfPoSvdSDCmU3A3TRDxAw==', send: [], recv: ['UAAMm5GRQKSCMVvLyl4rFw==', 'i1Pz3to5hGk8fuXl+PbwCw=='] }]);
});

t.test('namespace prefix on recording elements is tolerated; vendor prefix declared on root travels with the fragment', async (t) => {
  const m = parseMetadata(CISCO_PREFIXED);
  t.equal(m.sessions[0].startTime, '2024-02-01T09:00:00.123Z');
  t.same(m.sessions[0].extensions, ['<ccext:ccid xmlns:ccext="http://cisco.com/siprec/ext">12345678</ccext:ccid>']);
  t.same(m.participants[0].nameIds, [{ aor: 'sip:1001@cube.example.com', names: [] }]);
  t.same(m.participantStreamAssocs[0].send, ['Wk5l5C6EEeGbr7UzlVJEBw==']);
  const again = parseMetadata(buildMetadata(m));
  t.same(again, m);
});

t.test('Acme Packet draft-era document maps onto the RFC model and keeps apkt data verbatim', async (t) => {
  const warnings: string[] = [];
  const m = parseMetadata(ACME_LEGACY, { onWarning: (w) => warnings.push(w) });
  const sid = 'urn:uuid:b0a4d1a6-1c3b-4b59-9c4e-2f5b3a1e9d01';
  t.equal(m.dataMode, 'complete', '<dataMode> capitalisation accepted');
  t.equal(m.sessions[0].sessionId, sid, 'id= read as session_id');
  t.same(m.sessionRecordingAssocs, [{ sessionId: sid, associateTime: '2013-05-13T17:16:11' }]);
  t.equal(m.participants.length, 2);
  t.same(m.participants[0].nameIds[0], { aor: 'sip:+15551234567@10.0.0.1', names: [{ text: 'Alice' }] });
  t.same(m.participantSessionAssocs.map((a) => [a.participantId, a.sessionId, a.associateTime]), [
    ['urn:uuid:a1d3c9e2-0f7b-4c1e-8e6d-5a4b3c2d1e0f', sid, '2013-05-13T17:16:11'],
    ['urn:uuid:f0e1d2c3-b4a5-4697-8877-665544332211', sid, '2013-05-13T17:16:11'],
  ]);
  t.same(m.participantStreamAssocs[0], {
    participantId: 'urn:uuid:a1d3c9e2-0f7b-4c1e-8e6d-5a4b3c2d1e0f',
    send: ['urn:uuid:5a4b3c2d-0000-4000-8000-000000000001'],
    recv: ['urn:uuid:5a4b3c2d-0000-4000-8000-000000000002'],
  });
  t.same(m.streams.map((s) => [s.label, s.sessionId]), [['1', sid], ['2', sid]]);
  t.equal(m.streams[0].extensions[0], '<mode>separate</mode>', 'unknown draft child kept');
  t.equal(m.extensions.length, 1);
  t.match(m.extensions[0], /<apkt:ucid>00FA080018803B69810C63;encoding=hex<\/apkt:ucid>/);
  t.match(m.extensions[0], /^<extensiondata xmlns:apkt="http:\/\/acmepacket.com\/siprec\/extensiondata">/);
  t.ok(warnings.some((w) => w.includes('legacy namespace')));
  t.ok(warnings.some((w) => w.includes('participantstreamassoc')));
  const xml = buildMetadata(m);
  t.match(xml, /<apkt:ucid>00FA080018803B69810C63;encoding=hex<\/apkt:ucid>/);
  t.same(parseMetadata(xml), m, 'RFC-form rebuild parses to the same model');
});

t.test('NICE default-namespace extension and AudioCodes prefixed attributes survive', async (t) => {
  const m = parseMetadata(NICE_AND_AUDIOCODES);
  t.match(m.sessions[0].extensions[0], /^<interaction xmlns="http:\/\/www.nice.com\/siprec\/1">/);
  t.match(m.sessions[0].extensions[0], /<agent id="42">Agent &amp; Co<\/agent>/);
  t.equal(m.participants[0].participantId, '+14155550100', 'plain token ids accepted');
  t.equal(m.participants[0].extensions[0],
    '<ac:AudioCodes xmlns:ac="http://AudioCodes" ac:version="7.4"><ac:CallerRole>customer</ac:CallerRole></ac:AudioCodes>');
  const xml = buildMetadata(m);
  t.same(parseMetadata(xml), m);
});

t.test('extension nested in a no-namespace element of a prefixed document keeps its meaning', async (t) => {
  const xml = `<r:recording xmlns:r="${RECORDING_NS}"><r:session session_id="s"><note>plain</note></r:session></r:recording>`;
  const m = parseMetadata(xml);
  t.same(m.sessions[0].extensions, ['<note xmlns="">plain</note>'], 'no-namespace element is not pulled into the recording namespace');
  t.same(parseMetadata(buildMetadata(m)), m);
});

t.test('unknown element in the recording namespace is kept as extension', async (t) => {
  const m = parseMetadata(`<recording xmlns="${RECORDING_NS}"><futureThing a="1"/><session session_id="s"/></recording>`);
  t.same(m.extensions, ['<futureThing a="1"/>']);
});

t.test('draft participant send naming no stream is dropped with a warning', async (t) => {
  const warnings: string[] = [];
  const m = parseMetadata(`<recording xmlns="urn:ietf:params:xml:ns:siprec"><datamode>complete</datamode>
    <session id="session-123"/>
    <participant id="part-1"><nameID aor="sip:alice@example.com"/><send>session-123</send></participant>
    <stream id="stream-1" session="session-123"><label>1</label><mode>separate</mode></stream></recording>`,
  { onWarning: (w) => warnings.push(w) });
  t.same(m.participantStreamAssocs, []);
  t.same(m.participantSessionAssocs.map((a) => a.sessionId), ['session-123'], 'only session used for membership');
  t.ok(warnings.some((w) => w.includes("'session-123' names no stream")));
});

t.test('stream without session_id gets the only session; draft aor/name children', async (t) => {
  const m = parseMetadata(`<recording><session id="S"/><participant id="P"><aor>sip:p@x</aor><name xml:lang="fr">Pierre</name></participant><stream id="T"><label>7</label></stream></recording>`);
  t.equal(m.streams[0].sessionId, 'S');
  t.same(m.participants[0].nameIds, [{ aor: 'sip:p@x', names: [{ text: 'Pierre', lang: 'fr' }] }]);
});

t.test('entities, CDATA, numeric references and non-ASCII text decode', async (t) => {
  const m = parseMetadata(`<recording xmlns="${RECORDING_NS}"><participant participant_id="p&amp;1"><nameID aor="sip:z@x?a=1&amp;b=2"><name>&#233;mile <![CDATA[<the> & co]]> 日本</name></nameID></participant></recording>`);
  t.equal(m.participants[0].participantId, 'p&1');
  t.equal(m.participants[0].nameIds[0].aor, 'sip:z@x?a=1&b=2');
  t.equal(m.participants[0].nameIds[0].names[0].text, 'émile <the> & co 日本');
  t.same(parseMetadata(buildMetadata(m)), m);
});

t.test('Buffer input: UTF-8 with BOM, and ISO-8859-1 declared', async (t) => {
  const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<recording xmlns="${RECORDING_NS}"><participant participant_id="p"><nameID aor="sip:a@b"><name>Zoë</name></nameID></participant></recording>`)]);
  t.equal(parseMetadata(utf8).participants[0].nameIds[0].names[0].text, 'Zoë');
  const latin1 = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?><recording xmlns="${RECORDING_NS}"><participant participant_id="p"><nameID aor="sip:a@b"><name>Zoë</name></nameID></participant></recording>`, 'latin1');
  t.equal(parseMetadata(latin1).participants[0].nameIds[0].names[0].text, 'Zoë');
});

t.test('empty recording: default datamode complete; build of the empty model', async (t) => {
  t.same(parseMetadata(`<recording xmlns="${RECORDING_NS}"/>`), emptyMetadata());
  const xml = buildMetadata(emptyMetadata('partial'));
  t.match(xml, /<datamode>partial<\/datamode>/);
  t.same(parseMetadata(xml), emptyMetadata('partial'));
});

t.test('session reasons, stop-time, params, sra/psa/pstra extensions round trip', async (t) => {
  const m = emptyMetadata();
  m.sessions.push({ sessionId: 's', sipSessionIds: ['a', 'b'], startTime: 'T0', stopTime: 'T1', reasons: [{ protocol: 'SIP', cause: '200', text: 'Call completed' }, { text: 'bare' }], extensions: [] });
  m.participants.push({ participantId: 'p', nameIds: [{ aor: 'sip:p@x', names: [{ text: 'P', lang: 'en' }, { text: 'Pé' }], extensions: ['<x:n xmlns:x="urn:x"/>'] }], extensions: [] });
  m.streams.push({ streamId: 'st', sessionId: 's', extensions: [] });
  m.sessionRecordingAssocs.push({ sessionId: 's', associateTime: 'T0', disassociateTime: 'T1', extensions: ['<y xmlns="urn:y">1</y>'] });
  m.participantSessionAssocs.push({ participantId: 'p', sessionId: 's', associateTime: 'T0', params: [{ name: 'audio', value: 'true' }, { name: 'x"y', value: '<&>' }], extensions: ['<z xmlns="urn:z"/>'] });
  m.participantStreamAssocs.push({ participantId: 'p', send: ['st'], recv: [], associateTime: 'T0', disassociateTime: 'T1', extensions: ['<w xmlns="urn:w"/>'] });
  const xml = buildMetadata(m);
  t.match(xml, /<reason protocol="SIP" cause="200">Call completed<\/reason>/);
  t.match(xml, /<param pname="x&quot;y" pval="&lt;&amp;&gt;"\/>/);
  t.same(parseMetadata(xml), m);
});

t.test('newMetadataId is base64 of 16 random bytes', async (t) => {
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = newMetadataId();
    const bytes = Buffer.from(id, 'base64');
    t.equal(bytes.length, 16);
    t.equal(bytes[6]! >> 4, 4, 'a version 4 UUID (RFC 9562 §5.4)');
    t.equal(bytes[8]! & 0xc0, 0x80, 'the RFC 9562 variant');
    t.match(id, /^[A-Za-z0-9+/]{22}==$/);
    ids.add(id);
  }
  t.equal(ids.size, 200);
  t.equal(METADATA_CONTENT_TYPE, 'application/rs-metadata+xml');
});

t.test('draft nameID with an <aor> child', async (t) => {
  const m = parseMetadata(`<recording><participant id="P"><nameID><aor>sip:x@y</aor><name>X</name></nameID></participant></recording>`);
  t.same(m.participants[0].nameIds, [{ aor: 'sip:x@y', names: [{ text: 'X' }] }]);
});

t.test('deeply nested extension within the parser limit survives; beyond it is refused', async (t) => {
  const nest = (n: number): string => '<d xmlns="urn:deep">'.repeat(1) + '<d>'.repeat(n - 1) + 'x' + '</d>'.repeat(n);
  const ok = parseMetadata(`<recording xmlns="${RECORDING_NS}">${nest(50)}</recording>`);
  t.equal(ok.extensions.length, 1);
  t.equal(ok.extensions[0], nest(50));
  t.throws(() => parseMetadata(`<recording xmlns="${RECORDING_NS}">${nest(500)}</recording>`), { code: 'MalformedXml' });
});

t.test('compact build is smaller and parses to the same model', async (t) => {
  const m = parseMetadata(CISCO_PREFIXED);
  const pretty = buildMetadata(m);
  const compact = buildMetadata(m, { compact: true });
  t.notMatch(compact, /\n/, 'one line');
  t.equal(pretty.length - compact.length, (pretty.match(/\n */g) ?? []).join('').length, 'exactly the layout whitespace removed');
  t.same(parseMetadata(compact), m);
  const rfc = parseMetadata(RFC_COMPLETE);
  t.same(parseMetadata(buildMetadata(rfc, { compact: true })), rfc, 'multi-line extensions stay verbatim');
});

t.test('a large conference document (300 participants, 600 streams) parses within limits and round trips', async (t) => {
  const m = emptyMetadata();
  m.sessions.push({ sessionId: 'conf', sipSessionIds: [], reasons: [], extensions: [] });
  for (let i = 0; i < 300; i++) {
    m.participants.push({ participantId: `p${i}`, nameIds: [{ aor: `sip:user${i}@example.com`, names: [{ text: `User ${i}` }] }], extensions: [] });
    m.streams.push({ streamId: `s${2 * i}`, sessionId: 'conf', label: String(2 * i), extensions: [] });
    m.streams.push({ streamId: `s${2 * i + 1}`, sessionId: 'conf', label: String(2 * i + 1), extensions: [] });
    m.participantStreamAssocs.push({ participantId: `p${i}`, send: [`s${2 * i}`], recv: [`s${2 * i + 1}`] });
  }
  const xml = buildMetadata(m);
  t.ok(Buffer.byteLength(xml) < 1024 * 1024, 'under the default 1 MiB');
  const start = process.hrtime.bigint();
  const back = parseMetadata(xml);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  t.same(back, m);
  t.ok(ms < 2000, `parsed in ${ms.toFixed(0)} ms`);
});

t.test('partial draft document keeps send/recv naming streams sent earlier', async (t) => {
  const m = parseMetadata(`<recording xmlns="urn:ietf:params:xml:ns:recording"><dataMode>partial</dataMode>
    <participant id="p9"><send>stream-from-before</send><recv>other</recv></participant></recording>`);
  t.same(m.participantStreamAssocs, [{ participantId: 'p9', send: ['stream-from-before'], recv: ['other'] }]);
  t.same(m.participantSessionAssocs, [], 'no session to tie the participant to');
});

t.test('objects without optional children build and parse back', async (t) => {
  const m = emptyMetadata();
  m.participants.push({ participantId: 'bare', nameIds: [], extensions: [] });
  m.groups.push({ groupId: 'g', extensions: [] });
  m.sessions.push({ sessionId: 's', sipSessionIds: [], reasons: [], extensions: [] });
  m.streams.push({ streamId: 'st', sessionId: 's', extensions: [] });
  m.participantStreamAssocs.push({ participantId: 'bare', send: [], recv: [] });
  const xml = buildMetadata(m);
  t.same(parseMetadata(xml), m);
  t.match(xml, /<participant participant_id="bare">\n  <\/participant>|<participant participant_id="bare">\n\s*<\/participant>/);
});

t.test('draft send/recv naming a stream label maps to that stream', async (t) => {
  const warnings: string[] = [];
  const m = parseMetadata(`<recording xmlns="urn:ietf:params:xml:ns:recording"><session id="s"/>
    <participant id="a"><send>1</send><recv>2</recv></participant>
    <stream id="X" session="s"><label>1</label></stream><stream id="Y" session="s"><label>2</label></stream></recording>`,
  { onWarning: (w) => warnings.push(w) });
  t.same(m.participantStreamAssocs, [{ participantId: 'a', send: ['X'], recv: ['Y'] }]);
  t.ok(warnings.some((w) => w.includes("'1' read as the label of stream X")));
});

t.test('unknown root attributes (state=, xsi:schemaLocation) are ignored', async (t) => {
  const m = parseMetadata(`<recording xmlns="${RECORDING_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${RECORDING_NS} recording.xsd" state="active"><session session_id="s"/></recording>`);
  t.equal(m.sessions[0].sessionId, 's');
  t.same(m.extensions, []);
});

t.test('CRLF documents and comments between elements', async (t) => {
  const crlf = RFC_COMPLETE.replace(/\n/g, '\r\n');
  const m = parseMetadata(crlf);
  t.same(m.sessions, parseMetadata(RFC_COMPLETE).sessions.map((s) => ({ ...s, extensions: s.extensions.map((e) => e.replace(/\n/g, '\r\n')) })),
    'same model; extension fragments keep their own line ends');
  t.equal(m.participants.length, 2);
});

t.test('draft participant: bare <name>, leave time, session attribute on a multi-session document', async (t) => {
  const m = parseMetadata(`<recording><session id="s1"/><session id="s2"/>
    <participant id="p" session="s2"><name>Only a name</name><associate-time>T1</associate-time><disassociate-time>T2</disassociate-time></participant></recording>`);
  t.same(m.participants[0].nameIds, [{ aor: '', names: [{ text: 'Only a name' }] }]);
  t.same(m.participantSessionAssocs, [{ participantId: 'p', sessionId: 's2', params: [], associateTime: 'T1', disassociateTime: 'T2' }]);
  const none = parseMetadata(`<recording><session id="s1"/><session id="s2"/><participant id="q"><associate-time>T</associate-time></participant></recording>`);
  t.same(none.participantSessionAssocs, [], 'two sessions and no session attribute: ambiguous, not mapped');
  t.same(parseMetadata(`<recording xmlns="${RECORDING_NS}"><participantsessionassoc participant_id="p" session_id="s"><param/></participantsessionassoc><datamode>partial</datamode></recording>`).participantSessionAssocs[0].params,
    [{ name: '', value: '' }], 'param without attributes');
});
