/**
 * Messages for the parser benchmark: a REGISTER, an INVITE with SDP, and a ~4 KB SIPREC INVITE
 * (multipart/mixed: SDP with two labelled sendonly m-lines + RFC 7865 metadata).
 */
const CRLF = '\r\n';

function msg(lines: string[], body = ''): Buffer {
  const head = lines.join(CRLF).replace('{{LEN}}', String(Buffer.byteLength(body)));
  return Buffer.from(head + CRLF + CRLF + body, 'utf8');
}

/** A typical REGISTER. */
export const REGISTER = msg([
  'REGISTER sip:registrar.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@example.com>',
  'From: Bob <sip:bob@example.com>;tag=456248',
  'Call-ID: 843817637684230@998sdasdh09',
  'CSeq: 1826 REGISTER',
  'Contact: <sip:bob@192.0.2.10:5060;transport=udp>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
  'User-Agent: tsip-bench/1.0',
  'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO',
  'Supported: path, outbound, gruu',
  'Expires: 3600',
  'Content-Length: {{LEN}}',
]);

const SDP = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.101',
  's=-',
  'c=IN IP4 192.0.2.101',
  't=0 0',
  'm=audio 49172 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join(CRLF);

/** An INVITE with an SDP offer, through one proxy. */
export const INVITE = msg([
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.101;rport=5060',
  'Max-Forwards: 69',
  'Record-Route: <sip:proxy.atlanta.example.com;lr>',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, UPDATE, PRACK',
  'Supported: timer, 100rel',
  'Session-Expires: 1800',
  'Content-Type: application/sdp',
  'Content-Length: {{LEN}}',
], SDP);

function siprecBody(): string {
  const boundary = 'OSS-unique-boundary-42';
  const sdp = [
    'v=0',
    'o=SRC 2890844526 2890844526 IN IP4 198.51.100.1',
    's=SIP Recording',
    'c=IN IP4 198.51.100.1',
    't=0 0',
    'm=audio 12240 RTP/AVP 0 8 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=label:1',
    'a=sendonly',
    'm=audio 12242 RTP/AVP 0 8 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=label:2',
    'a=sendonly',
    '',
  ].join(CRLF);
  const participants = ['alice@atlanta.example.com', 'bob@biloxi.example.com', 'carol@chicago.example.com', 'dave@denver.example.com']
    .map(
      (aor, i) =>
        `  <participant participant_id="srfBElmCRp2QB23b7Mpk0w${i}==">\r\n` +
        `    <nameID aor="sip:${aor}">\r\n      <name xml:lang="en">${aor.split('@')[0]}</name>\r\n    </nameID>\r\n` +
        `    <associate-time>2010-12-16T23:41:07Z</associate-time>\r\n` +
        `    <send>i1aqpCn7Q9WBkkZ5GKE3oA${i % 2}==</send>\r\n` +
        `  </participant>\r\n` +
        `  <participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w${i}==">\r\n` +
        `    <send>i1aqpCn7Q9WBkkZ5GKE3oA${i % 2}==</send>\r\n    <recv>i1aqpCn7Q9WBkkZ5GKE3oA${1 - (i % 2)}==</recv>\r\n` +
        `  </participantstreamassoc>\r\n`,
    )
    .join('');
  const streams = [1, 2]
    .map(
      (l) =>
        `  <stream stream_id="i1aqpCn7Q9WBkkZ5GKE3oA${l - 1}==" session_id="hVpd7YQgRW2nD22h7q60JQ==">\r\n` +
        `    <label>${l}</label>\r\n  </stream>\r\n`,
    )
    .join('');
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
    '<recording xmlns="urn:ietf:params:xml:ns:recording:1">\r\n' +
    '  <datamode>complete</datamode>\r\n' +
    '  <group group_id="7+OTCyoxTmqmqyA/1weDAg==">\r\n' +
    '    <associate-time>2010-12-16T23:41:07Z</associate-time>\r\n' +
    '    <call-center xmlns="urn:ietf:params:xml:ns:callcenter">\r\n' +
    '      <supervisor>sip:supervisor@example.com</supervisor>\r\n' +
    '    </call-center>\r\n' +
    '  </group>\r\n' +
    '  <session session_id="hVpd7YQgRW2nD22h7q60JQ==">\r\n' +
    '    <sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID>\r\n' +
    '    <group-ref>7+OTCyoxTmqmqyA/1weDAg==</group-ref>\r\n' +
    '    <start-time>2010-12-16T23:41:07Z</start-time>\r\n' +
    '  </session>\r\n' +
    participants +
    streams +
    '</recording>\r\n';
  return (
    `--${boundary}\r\nContent-Type: application/sdp\r\n\r\n${sdp}\r\n` +
    `--${boundary}\r\nContent-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n${xml}\r\n` +
    `--${boundary}--\r\n`
  );
}

/** A SIPREC INVITE from an SRC to an SRS (RFC 7866), about 4 KB. */
export const SIPREC_INVITE = msg([
  'INVITE sip:recorder@srs.example.com;transport=tcp SIP/2.0',
  'Via: SIP/2.0/TCP src.example.com:5060;branch=z9hG4bK-524287-1---77ba17085d60f141;rport',
  'Max-Forwards: 70',
  'Contact: <sip:2000@src.example.com:5060;transport=tcp>;+sip.src',
  'To: <sip:recorder@srs.example.com>',
  'From: "SRC" <sip:2000@src.example.com>;tag=35e195d2',
  'Call-ID: OTkxNTk3NjM2OGQ2NDEwMzQ1YzdkYzc5NWJhNzQwZGU.',
  'CSeq: 1 INVITE',
  'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, UPDATE, INFO',
  'Require: siprec',
  'Supported: timer, replaces, 100rel',
  'Session-Expires: 1800;refresher=uac',
  'Min-SE: 90',
  'User-Agent: tsip-bench/1.0',
  'Accept: application/sdp, application/rs-metadata+xml',
  'Content-Type: multipart/mixed;boundary=OSS-unique-boundary-42',
  'Content-Length: {{LEN}}',
], siprecBody());

/** A 200 OK answering the INVITE above, with its SDP answer (a response: status and reason). */
export const OK_200 = msg([
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.101;rport=5060',
  'Record-Route: <sip:proxy.atlanta.example.com;lr>',
  'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:bob@192.0.2.4>',
  'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, UPDATE, PRACK',
  'Supported: timer',
  'Session-Expires: 1800;refresher=uac',
  'Content-Type: application/sdp',
  'Content-Length: {{LEN}}',
], SDP.replace(/alice/g, 'bob').replace(/192\.0\.2\.101/g, '192.0.2.4'));

/** A BYE written with compact header names (RFC 3261 §7.3.3), as some mobile clients send. */
export const COMPACT_BYE = msg([
  'BYE sip:alice@pc33.atlanta.example.com SIP/2.0',
  'v: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10;rport',
  'Max-Forwards: 70',
  'f: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  't: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
  'i: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 231 BYE',
  'm: <sip:bob@192.0.2.4>',
  'l: {{LEN}}',
]);
