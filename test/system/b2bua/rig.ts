/**
 * The B2BUA between two tsip parties (the API's own UAs, no baresip): alice calls
 * sip:bob@<b2bua>, the B2BUA calls bob; each party has an RTP socket to send and receive
 * packets; the SRS is tsip's Srs in this process (or a port where nothing listens).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { B2bua, describeAudio } from '../../../lib/b2bua/index.js';
import { buildRtp, RtpEndpoint, type UdpAddress } from '../../../lib/siprec/media/index.js';
import { SrcManager } from '../../../lib/siprec/src/index.js';
import { Srs } from '../../../lib/siprec/srs/index.js';
import { freePort, freePorts } from '../../interop/lib/ports.js';
import { party, type Party } from '../../unit/api/party.js';

/** SDP of a test phone: PCMU (and PCMA) plus telephone-event (RFC 4733) on 101. */
export function phoneSdp(port: number, direction = 'sendrecv', codecs: number[] = [0, 8]): string {
  return [
    'v=0', `o=tsip ${port} ${Date.now() % 100000} IN IP4 127.0.0.1`, 's=phone', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} RTP/AVP ${codecs.join(' ')} 101`,
    ...codecs.map((c) => `a=rtpmap:${c} ${c === 0 ? 'PCMU' : c === 8 ? 'PCMA' : 'opus'}/8000`),
    'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', `a=${direction}`, '',
  ].join('\r\n');
}

export const sdpElements = (sdp: string): MessageElements => new MessageElements({ content: sdp, contentType: 'application/sdp' });

/** A test phone: a tsip party and an RTP socket that counts what it receives per payload type. */
export interface Phone extends Party {
  rtp: RtpEndpoint;
  /** Packets received per payload type. */
  received: Map<number, number>;
  /** Sends `count` RTP packets of payload type `pt` to `to`, 20 ms apart in RTP time. */
  sendRtp(to: UdpAddress, count: number, pt?: number): Promise<void>;
}

let seq = 0;
async function phone(name: string): Promise<Phone> {
  const p = await party(name);
  const rtp = await RtpEndpoint.bind({ address: '127.0.0.1' });
  const received = new Map<number, number>();
  rtp.onPacket((d) => received.set(d[1] & 0x7f, (received.get(d[1] & 0x7f) ?? 0) + 1));
  const ssrc = Math.floor(Math.random() * 0xffffffff);
  return {
    ...p, rtp, received,
    async sendRtp(to, count, pt = 0) {
      for (let i = 0; i < count; i++) {
        const payload = pt === 101 ? Buffer.from([5, 10, 0, 160]) : Buffer.alloc(160, 0xff);
        await rtp.send(buildRtp({ marker: false, payloadType: pt, sequenceNumber: ++seq & 0xffff, timestamp: seq * 160, ssrc, csrcs: [], payload }), to);
        await new Promise((r) => setTimeout(r, 2));
      }
    },
    async close() {
      await rtp.close();
      await p.close();
    },
  };
}

/** Options of {@link rig}. */
export interface RigOptions {
  /** The SRS does not answer (a port nobody listens on). */
  srsDown?: boolean;
  recordingRequired?: boolean | 'any' | 'all';
  /** A second SRS entry ('srs2') pointing at a port nobody listens on. */
  secondSrsDown?: boolean;
  /** How long the callee may ring (default the B2BUA's). */
  answerTimeoutMs?: number;
}

/** Everything a B2BUA test needs. */
export interface Rig {
  alice: Phone;
  bob: Phone;
  b2bua: B2bua;
  recorder: SrcManager;
  srs: Srs | undefined;
  dir: string;
  /** alice's Request-URI to reach bob through the B2BUA. */
  bobUri: string;
}

/** Starts the SRS, recorder, B2BUA and both phones; all closed when `t` ends. */
export async function rig(t: Test, opts: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-b2bua-sys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let srs: Srs | undefined;
  let srsUri: string;
  if (opts.srsDown) srsUri = `sip:127.0.0.1:${await freePort()}`;
  else {
    srs = new Srs({ host: '127.0.0.1', port: 0, dir });
    await srs.start();
    srsUri = srs.uri('udp');
  }
  const entries = [{ name: 'srs', srsUris: [srsUri], localAddress: '127.0.0.1', inviteTimeoutMs: 1000, maxUdpRequestSize: 65000 }];
  if (opts.secondSrsDown) entries.push({ ...entries[0], name: 'srs2', srsUris: [`sip:127.0.0.1:${await freePort()}`] });
  const recorder = new SrcManager({ srs: entries });
  await recorder.start();
  const alice = await phone('alice');
  const bob = await phone('bob');
  const bobPort = Number(/:(\d+)$/.exec(bob.uri('x'))![1]);
  const port = await freePort();
  const rtpBase = await freePorts(1);
  const b2bua = new B2bua({
    listen: { address: '127.0.0.1', port }, target: `sip:127.0.0.1:${bobPort}`, recorder,
    recordingRequired: opts.recordingRequired ?? false, recordingStartTimeoutMs: 3000,
    ...(opts.answerTimeoutMs !== undefined ? { answerTimeoutMs: opts.answerTimeoutMs } : {}), rtpPorts: { min: rtpBase, max: rtpBase + 99 },
  });
  await b2bua.start();
  t.teardown(async () => {
    await b2bua.close();
    await alice.close();
    await bob.close();
    await recorder.shutdown();
    await srs?.shutdown();
  });
  return { alice, bob, b2bua, recorder, srs, dir, bobUri: `sip:bob@127.0.0.1:${port}` };
}

/** alice's side of a call: her INVITE and its association. */
export interface AliceCall {
  assoc: InviteDialogAssoc;
  invite: ClientTransaction;
}

/** alice calls bob through the B2BUA with her RTP port in the offer. */
export function aliceCalls(r: Rig, sdp = phoneSdp(r.alice.rtp.local.port)): AliceCall {
  const assoc = InviteDialogAssoc.create(r.alice.conn, { to: `<${r.bobUri}>`, from: '"Alice" <sip:alice@example.com>' });
  const invite = assoc.sendInvite(sdpElements(sdp));
  return { assoc, invite };
}

/** bob's side: the INVITE the B2BUA sent him, and his association for it. */
export async function bobRings(r: Rig): Promise<{ tx: ServerTransaction; assoc: InviteDialogAssoc; relay: UdpAddress }> {
  const tx = (await r.bob.rec.wait('incomingRequest', (x: ServerTransaction) => x.type === 'INVITE')).args[0] as ServerTransaction;
  const assoc = InviteDialogAssoc.fromServerTransaction(tx);
  const d = describeAudio(tx.requestElements.messageElements.content!)!;
  return { tx, assoc, relay: { address: d.address, port: d.rtpPort } };
}

/** Waits for a response of `tx` with `code`. */
export async function response(p: Party, tx: ClientTransaction, code: number, ms = 5000): Promise<ClientTransaction> {
  return (await p.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === tx && x.responseElements?.statusCode === code, ms)).args[0] as ClientTransaction;
}

/** Where the SDP of a response tells its receiver to send. */
export function sdpTarget(tx: ClientTransaction): UdpAddress {
  const d = describeAudio(tx.responseElements!.messageElements.content!)!;
  return { address: d.address, port: d.rtpPort };
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true (at most `ms`). */
export async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}
