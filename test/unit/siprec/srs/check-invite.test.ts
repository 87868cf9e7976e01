import t from 'tap';
import { buildOfferSdp, buildRecordingBody } from '../../../../lib/siprec/body/index.js';
import { MetadataBuilder } from '../../../../lib/siprec/metadata/index.js';
import { checkRecordingBody, checkRecordingInvite, type CheckOptions } from '../../../../lib/siprec/srs/index.js';

const opts: CheckOptions = { codecs: ['PCMU', 'PCMA'], requireMetadata: false };
const g711Only: CheckOptions = { ...opts, media: { kinds: ['audio'], rawCodecs: [], msrp: false } };
const sdp = buildOfferSdp([{ label: '1', port: 30000 }, { label: '2', port: 30002 }], { address: '127.0.0.1', sessionId: 1, version: 1 });
const meta = new MetadataBuilder({ participants: [{ key: 'a', aor: 'sip:a@x' }], streams: [{ label: '1', sender: 'a' }] }).completeXml();

function req(headers: Record<string, string[]>, body?: { body: Buffer; contentType: string }) {
  return { headerValues: (n: string) => headers[n.toLowerCase()] ?? [], content: body?.body, contentType: body?.contentType };
}
const siprec = { require: ['siprec'], contact: ['<sip:src@127.0.0.1>;+sip.src'] };

t.test('a good SIPREC INVITE passes with its streams and metadata', async (t) => {
  const v = checkRecordingInvite(req(siprec, buildRecordingBody(sdp, meta)), opts);
  t.ok(v.ok);
  if (v.ok) {
    t.same(v.recordable.map((s) => s.label), ['1', '2']);
    t.equal(v.metadata?.parsed.participants.length, 1);
    t.equal(v.metadata?.raw.toString(), meta, 'metadata kept as received');
  }
});

t.test('each check names its response', async (t) => {
  const cases: [string, ReturnType<typeof req>, number, CheckOptions?][] = [
    ['no Require: siprec', req({ contact: siprec.contact }, buildRecordingBody(sdp, meta)), 488],
    ['no +sip.src', req({ require: ['siprec'], contact: ['<sip:src@h>'] }, buildRecordingBody(sdp, meta)), 488],
    ['malformed metadata', req(siprec, buildRecordingBody(sdp, '<recording xmlns="urn:ietf:params:xml:ns:recording:1"><session>')), 400],
    ['metadata with a dangling reference', req(siprec, buildRecordingBody(sdp, meta.replace(/<stream stream_id="[^"]+" session_id="[^"]+"/, '<stream stream_id="s" session_id="nope"'))), 400],
    ['metadata required and absent', req(siprec, buildRecordingBody(sdp, undefined)), 400, { ...opts, requireMetadata: true }],
    ['codec not stored (G.711-only SRS)', req(siprec, buildRecordingBody(sdp.replace(/RTP\/AVP 0 8/g, 'RTP/AVP 18'), meta)), 488, g711Only],
    ['only SRTP streams (no keys to record them)', req(siprec, buildRecordingBody(sdp.replace(/RTP\/AVP/g, 'RTP/SAVP'), meta)), 488],
    ['broken multipart', req(siprec, { body: Buffer.from('garbage'), contentType: 'multipart/mixed;boundary=x' }), 400],
    ['unknown body type', req(siprec, { body: Buffer.from('x'), contentType: 'text/plain' }), 415],
  ];
  for (const [name, r, status, o] of cases) {
    const v = checkRecordingInvite(r, o ?? opts);
    t.equal(v.ok, false, name);
    if (!v.ok) {
      t.equal(v.status, status, `${name}: ${status}`);
      t.notMatch(v.reason, /[\r\n]/, `${name}: reason fits a status line`);
    }
  }
});

t.test('in a dialog: metadata-only update passes, a paused offer passes', async (t) => {
  const v = checkRecordingBody(req({}, buildRecordingBody(undefined, meta)), opts, true);
  t.ok(v.ok && v.offer === undefined && v.metadata !== undefined);
  const paused = buildOfferSdp([{ label: '1', port: 30000 }], { address: '127.0.0.1', sessionId: 1, version: 2, paused: true });
  const p = checkRecordingBody(req({}, buildRecordingBody(paused, undefined)), opts, true);
  t.ok(p.ok && p.offer?.streams[0].direction === 'inactive');
});

t.test('tolerant as SRCs in the field need (SIPREC-NOTES §3.3)', async (t) => {
  // Oracle/Acme Packet draft-era document, AudioCodes' application/rs-metadata, bare-LF multipart.
  const draft = '<?xml version="1.0"?>\n<recording xmlns="urn:ietf:params:xml:ns:recording">\n<dataMode>complete</dataMode>\n' +
    '<session id="s1"><start-time>2026-11-25T07:00:00Z</start-time></session>\n' +
    '<participant id="p1" session="s1"><nameID aor="sip:alice@example.com"/><send>st1</send></participant>\n' +
    '<stream id="st1" session="s1"><label>1</label><mode>separate</mode></stream>\n</recording>\n';
  const body = Buffer.from(`--b\nContent-Type: application/sdp\n\n${sdp.replace(/\r\n/g, '\n')}\n--b\nContent-Type: application/rs-metadata\nContent-Disposition: recording-session\n\n${draft}\n--b--\n`);
  const v = checkRecordingInvite(req(siprec, { body, contentType: 'multipart/mixed; boundary=b' }), opts);
  t.ok(v.ok, 'accepted');
  if (v.ok) {
    t.equal(v.metadata?.parsed.participants[0].nameIds[0].aor, 'sip:alice@example.com');
    t.equal(v.metadata?.parsed.streams[0].label, '1');
    t.same(v.recordable.map((s) => s.label), ['1', '2']);
  }
  const noMeta = checkRecordingInvite(req(siprec, buildRecordingBody(sdp, undefined)), opts);
  t.ok(noMeta.ok, 'an INVITE without metadata is accepted (RFC 7866 §9.1: it may come later)');
});
