/**
 * The behaviour of `tsip uas` (and samples/uas.ts) as a reusable StackUser: answers every INVITE
 * with 200 OK and an SDP answer (retransmitted until the ACK; a WebRTC offer gets a WebRTC answer,
 * see webrtc-answer.ts), answers BYE, OPTIONS and MESSAGE with 200, and REGISTER with 200 echoing
 * the Contacts (a registrar that keeps nothing). Tests and the benchmark use it in-process.
 */
import { NameAddr, createResponse, newTag, type SipRequest, type SipResponse } from '../message/index.js';
import { createUasDialog } from '../dialog/index.js';
import type { DialogKey, SipStack, StackUser } from '../stack/index.js';
import { InviteServerTransaction, type ServerTransaction } from '../transaction/index.js';
import { ownString } from '../message/own-copy.js';
import { dtlsFingerprint, isWebRtcOffer, webRtcAnswer } from './webrtc-answer.js';

/** What the UAS saw. */
export interface AnsweringCounts {
  invites: number;
  acks: number;
  byes: number;
  options: number;
  registers: number;
  messages: number;
  ackTimeouts: number;
  /** BYEs this UAS sent (with `hangupAfterMs`) that got a 2xx. */
  hangups: number;
}

/** Options of {@link createAnsweringUas}. */
export interface AnsweringUasOptions {
  /** Host written in Contact and SDP. */
  host: string;
  /** Hold INVITEs unanswered (for CANCEL tests): the user gets them in `held` instead. */
  holdInvites?: boolean;
  /** `a=fingerprint` value for WebRTC answers (default: generated once, see `dtlsFingerprint`). */
  dtlsFingerprint?: string;
  /** Send BYE this many ms after the ACK of each call (default: never, the caller hangs up). */
  hangupAfterMs?: number;
  /** Called with each request answered (for logs and tests). */
  onRequest?(request: SipRequest): void;
}

/** The answering UAS: a StackUser plus its counters. */
export interface AnsweringUas {
  user: StackUser;
  counts: AnsweringCounts;
  /** INVITE transactions held unanswered (only with `holdInvites`). */
  held: InviteServerTransaction[];
  /** INVITEs whose CANCEL arrived. */
  canceled: number;
}

/**
 * The plain SDP answer for `host`, as a function of the session id (RFC 4566 §5.2: the o= line's
 * sess-id, a timestamp here): the text around it is built once, not per call.
 */
function sdpAnswerFor(host: string): (sessionId: number) => Buffer {
  const family = host.includes(':') ? 'IP6' : 'IP4';
  const head = 'v=0\r\no=tsip ';
  const tail = [` 1 IN ${family} ${host}`, 's=tsip uas', `c=IN ${family} ${host}`, 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n');
  return (sessionId) => Buffer.from(head + sessionId + tail);
}

/** Builds the answering user for `stack`; add it with `stack.addUser(uas.user)`. */
export function createAnsweringUas(stack: SipStack, options: AnsweringUasOptions): AnsweringUas {
  const hostInUri = options.host.includes(':') ? `[${options.host}]` : options.host;
  const counts: AnsweringCounts = { invites: 0, acks: 0, byes: 0, options: 0, registers: 0, messages: 0, ackTimeouts: 0, hangups: 0 };
  let fingerprint = options.dtlsFingerprint;
  const uas: AnsweringUas = { user: undefined as unknown as StackUser, counts, held: [], canceled: 0 };
  const sdpAnswer = sdpAnswerFor(options.host);
  /** Contact values by local port and transport: the same few strings for every call. */
  const contacts = new Map<string, string>();
  const contactFor = (source: ServerTransaction['source']): string => {
    const transport = source.protocol === 'udp' ? '' : `;transport=${source.protocol}`;
    const key = `${source.localPort}${transport}`;
    let contact = contacts.get(key);
    if (contact === undefined) {
      contact = `<sip:uas@${hostInUri}:${key}>`;
      if (contacts.size < 64) contacts.set(key, contact);
    }
    return contact;
  };

  const answerInvite = (tx: InviteServerTransaction): void => {
    const req = tx.request;
    const tag = newTag();
    const res = createResponse(req, 200, 'OK', tag);
    res.headers.set('Contact', contactFor(tx.source));
    res.headers.set('Content-Type', 'application/sdp');
    if (isWebRtcOffer(req.body)) {
      fingerprint ??= dtlsFingerprint();
      try {
        res.body = Buffer.from(webRtcAnswer(req.body, { host: options.host, port: 9, fingerprint }));
      } catch {
        tx.respond(createResponse(req, 488, 'Not Acceptable Here')); // RFC 3261 §13.3.1.3
        return;
      }
    } else {
      res.body = sdpAnswer(Date.now());
    }
    // The dialog's key and callbacks outlive the INVITE by up to 64*T1 (no ACK): they keep flat
    // copies of its Call-ID and tag, not the request (a hostile INVITE's head is up to 64 kB, and
    // V8 substrings of 13 chars or more are views onto it).
    const key = { callId: ownString(req.callId), localTag: tag, remoteTag: ownString(req.from.tag ?? '') };
    const call = { ended: false, twoXxKey: '' };
    stack.registerDialog(key, {
      user: uas.user,
      onAck: options.hangupAfterMs === undefined ? () => void counts.acks++ : hangUpLater(tx, res, key, call, options.hangupAfterMs),
      onRequest: (inDialog: ServerTransaction) => {
        if (inDialog.request.method === 'BYE') {
          counts.byes++;
          call.ended = true;
          stack.unregisterDialog(key);
          // the caller sent BYE, so it has the 2xx: its ACK was lost, and the call is over either
          // way; retransmitting the 2xx for the rest of 64*T1 would only hold a slot of
          // maxUnacknowledgedInvites and report an ACK timeout for a call that ended
          stack.stop2xxRetransmission(call.twoXxKey);
        }
        inDialog.respond(createResponse(inDialog.request, 200, 'OK'));
      },
    });
    call.twoXxKey = stack.send2xxUntilAck(tx, res, {
      onAckTimeout: () => {
        counts.ackTimeouts++;
        stack.unregisterDialog(key);
      },
    });
  };

  /** `onAck` of a call this UAS hangs up `ms` after its ACK (only these keep the INVITE and its 2xx). */
  const hangUpLater = (tx: InviteServerTransaction, ok: SipResponse, key: DialogKey, call: { ended: boolean }, ms: number): (() => void) => {
    const invite = tx.request;
    return () => {
      counts.acks++;
      if (call.ended) return;
      const timer = setTimeout(() => {
        if (call.ended) return;
        call.ended = true;
        hangUp(tx, invite, ok, () => stack.unregisterDialog(key));
      }, ms);
      timer.unref();
    };
  };

  /** RFC 3261 §15.1.1: the callee ends the call with a BYE in the dialog. */
  const hangUp = (tx: InviteServerTransaction, invite: SipRequest, ok: SipResponse, done: () => void): void => {
    let bye: SipRequest;
    try {
      const contact = NameAddr.parse(ok.headers.get('Contact') ?? '');
      const dialog = createUasDialog(invite, { localTag: ok.to.tag, localContact: contact, secureTransport: tx.source.protocol === 'tls' || tx.source.protocol === 'wss' });
      dialog.responseSent(ok);
      bye = dialog.createRequest('BYE');
    } catch {
      return done();
    }
    stack.send(tx.source.iapId, bye, {
      onProvisional: () => undefined,
      onFinal: (r) => {
        if (r.status < 300) counts.hangups++;
        done();
      },
      onTimeout: done,
      onTransportError: done,
    });
  };

  uas.user = {
    uid: 'answering-uas',
    methods: ['INVITE', 'BYE', 'OPTIONS', 'REGISTER', 'MESSAGE'],
    claim: () => 'connection',
    onRequest(tx: ServerTransaction): void {
      options.onRequest?.(tx.request);
      if (tx instanceof InviteServerTransaction) {
        counts.invites++;
        if (options.holdInvites === true) uas.held.push(tx);
        else answerInvite(tx);
        return;
      }
      const method = tx.request.method;
      if (method === 'OPTIONS') counts.options++;
      else if (method === 'MESSAGE') counts.messages++;
      if (method === 'REGISTER') {
        counts.registers++;
        tx.respond(registerOk(tx.request));
        return;
      }
      const res = createResponse(tx.request, 200, 'OK');
      if (method === 'OPTIONS') res.headers.set('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, MESSAGE');
      tx.respond(res);
    },
    onInviteCanceled(): void {
      uas.canceled++;
    },
  };
  return uas;
}

/** Default registration lifetime when the REGISTER names none, in seconds. */
const DEFAULT_EXPIRES = 600;

/**
 * RFC 3261 §10.3 step 8, for a registrar that stores nothing: 200 listing the request's Contacts,
 * each with its expires (the Contact's, else the Expires header's, else 600), so clients that look
 * for their own Contact in the answer (JsSIP, SIP.js) see their binding.
 */
function registerOk(request: SipRequest): SipResponse {
  const res = createResponse(request, 200, 'OK');
  let contacts: ReturnType<SipRequest['contact']['slice']> = [];
  try {
    contacts = request.headers.has('Contact') ? request.contact : [];
  } catch {
    contacts = [];
  }
  const expiresHeader = Number(request.headers.get('Expires') ?? DEFAULT_EXPIRES);
  for (const c of contacts) {
    if (c === '*') continue;
    const own = c.params.get('expires');
    const expires = typeof own === 'string' && /^\d+$/.test(own) ? Number(own) : Number.isFinite(expiresHeader) ? expiresHeader : DEFAULT_EXPIRES;
    if (expires === 0) continue; // RFC 3261 §10.3 step 6: removed
    const echoed = c.clone();
    echoed.params.set('expires', String(expires));
    res.headers.append('Contact', echoed.toString());
  }
  return res;
}
