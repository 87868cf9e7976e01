/**
 * `tsip parse FILE`: parses a SIP message from a file and prints what a UA reads from it: the start
 * line, a summary of the header fields, and for a SIPREC INVITE (RFC 7866) the recording indications,
 * each SDP stream with its label and the RFC 7865 metadata tying participants to those streams.
 * samples/parse-siprec-invite.ts is a thin wrapper around it.
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { SipParseError, mediaDirection, mediaLabel, parseMessage, parseMultipart, parseSdp, type BodyPart, type SipRequest, type SipResponse } from '../message/index.js';
import { MetadataError, parseMetadata } from '../siprec/metadata/index.js';
import { numberOption, parseCommandArgs } from './args.js';
import { CliExit, type CliCommand } from './command.js';

/** Largest file `tsip parse` reads unless `--max-bytes` says otherwise. */
export const DEFAULT_MAX_MESSAGE_FILE_BYTES = 1024 * 1024;

/**
 * The wire bytes of a message file. A file without any CR is taken as hand-written: its LF line ends
 * become CRLF, and a `Content-Length: LENGTH` placeholder gets the body's real length, so example
 * messages stay readable. A file with CRs (a capture, the RFC 4475 corpus) is used byte for byte.
 */
export function messageBytes(file: Buffer): Buffer {
  if (file.includes(0x0d)) return file;
  const text = file.toString('utf8').replace(/\n/g, '\r\n');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return Buffer.from(text, 'utf8');
  const body = text.slice(split + 4);
  const head = text.slice(0, split).replace(/^(Content-Length|l)([ \t]*:[ \t]*)LENGTH(?=\r|$)/im, (_m, name: string, colon: string) => `${name}${colon}${Buffer.byteLength(body)}`);
  return Buffer.from(`${head}\r\n\r\n${body}`, 'utf8');
}

/** `15 header fields: Via ×3, From, To, ...`: each name once, in order of first appearance, with its count. */
function headerSummary(msg: SipRequest | SipResponse): string {
  const counts = new Map<string, number>();
  let total = 0;
  for (const [name] of msg.headers) {
    counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1);
    total++;
  }
  const names = msg.headers.fieldNames().map((n) => {
    const c = counts.get(n.toLowerCase()) ?? 1;
    return c > 1 ? `${n} ×${c}` : n;
  });
  return `${total} header field${total === 1 ? '' : 's'}: ${names.join(', ')}`;
}

/** Lines describing one body part: its type, and for SDP / RFC 7865 metadata what is inside. */
function describePart(part: Pick<BodyPart, 'contentType' | 'body' | 'disposition'>): string[] {
  const type = part.contentType?.toString() ?? 'text/plain';
  const lines = [`  part ${type}${part.disposition ? `; disposition ${part.disposition.type}` : ''} (${part.body.length} bytes)`];
  if (type.startsWith('application/sdp')) {
    const sdp = parseSdp(part.body);
    for (const m of sdp.media) {
      lines.push(`    m=${m.type} port ${m.port} codecs ${m.rtp.map((r) => r.codec).join('/') || String(m.payloads ?? '-')} label ${mediaLabel(m) ?? '-'} ${mediaDirection(m, sdp)}`);
    }
  } else if (type.startsWith('application/rs-metadata+xml')) {
    const md = parseMetadata(part.body);
    const name = (id: string) => md.participants.find((p) => p.participantId === id)?.nameIds[0];
    const label = (streamId: string) => md.streams.find((s) => s.streamId === streamId)?.label ?? streamId;
    lines.push(`    metadata ${md.dataMode}: ${md.sessions.length} session, ${md.participants.length} participants, ${md.streams.length} streams`);
    for (const a of md.participantStreamAssocs) {
      const n = name(a.participantId);
      lines.push(`    ${n?.names[0]?.text ?? a.participantId} <${n?.aor ?? '?'}> sends label ${a.send.map(label).join(',') || '-'}, receives label ${a.recv.map(label).join(',') || '-'}`);
    }
  }
  return lines;
}

/**
 * What `tsip parse` prints for a message, one string per line.
 * @throws SipParseError for a message a UA must reject (or whose core header fields do not parse);
 *   MetadataError for bad RFC 7865 metadata in the body.
 */
export function describeMessage(wire: Buffer): string[] {
  const msg = parseMessage(wire);
  const lines = [msg.startLine(), `  ${headerSummary(msg)}`];
  // the core fields parse lazily: reading them here makes a malformed one an error of this command
  const cseq = msg.cseq;
  const tags = [`From tag ${msg.from.tag ?? '-'}`, `To tag ${msg.to.tag ?? '-'}`].join(', ');
  lines.push(`  Call-ID ${msg.callId}, CSeq ${cseq.seq} ${cseq.method}, ${tags}, ${msg.via.length} Via`);
  if (msg.isRequest() && msg.method === 'INVITE') {
    // RFC 7866 §6.1: a SIPREC INVITE carries Require: siprec and the +sip.src Contact feature tag
    const contact = msg.contact[0];
    lines.push(`  Require: ${msg.require.join(', ') || '-'}  (siprec: ${msg.require.includes('siprec')})`);
    lines.push(`  Contact ${contact === undefined ? '-' : contact.toString()}  (+sip.src: ${contact !== undefined && contact !== '*' && contact.params.has('+sip.src')})`);
  }
  const ct = msg.contentType;
  if (ct !== undefined && msg.body.length > 0) {
    const parts = ct.type === 'multipart' ? parseMultipart(msg.body, ct) : [{ contentType: ct, body: msg.body, disposition: undefined }];
    for (const part of parts) lines.push(...describePart(part));
  }
  return lines;
}

const HELP = `usage: tsip parse [--max-bytes N] FILE

Parses the SIP message in FILE and prints its start line, a summary of its header fields
(names in order, with counts), Call-ID, CSeq, tags, and each body part. For a SIPREC INVITE
(RFC 7866) it prints the recording indications (Require: siprec, Contact ;+sip.src), each
SDP stream with its a=label and direction, and the RFC 7865 metadata participants with the
labels they send and receive.

A file without any CR is taken as hand-written: LF line ends become CRLF and a
"Content-Length: LENGTH" placeholder gets the body's length. Otherwise the bytes are used as
they are (e.g. the RFC 4475 messages in test/conformance/rfc4475).

options:
  --max-bytes N   largest file read (default ${DEFAULT_MAX_MESSAGE_FILE_BYTES})

exit codes:
  0  the message parsed
  1  the message must be rejected (the parse error is printed), or FILE cannot be read
  2  bad arguments`;

/** `tsip parse FILE`. */
export const parseCommand: CliCommand = {
  name: 'parse',
  summary: 'parse a SIP message file; show its headers and, for a SIPREC INVITE, streams and participants',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { 'max-bytes': { type: 'string' } }, { min: 1, max: 1 });
    const maxBytes = numberOption('max-bytes', values['max-bytes'], { min: 1, integer: true }) ?? DEFAULT_MAX_MESSAGE_FILE_BYTES;
    const file = positionals[0];
    let data: Buffer;
    try {
      const size = statSync(file).size;
      if (size > maxBytes) throw new Error(`${size} bytes is more than --max-bytes ${maxBytes}`);
      data = readFileSync(file);
    } catch (e) {
      console.error(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return CliExit.Failed;
    }
    try {
      for (const line of describeMessage(messageBytes(data))) console.log(line);
      return CliExit.Ok;
    } catch (e) {
      if (e instanceof SipParseError || e instanceof MetadataError) {
        console.error(`cannot read ${file}: ${e.reason}`);
        return CliExit.Failed;
      }
      throw e;
    }
  },
};
