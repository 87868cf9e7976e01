/**
 * Writing a message to octets.
 * @module
 */
import type { SipMessage } from './message.js';

/**
 * Serializes a message: start line, header fields in order (canonical names), a Content-Length
 * computed from the body (RFC 3261 §18.3 / §20.14, replacing any written one in place, or added
 * at the end), the empty line and the body.
 * @throws TypeError if the start line would contain CR or LF (e.g. a hand-built URI).
 */
export function serializeMessage(msg: SipMessage): Buffer {
  const h = msg.headers;
  const clAt = h.indexOfKey('content-length');
  const start = msg.startLine();
  // a URI or reason built by the application must not smuggle in header lines
  if (start.indexOf('\r') >= 0 || start.indexOf('\n') >= 0) throw new TypeError('start line contains CR or LF');
  let head = start + '\r\n';
  if (clAt < 0) {
    head += h.writeTo() + 'Content-Length: ' + msg.body.length + '\r\n\r\n';
  } else {
    head += h.writeTo('content-length', 'Content-Length: ' + msg.body.length + '\r\n') + '\r\n';
  }
  if (msg.body.length === 0) return Buffer.from(head, 'utf8');
  const headLen = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLen + msg.body.length);
  out.write(head, 0, 'utf8');
  msg.body.copy(out, headLen);
  return out;
}
