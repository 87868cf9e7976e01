/**
 * The behaviour of samples/uas.ts as a reusable StackUser: answers every INVITE with 200 OK and
 * an SDP answer (retransmitted until the ACK), answers BYE and OPTIONS with 200. Tests and the
 * benchmark use it in-process; samples/uas.ts wraps it in a command.
 */
import { createResponse, newTag } from '../../lib/message/index.js';
import type { SipStack, StackUser } from '../../lib/stack/index.js';
import { InviteServerTransaction, type ServerTransaction } from '../../lib/transaction/index.js';

/** What the UAS saw. */
export interface AnsweringCounts {
  invites: number;
  acks: number;
  byes: number;
  options: number;
  ackTimeouts: number;
}

/** Options of {@link createAnsweringUas}. */
export interface AnsweringUasOptions {
  /** Host written in Contact and SDP. */
  host: string;
  /** Hold INVITEs unanswered (for CANCEL tests): the user gets them in `held` instead. */
  holdInvites?: boolean;
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

function sdpAnswer(host: string): string {
  const family = host.includes(':') ? 'IP6' : 'IP4';
  return [`v=0`, `o=tsip ${Date.now()} 1 IN ${family} ${host}`, 's=tsip uas', `c=IN ${family} ${host}`, 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n');
}

/** Builds the answering user for `stack`; add it with `stack.addUser(uas.user)`. */
export function createAnsweringUas(stack: SipStack, options: AnsweringUasOptions): AnsweringUas {
  const hostInUri = options.host.includes(':') ? `[${options.host}]` : options.host;
  const counts: AnsweringCounts = { invites: 0, acks: 0, byes: 0, options: 0, ackTimeouts: 0 };
  const uas: AnsweringUas = { user: undefined as unknown as StackUser, counts, held: [], canceled: 0 };

  const answerInvite = (tx: InviteServerTransaction): void => {
    const req = tx.request;
    const tag = newTag();
    const res = createResponse(req, 200, 'OK', tag);
    const transport = tx.source.protocol === 'udp' ? '' : `;transport=${tx.source.protocol}`;
    res.headers.set('Contact', `<sip:uas@${hostInUri}:${tx.source.localPort}${transport}>`);
    res.headers.set('Content-Type', 'application/sdp');
    res.body = Buffer.from(sdpAnswer(options.host));
    const key = { callId: req.callId, localTag: tag, remoteTag: req.from.tag ?? '' };
    stack.registerDialog(key, {
      user: uas.user,
      onAck: () => {
        counts.acks++;
      },
      onRequest: (inDialog: ServerTransaction) => {
        if (inDialog.request.method === 'BYE') {
          counts.byes++;
          stack.unregisterDialog(key);
        }
        inDialog.respond(createResponse(inDialog.request, 200, 'OK'));
      },
    });
    stack.send2xxUntilAck(tx, res, {
      onAckTimeout: () => {
        counts.ackTimeouts++;
        stack.unregisterDialog(key);
      },
    });
  };

  uas.user = {
    uid: 'answering-uas',
    methods: ['INVITE', 'BYE', 'OPTIONS'],
    claim: () => 'connection',
    onRequest(tx: ServerTransaction): void {
      if (tx instanceof InviteServerTransaction) {
        counts.invites++;
        if (options.holdInvites === true) uas.held.push(tx);
        else answerInvite(tx);
        return;
      }
      if (tx.request.method === 'OPTIONS') counts.options++;
      const res = createResponse(tx.request, 200, 'OK');
      if (tx.request.method === 'OPTIONS') res.headers.set('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS');
      tx.respond(res);
    },
    onInviteCanceled(): void {
      uas.canceled++;
    },
  };
  return uas;
}
