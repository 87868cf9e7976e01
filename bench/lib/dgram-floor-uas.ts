/**
 * The floor of any Node UAS on UDP, for bench/uas.bench.ts: a `node:dgram` socket that answers
 * `sipp -sn uac` with the least work that keeps SIPp's calls succeeding — a 200 to each INVITE
 * and BYE built from the request's Via, From, To (plus a fixed tag), Call-ID and CSeq lines, and
 * nothing for an ACK. No parser, no transactions, no retransmission absorption, no dialogs: it is
 * not a SIP stack but what the same machine costs a Node process per call for the datagrams alone
 * (a receive and a send per request, latin1 decode and encode), so the uas bench can say how much
 * of tsip's gap to SIPp's ceiling is tsip's and how much is Node's UDP I/O.
 *
 *   node dgram-floor-uas.js PORT      (prints "listening PORT" once bound; SIGTERM ends it)
 */
import { createSocket } from 'node:dgram';

const port = Number(process.argv[2] ?? 0);
const sock = createSocket('udp4');

/** The header lines a response copies from its request (RFC 3261 §8.2.6.2), long and compact forms. */
const COPIED = /^(?:via|v|from|f|call-id|i|cseq)\s*:/i;
const TO = /^(?:to|t)\s*:/i;

sock.on('message', (msg, from) => {
  const text = msg.toString('latin1');
  if (text.startsWith('ACK ')) return;
  const headEnd = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, headEnd < 0 ? text.length : headEnd).split('\r\n');
  let out = 'SIP/2.0 200 OK\r\n';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (COPIED.test(line)) out += line + '\r\n';
    else if (TO.test(line)) out += line.includes(';tag=') ? line + '\r\n' : line + ';tag=floor\r\n';
  }
  if (text.startsWith('INVITE ')) out += `Contact: <sip:floor@127.0.0.1:${sock.address().port}>\r\n`;
  out += 'Content-Length: 0\r\n\r\n';
  sock.send(Buffer.from(out, 'latin1'), from.port, from.address);
});
sock.on('error', (err) => {
  console.error(err.message);
  process.exit(1);
});
sock.bind(port, '127.0.0.1', () => console.log(`listening ${sock.address().port}`));
process.on('SIGTERM', () => sock.close(() => process.exit(0)));
