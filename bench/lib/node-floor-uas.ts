/**
 * The floor of any Node UAS, for bench/uas.bench.ts: `node:dgram` and `node:net` sockets on one
 * port that answer `sipp -sn uac` with the least work that keeps SIPp's calls succeeding — a 200
 * to each INVITE and BYE built from the request's Via, From, To (plus a fixed tag), Call-ID and
 * CSeq lines, and nothing for an ACK. No parser beyond that, no transactions, no retransmission
 * absorption, no dialogs: it is not a SIP stack but what the same machine costs a Node process per
 * call for the I/O alone (a receive and a send per request over UDP; over TCP, reads framed by
 * Content-Length and the answers of one read written corked, as tsip writes them), so the uas
 * bench can say how much of tsip's gap to SIPp's ceiling is tsip's and how much is Node's.
 *
 *   node node-floor-uas.js PORT      (UDP and TCP on 127.0.0.1:PORT; SIGTERM ends it)
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const port = Number(process.argv[2]);
if (!(port > 0)) throw new Error('usage: node node-floor-uas.js PORT');

/** The header lines a response copies from its request (RFC 3261 §8.2.6.2), long and compact forms. */
const COPIED = /^(?:via|v|from|f|call-id|i|cseq)\s*:/i;
const TO = /^(?:to|t)\s*:/i;
const CONTENT_LENGTH = /\r\n(?:content-length|l)\s*:\s*(\d+)/i;

/** The 200 for the request whose head is `head` (start line and header lines, no empty line); '' for an ACK. */
function answer(head: string, transport: 'UDP' | 'TCP'): string {
  if (head.startsWith('ACK ')) return '';
  const lines = head.split('\r\n');
  let out = 'SIP/2.0 200 OK\r\n';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (COPIED.test(line)) out += line + '\r\n';
    else if (TO.test(line)) out += line.includes(';tag=') ? line + '\r\n' : line + ';tag=floor\r\n';
  }
  if (head.startsWith('INVITE ')) out += `Contact: <sip:floor@127.0.0.1:${port};transport=${transport.toLowerCase()}>\r\n`;
  return out + 'Content-Length: 0\r\n\r\n';
}

const udp = createSocket('udp4');
udp.on('message', (msg, from) => {
  const text = msg.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  const out = answer(text.slice(0, headEnd < 0 ? text.length : headEnd), 'UDP');
  if (out !== '') udp.send(Buffer.from(out, 'latin1'), from.port, from.address);
});

const tcp = createServer((conn) => {
  let pending = '';
  conn.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    let out = '';
    for (;;) {
      const headEnd = pending.indexOf('\r\n\r\n');
      if (headEnd < 0) break;
      const head = pending.slice(0, headEnd);
      const m = CONTENT_LENGTH.exec(head);
      const end = headEnd + 4 + (m ? Number(m[1]) : 0);
      if (pending.length < end) break;
      pending = pending.slice(end);
      out += answer(head, 'TCP');
    }
    if (out !== '') conn.write(Buffer.from(out, 'latin1'));
  });
  conn.on('error', () => conn.destroy());
});

const fail = (err: Error): void => {
  console.error(err.message);
  process.exit(1);
};
udp.on('error', fail);
tcp.on('error', fail);
udp.bind(port, '127.0.0.1');
tcp.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
