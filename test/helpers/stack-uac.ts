/**
 * A minimal UAC on the SipStack for system and interop tests: places a call (INVITE, ACK for the
 * 2xx, BYE after a hold time) and sends stand-alone requests, reporting final statuses.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { NameAddr, SipRequest, SipUri, newTag, parseMessage, type SipResponse } from '../../lib/message/index.js';
import type { SipStack, StackUser } from '../../lib/stack/index.js';
import { createUacDialog } from '../../lib/dialog/dialog-factory.js';
import type { SipError } from '../../include-types/errors.js';

/** A StackUser that claims nothing: a UAC does not take incoming requests. */
export function silentUser(uid: string): StackUser {
  return { uid, methods: [], claim: () => undefined, onRequest: () => undefined };
}

/** How a request ended. */
export interface RequestOutcome {
  status?: number;
  error?: SipError;
  provisional: number[];
  response?: SipResponse;
}

/** Builds an out-of-dialog request the way the API layer does (Call-ID, tags, CSeq, Max-Forwards). */
export function buildRequest(method: string, to: string, from = 'sip:uac@tsip.test', contact?: string): SipRequest {
  const req = new SipRequest({ method, uri: to });
  req.headers.set('Max-Forwards', '70');
  req.headers.set('From', `<${from}>;tag=${newTag()}`);
  req.headers.set('To', `<${to}>`);
  req.headers.set('Call-ID', randomBytes(10).toString('hex') + '@tsip.test');
  req.headers.set('CSeq', `1 ${method}`);
  if (contact !== undefined) req.headers.set('Contact', `<${contact}>`);
  return req;
}

/** Sends a request and resolves with its final response or error. */
export function request(stack: SipStack, iapId: string, req: SipRequest): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    const out: RequestOutcome = { provisional: [] };
    stack.send(iapId, req, {
      onProvisional: (r) => out.provisional.push(r.status),
      onFinal: (r) => resolve({ ...out, status: r.status, response: r }),
      onTimeout: (e) => resolve({ ...out, error: e }),
      onTransportError: (e) => resolve({ ...out, error: e }),
    });
  });
}

/** What a placed call did. */
export interface CallOutcome {
  inviteStatus?: number;
  byeStatus?: number;
  error?: SipError;
}

/**
 * INVITE with an SDP offer → ACK for the 2xx (re-sent on 2xx retransmissions) → BYE after
 * `holdMs`. Resolves when the BYE has its final response (or on the first failure).
 */
export function placeCall(stack: SipStack, iapId: string, to: string, opts: { holdMs?: number; contactHost?: string } = {}): Promise<CallOutcome> {
  const contactHost = opts.contactHost ?? '127.0.0.1';
  const invite = buildRequest('INVITE', to, 'sip:uac@tsip.test', `sip:uac@${contactHost.includes(':') ? `[${contactHost}]` : contactHost}`);
  invite.headers.set('Content-Type', 'application/sdp');
  invite.body = Buffer.from('v=0\r\no=uac 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n');
  return new Promise((resolve) => {
    let answered = false;
    stack.send(iapId, invite, {
      onProvisional: () => undefined,
      onFinal: (res) => {
        if (res.status >= 300) return resolve({ inviteStatus: res.status });
        if (answered) return; // a 2xx retransmission while Accepted: the stray path re-ACKs later ones
        answered = true;
        const dialog = createUacDialog(invite, res, { localContact: NameAddr.parse(invite.headers.get('Contact') ?? '') });
        const ack = dialog.createAck(invite.cseq.seq);
        const sendAck = (): void => void stack.sendAck(iapId, ack.clone()).catch(() => undefined);
        sendAck();
        const key = { callId: invite.callId, localTag: invite.from.tag ?? '', remoteTag: res.to.tag ?? '' };
        stack.registerDialog(key, { user: silentUser('uac-dialog'), onRequest: () => undefined, onStrayResponse: sendAck });
        setTimeout(() => {
          const bye = dialog.createRequest('BYE');
          void request(stack, iapId, bye).then((o) => {
            stack.unregisterDialog(key);
            resolve({ inviteStatus: res.status, byeStatus: o.status, error: o.error });
          });
        }, opts.holdMs ?? 0);
      },
      onTimeout: (e) => resolve({ error: e }),
      onTransportError: (e) => resolve({ error: e }),
    });
  });
}

/** A SIP URI for a host and port (IPv6 bracketed), with an optional transport parameter. */
export function sipUri(user: string, host: string, port: number, transport?: string): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return new SipUri({ scheme: 'sip', user, host: h, port, params: transport === undefined ? undefined : new Map([['transport', transport]]) }).toString();
}

/**
 * Sends one raw datagram to a stack on 127.0.0.1:`port` from a fresh socket (`LOCALPORT` in
 * `text` becomes that socket's port; LF line ends become CRLF) and resolves with the first final
 * response, or undefined after 1 s.
 */
export async function exchange(port: number, text: string): Promise<SipResponse | undefined> {
  const client = await udpClient(port);
  try {
    return await client.send(text);
  } finally {
    client.close();
  }
}

/**
 * One UDP socket sending raw requests to 127.0.0.1:`port` (`LOCALPORT` in the text becomes its
 * port; LF line ends become CRLF), each send resolving with the first final response, or
 * undefined after 1 s: the same bytes sent twice are a retransmission.
 */
export async function udpClient(port: number): Promise<{ send(text: string): Promise<SipResponse | undefined>; close(): void }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const local = sock.address().port;
  return {
    send: (text) => new Promise((resolve) => {
      const timer = setTimeout(() => { sock.off('message', on); resolve(undefined); }, 1000);
      const on = (buf: Buffer): void => {
        const res = parseMessage(buf);
        if (!res.isResponse() || res.status < 200) return;
        clearTimeout(timer);
        sock.off('message', on);
        resolve(res);
      };
      sock.on('message', on);
      sock.send(Buffer.from(text.replace(/LOCALPORT/g, String(local)).replace(/\r?\n/g, '\r\n')), port, '127.0.0.1');
    }),
    close: () => sock.close(),
  };
}
