/**
 * Example metadata documents for the tests, written for tsip in the shapes of
 * RFC 7865 §9 and of documents vendors' SRCs send (ids and values invented).
 */

/** Complete snapshot in the style of the RFC 7865 example: group, session, 2 participants, 4 streams, extensions. */
export const RFC_COMPLETE = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns='urn:ietf:params:xml:ns:recording:1'>
  <datamode>complete</datamode>
  <group group_id="7+OTCyoxTmqmqyA/1weDAg==">
    <associate-time>2010-12-16T23:41:07Z</associate-time>
    <!-- Standardized extension -->
    <call-center xmlns='urn:ietf:params:xml:ns:callcenter'>
      <supervisor>sip:alice@atlanta.com</supervisor>
    </call-center>
    <mydata xmlns='http://example.com/my'>
      <structure>FOO!</structure>
      <whatever>bar</whatever>
    </mydata>
  </group>
  <session session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID>
    <group-ref>7+OTCyoxTmqmqyA/1weDAg==</group-ref>
    <start-time>2010-12-16T23:41:07Z</start-time>
    <mydata xmlns='http://example.com/my'>
      <structure>FOO!</structure>
      <whatever>bar</whatever>
    </mydata>
  </session>
  <participant participant_id="srfBElmCRp2QB23b7Mpk0w==">
    <nameID aor="sip:bob@biloxi.com">
      <name xml:lang="it">Bob</name>
    </nameID>
  </participant>
  <participant participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
    <nameID aor="sip:alice@atlanta.com">
      <name xml:lang="it">Alice</name>
    </nameID>
  </participant>
  <stream stream_id="UAAMm5GRQKSCMVvLyl4rFw==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <label>96</label>
  </stream>
  <stream stream_id="i1Pz3to5hGk8fuXl+PbwCw==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <label>97</label>
  </stream>
  <stream stream_id="8zc6e0lYTlWIINA6GR+3ag==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <label>98</label>
  </stream>
  <stream stream_id="EiXGlc+4TruqqoDaNE76ag==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <label>99</label>
  </stream>
  <sessionrecordingassoc session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <associate-time>2010-12-16T23:41:07Z</associate-time>
  </sessionrecordingassoc>
  <participantsessionassoc participant_id="srfBElmCRp2QB23b7Mpk0w==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <associate-time>2010-12-16T23:41:07Z</associate-time>
  </participantsessionassoc>
  <participantsessionassoc participant_id="zSfPoSvdSDCmU3A3TRDxAw==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <associate-time>2010-12-16T23:41:07Z</associate-time>
  </participantsessionassoc>
  <participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w==">
    <send>i1Pz3to5hGk8fuXl+PbwCw==</send>
    <send>UAAMm5GRQKSCMVvLyl4rFw==</send>
    <recv>8zc6e0lYTlWIINA6GR+3ag==</recv>
    <recv>EiXGlc+4TruqqoDaNE76ag==</recv>
  </participantstreamassoc>
  <participantstreamassoc participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
    <send>8zc6e0lYTlWIINA6GR+3ag==</send>
    <send>EiXGlc+4TruqqoDaNE76ag==</send>
    <recv>UAAMm5GRQKSCMVvLyl4rFw==</recv>
    <recv>i1Pz3to5hGk8fuXl+PbwCw==</recv>
  </participantstreamassoc>
</recording>
`;

/** Partial update: Alice puts the call on hold (her send omitted). */
export const RFC_PARTIAL_HOLD = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns='urn:ietf:params:xml:ns:recording:1'>
  <datamode>partial</datamode>
  <participantstreamassoc participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
    <recv>UAAMm5GRQKSCMVvLyl4rFw==</recv>
    <recv>i1Pz3to5hGk8fuXl+PbwCw==</recv>
  </participantstreamassoc>
</recording>
`;

/** Partial update: Bob leaves, Carol joins and a stream she sends is added. */
export const RFC_PARTIAL_JOIN_LEAVE = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns='urn:ietf:params:xml:ns:recording:1'>
  <datamode>partial</datamode>
  <participant participant_id="EiXGlc+4TruqqoDaNE77ag==">
    <nameID aor="sip:carol@chicago.com"><name xml:lang="en">Carol</name></nameID>
  </participant>
  <stream stream_id="newStreamCarolAAAAAAAA==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <label>100</label>
  </stream>
  <participantsessionassoc participant_id="srfBElmCRp2QB23b7Mpk0w==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <disassociate-time>2010-12-16T23:45:10Z</disassociate-time>
  </participantsessionassoc>
  <participantsessionassoc participant_id="EiXGlc+4TruqqoDaNE77ag==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
    <associate-time>2010-12-16T23:45:12Z</associate-time>
  </participantsessionassoc>
  <participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w==">
    <disassociate-time>2010-12-16T23:45:10Z</disassociate-time>
  </participantstreamassoc>
  <participantstreamassoc participant_id="EiXGlc+4TruqqoDaNE77ag==">
    <send>newStreamCarolAAAAAAAA==</send>
    <recv>8zc6e0lYTlWIINA6GR+3ag==</recv>
    <associate-time>2010-12-16T23:45:12Z</associate-time>
  </participantstreamassoc>
</recording>
`;

/** Oracle / Acme Packet draft-era document with apkt extension data. */
export const ACME_LEGACY = `<?xml version='1.0' encoding='UTF-8'?>
<recording xmlns='urn:ietf:params:xml:ns:recording'>
  <dataMode>complete</dataMode>
  <session id="urn:uuid:b0a4d1a6-1c3b-4b59-9c4e-2f5b3a1e9d01">
    <associate-time>2013-05-13T17:16:11</associate-time>
  </session>
  <participant id="urn:uuid:a1d3c9e2-0f7b-4c1e-8e6d-5a4b3c2d1e0f" session="urn:uuid:b0a4d1a6-1c3b-4b59-9c4e-2f5b3a1e9d01">
    <nameID aor="sip:+15551234567@10.0.0.1">
      <name>Alice</name>
    </nameID>
    <send>urn:uuid:5a4b3c2d-0000-4000-8000-000000000001</send>
    <recv>urn:uuid:5a4b3c2d-0000-4000-8000-000000000002</recv>
    <associate-time>2013-05-13T17:16:11</associate-time>
  </participant>
  <participant id="urn:uuid:f0e1d2c3-b4a5-4697-8877-665544332211" session="urn:uuid:b0a4d1a6-1c3b-4b59-9c4e-2f5b3a1e9d01">
    <nameID aor="sip:5559876@10.0.0.2">
      <name>Bob</name>
    </nameID>
    <send>urn:uuid:5a4b3c2d-0000-4000-8000-000000000002</send>
    <recv>urn:uuid:5a4b3c2d-0000-4000-8000-000000000001</recv>
    <associate-time>2013-05-13T17:16:11</associate-time>
  </participant>
  <stream id="urn:uuid:5a4b3c2d-0000-4000-8000-000000000001" session="urn:uuid:b0a4d1a6-1c3b-4b59-9c4e-2f5b3a1e9d01">
    <label>1</label>
    <mode>separate</mode>
  </stream>
  <stream id="urn:uuid:5a4b3c2d-0000-4000-8000-000000000002" session="urn:uuid:b0a4d1a6-1c3b-4b59-9c4e-2f5b3a1e9d01">
    <label>2</label>
    <mode>separate</mode>
  </stream>
  <extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata">
    <apkt:ucid>00FA080018803B69810C63;encoding=hex</apkt:ucid>
    <apkt:callerOrig>true</apkt:callerOrig>
  </extensiondata>
</recording>
`;

/** Cisco-style RFC document: prefixed recording namespace, vendor prefix declared on the root. */
export const CISCO_PREFIXED = `<?xml version="1.0" encoding="UTF-8"?>
<rs:recording xmlns:rs="urn:ietf:params:xml:ns:recording:1" xmlns:ccext="http://cisco.com/siprec/ext">
  <rs:datamode>complete</rs:datamode>
  <rs:session session_id="YVBcVi6EEeGbr7UzlVJEBw==">
    <rs:sipSessionID>4f7f2a6e9a1c5c3b8d2e1f0a9b8c7d6e;remote=00000000000000000000000000000000</rs:sipSessionID>
    <rs:start-time>2024-02-01T09:00:00.123Z</rs:start-time>
    <ccext:ccid>12345678</ccext:ccid>
  </rs:session>
  <rs:participant participant_id="Wk5l4i6EEeGbr7UzlVJEBw==">
    <rs:nameID aor="sip:1001@cube.example.com"/>
    <ccext:callingParty>true</ccext:callingParty>
  </rs:participant>
  <rs:stream stream_id="Wk5l5C6EEeGbr7UzlVJEBw==" session_id="YVBcVi6EEeGbr7UzlVJEBw==">
    <rs:label>1</rs:label>
  </rs:stream>
  <rs:participantstreamassoc participant_id="Wk5l4i6EEeGbr7UzlVJEBw==">
    <rs:send>Wk5l5C6EEeGbr7UzlVJEBw==</rs:send>
  </rs:participantstreamassoc>
</rs:recording>
`;

/** NICE-style extension with its own default namespace and nested elements, plus AudioCodes attributes. */
export const NICE_AND_AUDIOCODES = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1" xmlns:ac="http://AudioCodes">
  <datamode>complete</datamode>
  <session session_id="s-1">
    <interaction xmlns="http://www.nice.com/siprec/1">
      <interactionId>987654321</interactionId>
      <agent id="42">Agent &amp; Co</agent>
    </interaction>
  </session>
  <participant participant_id="+14155550100">
    <nameID aor="tel:+14155550100"><name>Caller</name></nameID>
    <ac:AudioCodes ac:version="7.4"><ac:CallerRole>customer</ac:CallerRole></ac:AudioCodes>
  </participant>
</recording>
`;
