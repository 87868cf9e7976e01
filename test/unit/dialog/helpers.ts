/** Message fixtures for the dialog tests. */
import { parseMessage, type SipRequest, type SipResponse } from '../../../lib/message/index.js';

/** Parses a request written with \n line ends. */
export function req(text: string): SipRequest {
  const m = parseMessage(fix(text));
  if (!m.isRequest()) throw new Error('not a request');
  return m;
}

/** Parses a response written with \n line ends. */
export function res(text: string): SipResponse {
  const m = parseMessage(fix(text));
  if (m.isRequest()) throw new Error('not a response');
  return m;
}

function fix(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n').map((l) => l.trim());
  const body = lines.indexOf('');
  const head = body < 0 ? lines : lines.slice(0, body);
  const rest = body < 0 ? '' : lines.slice(body + 1).join('\r\n');
  return head.join('\r\n') + '\r\n\r\n' + rest;
}

/** The INVITE Alice sends (RFC 3665-like). */
export function invite(extra = ''): SipRequest {
  return req(`
    INVITE sip:bob@biloxi.example.com SIP/2.0
    Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9
    Max-Forwards: 70
    From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
    To: Bob <sip:bob@biloxi.example.com>
    Call-ID: 3848276298220188511@atlanta.example.com
    CSeq: 1 INVITE
    Contact: <sip:alice@client.atlanta.example.com;transport=udp>
    ${extra}
    Content-Length: 0
  `.replace(/\n\s*\n(\s*Content-Length)/, '\n$1'));
}

/** A response to `invite()` as Bob's UA sends it through two record-routing proxies. */
export function answer(status: number, toTag: string | undefined, opts: { contact?: string; rr?: string[]; cseq?: string } = {}): SipResponse {
  const rr = (opts.rr ?? ['<sip:ss2.biloxi.example.com;lr>', '<sip:ss1.atlanta.example.com;lr>']).map((r) => `Record-Route: ${r}`).join('\n');
  return res(`
    SIP/2.0 ${status} Whatever
    Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9
    ${rr}
    From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
    To: Bob <sip:bob@biloxi.example.com>${toTag === undefined ? '' : ';tag=' + toTag}
    Call-ID: 3848276298220188511@atlanta.example.com
    CSeq: ${opts.cseq ?? '1 INVITE'}
    Contact: ${opts.contact ?? '<sip:bob@client.biloxi.example.com>'}
    Content-Length: 0
  `.replace(/\n\s*\n(\s*From)/, '\n$1'));
}
