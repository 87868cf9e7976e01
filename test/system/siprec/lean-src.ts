/**
 * A lean SRC on the public API for SRS tests that need what SrcManager never sends: an INVITE
 * without an SDP offer, an ACK with (or without) a chosen answer, a hand-made offer. Each INVITE
 * resolves with its final response; the test decides the ACK. Requests from the SRS (BYE, a
 * re-INVITE) are answered 200 and recorded.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Test } from 'tap';
import type { DialogAssoc, Dialog } from '../../../include-types/api.js';
import { ConnectionState } from '../../../include-types/states.js';
import { HttpDigest, InviteDialogAssoc, MessageElements, ResponseElements, SipClient, SipConnection, type ClientTransaction, type ServerTransaction } from '../../../lib/siprec/common/api.js';
import { ObserverBase } from '../../../lib/siprec/common/observer.js';
import { buildRtp, encodeG711 } from '../../../lib/siprec/media/index.js';

/** The lean SRC. */
export interface LeanSrc {
  /** Sends an INVITE in a new dialog to `uri` with `Require: siprec` and `+sip.src`; resolves with the final response's transaction. */
  invite(uri: string, body?: { content: Buffer; contentType: string; headers?: [string, string][] }): Promise<{ assoc: InviteDialogAssoc; tx: ClientTransaction }>;
  /** Sends a re-INVITE in `assoc`'s dialog; resolves with the final response. */
  reinvite(assoc: InviteDialogAssoc, body?: { content: Buffer; contentType: string }): Promise<ClientTransaction>;
  /** ACKs a 2xx, with an SDP answer when given. */
  ack(assoc: InviteDialogAssoc, tx: ClientTransaction, sdp?: string, contentType?: string): void;
  /** Methods of the requests the SRS sent in dialogs, in order. */
  received: string[];
  /** Resolves when the SRS sent a request of `method`. */
  waitRequest(method: string, ms?: number): Promise<void>;
}

/** Starts a lean SRC on loopback (UDP and TCP), closed at the end of the test; with `credentials` it answers Digest challenges. */
export async function startLeanSrc(t: Test, uid = `lean-src-${process.pid}-${Math.random().toString(36).slice(2)}`, opts: { credentials?: { realm: string; username: string; password: string } } = {}): Promise<LeanSrc> {
  const client = new SipClient({
    uid, observer: { incomingRequest: (_i, tx) => tx.dispose(), timedOut: () => undefined },
    settings: { iaps: [{ id: 'x', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }, { protocol: 'udp', address: '127.0.0.1', port: 0 }] }] },
  });
  t.teardown(() => client.close());
  if (opts.credentials) new HttpDigest(client).setCredentials(opts.credentials.realm, opts.credentials.username, opts.credentials.password);
  const waiters = new Map<ClientTransaction, (tx: ClientTransaction) => void>();
  const received: string[] = [];
  const requestWaiters: { method: string; resolve: () => void }[] = [];
  const conn = await new Promise<SipConnection>((resolve) => {
    const c: SipConnection = new SipConnection(client, 'x', new (class extends ObserverBase {
      override connectionStateChanged(s: ConnectionState): void { if (s === ConnectionState.Active) resolve(c); }
      override incomingResponseInDialog(tx: ClientTransaction, _assoc: DialogAssoc): void {
        if ((tx.responseElements?.statusCode ?? 0) < 200) return;
        const w = waiters.get(tx);
        waiters.delete(tx);
        w?.(tx);
      }
      override incomingRequestInDialog(tx: ServerTransaction, _d: Dialog): void {
        received.push(tx.type);
        for (const w of requestWaiters.filter((x) => x.method === tx.type)) w.resolve();
        if (tx.type !== 'ACK') tx.sendResponse(new ResponseElements({ statusCode: 200 }));
        tx.dispose();
      }
    })());
  });
  const b = client.stack.boundAddresses('x').find((x) => x.protocol === 'tcp')!;
  const send = (tx: ClientTransaction): Promise<ClientTransaction> => new Promise((resolve) => waiters.set(tx, resolve));
  return {
    received,
    async invite(uri, body) {
      const assoc = InviteDialogAssoc.create(conn, { to: `<${uri}>`, remoteUri: uri, contact: `<sip:src@127.0.0.1:${b.port};transport=tcp>;+sip.src` });
      const me = new MessageElements({ headers: [['Require', 'siprec'], ...(body?.headers ?? [])], ...(body ? { content: body.content, contentType: body.contentType } : {}) });
      const tx = await send(assoc.sendInvite(me));
      return { assoc, tx };
    },
    reinvite(assoc, body) {
      return send(assoc.sendInvite(new MessageElements(body ? { content: body.content, contentType: body.contentType } : {})));
    },
    ack(assoc, tx, sdp, contentType = 'application/sdp') {
      const me = new MessageElements();
      if (sdp !== undefined) me.setContent(sdp, contentType);
      assoc.sendAck(tx, me);
    },
    waitRequest(method, ms = 10000) {
      if (received.includes(method)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} from the SRS within ${ms} ms`)), ms);
        requestWaiters.push({ method, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
  };
}

/** A UDP socket on loopback, closed at the end of the test. */
export async function udp(t: Test): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

/** Sends `n` 20 ms PCMU packets of a `hz` tone to `port`, paced at `paceMs`, numbered from `first`. */
export async function sendTone(sock: Socket, port: number, hz: number, n: number, ssrc: number, paceMs = 2, first = 0): Promise<void> {
  for (let i = first; i < first + n; i++) {
    const pcm = new Int16Array(160).map((_, k) => Math.round(8000 * Math.sin((2 * Math.PI * hz * (i * 160 + k)) / 8000)));
    const pkt = buildRtp({ marker: i === 0, payloadType: 0, sequenceNumber: i, timestamp: i * 160, ssrc, csrcs: [], payload: encodeG711(0, pcm) });
    await new Promise<void>((r) => sock.send(pkt, port, '127.0.0.1', () => r()));
    if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
  }
}
