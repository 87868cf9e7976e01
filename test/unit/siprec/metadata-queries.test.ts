import t from 'tap';
import {
  callIdsOf, classifySiprecContentType, describeStreams, findExtensionValues, findStreamByLabel, MetadataBuilder, parseMetadata, senderOfLabel,
} from '../../../lib/siprec/metadata/index.js';
import { ACME_LEGACY, RFC_COMPLETE } from './metadata-fixtures.js';

t.test('describeStreams: senders and receivers per label (RFC example)', async (t) => {
  const d = describeStreams(parseMetadata(RFC_COMPLETE));
  t.same(d.map((x) => x.label), ['96', '97', '98', '99']);
  t.same(d[0].senders, [{ participantId: 'srfBElmCRp2QB23b7Mpk0w==', aor: 'sip:bob@biloxi.com', name: 'Bob' }]);
  t.same(d[0].receivers.map((p) => p.aor), ['sip:alice@atlanta.com']);
  t.same(d[2].senders.map((p) => p.name), ['Alice']);
  t.equal(d[3].sessionId, 'hVpd7YQgRW2nD22h7q60JQ==');
});

t.test('label lookups do not assume label order', async (t) => {
  const b = new MetadataBuilder({
    participants: [{ key: 'agent', aor: 'sip:agent@cc.example', name: 'Agent' }, { key: 'cust', aor: 'tel:+15551234' }],
    streams: [{ label: '20', sender: 'cust' }, { label: '10', sender: 'agent' }],
  });
  const m = b.complete();
  t.equal(senderOfLabel(m, '10')?.aor, 'sip:agent@cc.example');
  t.equal(senderOfLabel(m, '20')?.aor, 'tel:+15551234');
  t.equal(senderOfLabel(m, '20')?.name, undefined, 'no display name');
  t.equal(senderOfLabel(m, '30'), undefined);
  t.equal(findStreamByLabel(m, '10')?.streamId, b.streamId('10'));
  t.equal(findStreamByLabel(m, 'x'), undefined);
});

t.test('draft documents give the same answers after mapping', async (t) => {
  const d = describeStreams(parseMetadata(ACME_LEGACY));
  t.same(d.map((x) => [x.label, x.senders[0]?.name, x.receivers[0]?.name]), [['1', 'Alice', 'Bob'], ['2', 'Bob', 'Alice']]);
});

t.test('participants without names or unknown ids still described', async (t) => {
  const m = parseMetadata(`<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>partial</datamode>
    <stream stream_id="s" session_id="x"/><participantstreamassoc participant_id="ghost"><send>s</send></participantstreamassoc></recording>`);
  t.same(describeStreams(m), [{ streamId: 's', sessionId: 'x', senders: [{ participantId: 'ghost', aor: '' }], receivers: [] }]);
});

t.test('content types', async (t) => {
  t.equal(classifySiprecContentType('application/rs-metadata+xml'), 'metadata');
  t.equal(classifySiprecContentType('Application/RS-Metadata+XML; charset=UTF-8'), 'metadata');
  t.equal(classifySiprecContentType('application/rs-metadata'), 'metadata', 'AudioCodes legacy');
  t.equal(classifySiprecContentType('application/recording+xml'), 'metadata', 'legacy misspelling');
  t.equal(classifySiprecContentType(' application/rs-metadata-request '), 'snapshot-request');
  t.equal(classifySiprecContentType('application/sdp'), undefined);
  t.equal(classifySiprecContentType(''), undefined);
});

t.test('extension values: Acme UCID, tsip Call-ID (escaped), nested and prefixed forms', async (t) => {
  const acme = parseMetadata(ACME_LEGACY);
  t.same(findExtensionValues(acme.extensions, 'http://acmepacket.com/siprec/extensiondata', 'ucid'), ['00FA080018803B69810C63;encoding=hex']);
  t.same(findExtensionValues(acme.extensions, 'http://acmepacket.com/siprec/extensiondata', 'nothing'), []);
  const b = new MetadataBuilder({ callId: 'a<b>&c@host', participants: [], streams: [] });
  const wire = parseMetadata(b.completeXml());
  t.same(callIdsOf(wire), ['a<b>&c@host']);
  t.same(findExtensionValues(['<p:x xmlns:p="urn:p"><p:y><p:z>deep</p:z></p:y></p:x>', 'not xml <', '<z xmlns="urn:p">top</z>'], 'urn:p', 'z'), ['deep', 'top']);
  t.same(callIdsOf(parseMetadata(RFC_COMPLETE)), []);
});
