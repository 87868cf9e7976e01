/**
 * SIP messages as text for CallSignalingMessageLogEvent, rendered from what the API exposes of a
 * request or response (start line, From/To/Call-ID/CSeq, the app's headers and the body).
 */
import type { RequestElementsView, ResponseElementsView, MessageElementsView } from '../../../include-types/api.js';

function tail(me: MessageElementsView): string {
  let out = '';
  for (const h of me.userHeaders) out += `${h.name}: ${h.value}\r\n`;
  if (me.contentType !== undefined) out += `Content-Type: ${me.contentType}\r\n`;
  const body = me.content ?? Buffer.alloc(0);
  out += `Content-Length: ${body.length}\r\n\r\n`;
  return out + body.toString('utf8');
}

/** A request as text. */
export function requestText(r: RequestElementsView & { callId?: string; cseq?: { seq: number; method: string } }): string {
  // NOTE (deviation): Via and Max-Forwards are the stack's and not visible through the API.
  let out = `${r.method} ${r.remoteUri} SIP/2.0\r\n`;
  if (r.fromHeader) out += `From: ${r.fromHeader}\r\n`;
  if (r.toHeader) out += `To: ${r.toHeader}\r\n`;
  if (r.callId) out += `Call-ID: ${r.callId}\r\n`;
  if (r.cseq) out += `CSeq: ${r.cseq.seq} ${r.cseq.method}\r\n`;
  return out + tail(r.messageElements);
}

/** A response as text. */
export function responseText(r: ResponseElementsView): string {
  let out = `SIP/2.0 ${r.statusCode} ${r.reasonPhrase}\r\n`;
  if (r.fromHeader) out += `From: ${r.fromHeader}\r\n`;
  if (r.toHeader) out += `To: ${r.toHeader}\r\n`;
  if (r.callId) out += `Call-ID: ${r.callId}\r\n`;
  if (r.cseq) out += `CSeq: ${r.cseq.seq} ${r.cseq.method}\r\n`;
  return out + tail(r.messageElements);
}
