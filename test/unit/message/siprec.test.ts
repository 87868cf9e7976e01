/**
 * A realistic SIPREC INVITE (RFC 7866 §9.1 shape): multipart/mixed with an SDP offer of two
 * labelled sendonly audio streams and RFC 7865 metadata with Content-Disposition: recording-session.
 */
import t from 'tap';
import {
  NameAddr,
  SipRequest,
  buildMultipart,
  mediaDirection,
  mediaLabel,
  parseMessage,
  parseMultipart,
  parseSdp,
  serializeMessage,
  validateRequest,
} from '../../../lib/message/index.js';

const SDP = [
  'v=0',
  'o=SRC 2890844526 2890844526 IN IP4 198.51.100.1',
  's=-',
  'c=IN IP4 198.51.100.1',
  't=0 0',
  'm=audio 12240 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=label:96',
  'a=sendonly',
  'm=audio 12242 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=label:97',
  'a=sendonly',
  '',
].join('\r\n');

const METADATA = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1">
  <datamode>complete</datamode>
  <session session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID>
  </session>
  <participant participant_id="srfBElmCRp2QB23b7Mpk0w==">
    <nameID aor="sip:alice@atlanta.example.com"><name xml:lang="it">Alice — Ünïcode</name></nameID>
  </participant>
  <stream stream_id="UAAMm5GRQKSCMVvLyl4rFw==" session_id="hVpd7YQgRW2nD22h7q60JQ=="><label>96</label></stream>
  <stream stream_id="i1Pz3to5hGk8fuXl+PbwCw==" session_id="hVpd7YQgRW2nD22h7q60JQ=="><label>97</label></stream>
</recording>
`;

function buildInvite(): SipRequest {
  const body = buildMultipart([
    { contentType: 'application/sdp', body: SDP },
    { contentType: 'application/rs-metadata+xml', body: METADATA, disposition: 'recording-session' },
  ]);
  const req = new SipRequest({
    method: 'INVITE',
    uri: 'sip:recorder@srs.example.com;transport=tcp',
    headers: [
      ['Via', 'SIP/2.0/TCP src.example.com:5060;branch=z9hG4bK-sr-1;rport'],
      ['Max-Forwards', '70'],
      ['From', '"SRC" <sip:2000@src.example.com>;tag=35e195d2'],
      ['To', '<sip:recorder@srs.example.com>'],
      ['Call-ID', 'rs-1@src.example.com'],
      ['CSeq', '101 INVITE'],
      ['Contact', '<sip:2000@src.example.com:5060;transport=tcp>;+sip.src'],
      ['Require', 'siprec'],
      ['Supported', 'timer, 100rel'],
      ['Session-Expires', '1800;refresher=uac'],
      ['Accept', 'application/sdp, application/rs-metadata+xml'],
    ],
    body: body.body,
  });
  req.contentType = body.contentType;
  return req;
}

t.test('build, serialize, parse back', async (t) => {
  const wire = serializeMessage(buildInvite());
  const req = parseMessage(wire) as SipRequest;
  t.doesNotThrow(() => validateRequest(req));
  t.same(req.require, ['siprec']);
  const contact = req.contact[0] as NameAddr;
  t.ok(contact.params.has('+sip.src'), 'Contact feature tag kept with its + prefix');
  t.equal(contact.params.get('+sip.src'), null);
  t.equal(req.headers.get('Session-Expires'), '1800;refresher=uac');
  t.equal(req.headers.getAll('Accept').length, 2);
  t.equal(req.contentType?.essence, 'multipart/mixed');
  t.equal(req.contentLength, req.body.length);

  const parts = parseMultipart(req.body, req.contentType!);
  t.equal(parts.length, 2);
  t.equal(parts[0].contentType?.essence, 'application/sdp');
  const sdp = parseSdp(parts[0].body);
  t.equal(sdp.media.length, 2);
  t.same(sdp.media.map((m) => m.type), ['audio', 'audio']);
  t.same(sdp.media.map((m) => mediaLabel(m)), ['96', '97']);
  t.same(sdp.media.map((m) => mediaDirection(m, sdp)), ['sendonly', 'sendonly']);
  t.equal(parts[1].contentType?.essence, 'application/rs-metadata+xml');
  t.equal(parts[1].disposition?.type, 'recording-session');
  t.equal(parts[1].body.toString('utf8'), METADATA, 'metadata octets intact, UTF-8 included');
});

t.test('the same INVITE arriving in TCP chunks through the framer', async (t) => {
  const { StreamFramer } = await import('../../../lib/message/index.js');
  const wire = serializeMessage(buildInvite());
  const got: Buffer[] = [];
  const f = new StreamFramer({ maxMessageSize: 65536, onMessage: (m) => got.push(m), onError: (e) => t.fail(e.reason) });
  for (let i = 0; i < wire.length; i += 700) f.push(wire.subarray(i, i + 700));
  t.equal(got.length, 1);
  t.same(got[0], wire);
});
