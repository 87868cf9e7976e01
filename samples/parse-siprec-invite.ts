/**
 * Parses a SIPREC INVITE (RFC 7866) and prints what a recording server reads from it: the
 * recording indications in the headers, each SDP stream with its label, and the RFC 7865
 * metadata tying participants to those streams.
 *
 *   npx tsx samples/parse-siprec-invite.ts [file]     (default: samples/data/siprec-invite.sip)
 *
 * The file may use LF line ends and the word LENGTH for Content-Length: the sample fixes both,
 * so hand-written messages stay readable.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SipParseError, mediaDirection, mediaLabel, parseMessage, parseMultipart, parseSdp } from '../lib/message/index.js';
import { MetadataError, parseMetadata } from '../lib/siprec/metadata/index.js';

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'data/siprec-invite.sip');
const text = readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n');
const split = text.indexOf('\r\n\r\n');
const body = text.slice(split + 4);
const wire = text.slice(0, split).replace('Content-Length: LENGTH', `Content-Length: ${Buffer.byteLength(body)}`) + '\r\n\r\n' + body;

try {
  const msg = parseMessage(wire);
  if (!msg.isRequest()) throw new SipParseError('not a request');
  const contact = msg.contact[0];
  console.log(`${msg.method} ${msg.uri.toString()}`);
  console.log(`  Call-ID ${msg.callId}, CSeq ${msg.cseq.seq} ${msg.cseq.method}, From tag ${msg.from.tag}`);
  console.log(`  Require: ${msg.require.join(', ') || '-'}  (siprec: ${msg.require.includes('siprec')})`);
  console.log(`  Contact ${contact === undefined ? '-' : contact.toString()}  (+sip.src: ${contact !== undefined && contact !== '*' && contact.params.has('+sip.src')})`);
  const ct = msg.contentType;
  if (ct === undefined) throw new SipParseError('no body');
  const parts = ct.type === 'multipart' ? parseMultipart(msg.body, ct) : [{ contentType: ct, body: msg.body, disposition: undefined }];
  for (const part of parts) {
    const type = part.contentType?.toString() ?? 'text/plain';
    console.log(`  part ${type}${part.disposition ? `; disposition ${part.disposition.type}` : ''} (${part.body.length} bytes)`);
    if (type.startsWith('application/sdp')) {
      for (const m of parseSdp(part.body).media) {
        console.log(`    m=${m.type} port ${m.port} codecs ${m.rtp.map((r) => r.codec).join('/')} label ${mediaLabel(m) ?? '-'} ${mediaDirection(m)}`);
      }
    } else if (type.startsWith('application/rs-metadata+xml')) {
      const md = parseMetadata(part.body);
      const name = (id: string) => md.participants.find((p) => p.participantId === id)?.nameIds[0];
      const label = (streamId: string) => md.streams.find((s) => s.streamId === streamId)?.label ?? streamId;
      console.log(`    metadata ${md.dataMode}: ${md.sessions.length} session, ${md.participants.length} participants, ${md.streams.length} streams`);
      for (const a of md.participantStreamAssocs) {
        const n = name(a.participantId);
        console.log(`    ${n?.names[0]?.text ?? a.participantId} <${n?.aor ?? '?'}> sends label ${a.send.map(label).join(',') || '-'}, receives label ${a.recv.map(label).join(',') || '-'}`);
      }
    }
  }
} catch (e) {
  if (e instanceof SipParseError || e instanceof MetadataError) {
    console.error(`cannot read ${file}: ${e.reason}`);
    process.exit(1);
  }
  throw e;
}
