/**
 * A small SRS for the system tests, built only from the public API (lib/siprec/common/api.js)
 * and the body helpers: it answers SRC-initiated INVITEs with a recvonly answer pointing at RTP
 * and RTCP sockets the test reads, answers re-INVITE/UPDATE/BYE, notes every request it gets,
 * and can itself send an SRS-initiated INVITE (RFC 7866 §6.2: Require: siprec, +sip.srs) to an
 * SRC, answering the SRC's offer from the 2xx in its ACK.
 */
import type { Dialog, DialogAssoc } from '../../../include-types/api.js';
import { ConnectionState } from '../../../include-types/states.js';
import { analyseOffer, buildRecvonlyAnswer, splitRecordingBody } from '../../../lib/siprec/body/index.js';
import {
  InviteDialogAssoc, MessageElements, ResponseElements, SipClient, SipConnection, type ClientTransaction, type ServerTransaction,
} from '../../../lib/siprec/common/api.js';
import { ObserverBase } from '../../../lib/siprec/common/observer.js';
import { freeSipPort } from '../../../lib/siprec/common/ports.js';
import { parseRtp, PortAllocator, RtpEndpoint, type RtpPacket } from '../../../lib/siprec/media/index.js';

/** A request the SRS received. */
export interface Seen {
  method: string;
  contentType: string | undefined;
  body: string;
  headers: Record<string, string | undefined>;
}

/** What an SRS-initiated INVITE came back with. */
export interface SrsInviteResult {
  status: number;
  /** Its reason phrase. */
  reason?: string;
  /** The SRC's offer and metadata from the 2xx. */
  sdp?: string;
  metadata?: string;
  /** Headers of the 2xx. */
  contact?: string;
  require?: string;
}

/** Options of {@link ApiSrs.start}. */
export interface ApiSrsOptions {
  /** RTP port range of the SRS's sockets. */
  ports: { min: number; max: number };
  /** Allow header of its answers (default with UPDATE). */
  allow?: string;
  /** Answer UPDATE with 405. */
  refuseUpdate?: boolean;
  /**
   * The status for an in-dialog request other than ACK, BYE, INVITE and UPDATE (default 200);
   * `'silent'`: never answered.
   */
  otherInDialog?: (method: string) => number | 'silent';
}

/** The answer to a request the SRS sent in a dialog. */
export interface InDialogResult {
  status: number;
  /** The named header fields of the answer (first value; undefined when absent). */
  header(name: string): string | undefined;
}

/** The test SRS. */
export class ApiSrs {
  readonly seen: Seen[] = [];
  /** RTP received per label. */
  readonly rtp = new Map<string, RtpPacket[]>();
  /** RTCP datagrams received per label. */
  readonly rtcp = new Map<string, Buffer[]>();
  private client!: SipClient;
  private conn!: SipConnection;
  private port = 0;
  private readonly endpoints = new Map<string, RtpEndpoint>();
  private readonly allocator: PortAllocator;
  private readonly assocs = new Map<Dialog, InviteDialogAssoc>();
  private readonly waiting = new Map<ClientTransaction, (tx: ClientTransaction) => void>();
  private sdpVersion = 1;
  /** Requests left unanswered (`otherInDialog` 'silent'), let go at close. */
  private readonly unanswered: ServerTransaction[] = [];
  /** When set, new (out-of-dialog) INVITEs are refused with this status. */
  refuseInvites: number | undefined;

  private constructor(private readonly opts: ApiSrsOptions) {
    this.allocator = new PortAllocator(opts.ports);
  }

  /** Starts it on 127.0.0.1 (UDP). */
  static async start(opts: ApiSrsOptions): Promise<ApiSrs> {
    const s = new ApiSrs(opts);
    await s.bind();
    return s;
  }

  /** Its SIP URI. */
  get uri(): string {
    return `sip:srs@127.0.0.1:${this.port}`;
  }

  /** Dialogs it holds. */
  get dialogs(): number {
    return this.assocs.size;
  }

  /** Requests of a method it got. */
  requests(method: string): Seen[] {
    return this.seen.filter((s) => s.method === method);
  }

  /**
   * Sends an SRS-initiated INVITE to `srcUri`, without an offer unless `offer` (see
   * {@link ApiSrs.offer}); on a 2xx to an offer-less INVITE answers the SRC's offer in the ACK
   * (`ackAnswer` false: an ACK without body); with `offer` the 2xx is the SRC's answer and the
   * ACK has no body. Resolves with the final response.
   */
  invite(srcUri: string, o: { headers?: [string, string][]; ackAnswer?: boolean; ack?: boolean; siprec?: boolean; offer?: string } = {}): Promise<SrsInviteResult> {
    const siprec = o.siprec ?? true;
    const assoc = InviteDialogAssoc.create(this.conn, {
      to: `<${srcUri}>`, from: '<sip:srs@127.0.0.1>', contact: `<${this.uri}>${siprec ? ';+sip.srs' : ''}`,
    });
    const me = new MessageElements({ headers: [...(siprec ? [['Require', 'siprec'] as [string, string]] : []), ['Allow', this.allow], ...(o.headers ?? [])] });
    if (o.offer !== undefined) me.setContent(o.offer, 'application/sdp');
    const tx = assoc.sendInvite(me);
    return new Promise((resolve) => this.waiting.set(tx, (t) => {
      const res = t.responseElements!;
      const out: SrsInviteResult = { status: res.statusCode, reason: res.reasonPhrase };
      if (res.isSuccess) {
        this.assocs.set(assoc.dialog, assoc);
        const rme = res.messageElements;
        const parts = splitRecordingBody(rme.contentType, rme.content);
        out.sdp = parts.sdp;
        out.metadata = parts.metadata?.toString('utf8');
        out.contact = rme.header('Contact');
        out.require = rme.header('Require');
        const ackAnswer = (o.ackAnswer ?? true) && o.offer === undefined; // with our offer the 2xx answers it
        if (o.ack === false) return resolve(out); // never ACKed (RFC 3261 §13.3.1.4 on the SRC)
        void this.answered(parts.sdp, ackAnswer).then(() => {
          const ack = new MessageElements();
          if (ackAnswer && parts.sdp) ack.setContent(this.answer(parts.sdp), 'application/sdp');
          assoc.sendAck(t, ack);
          resolve(out);
        });
      } else {
        assoc.dispose();
        resolve(out);
      }
    }));
  }

  /**
   * An SRS offer for an SRS-initiated INVITE (RFC 7866 §6.2): one recvonly m-line per entry, on a
   * socket of its own bound now (RTP noted under `key`), with `a=label` when given. `payloads`
   * default `0 8`, `proto` RTP/AVP, `crypto` a whole a=crypto value, `port0` a refused line.
   */
  async offer(lines: { key: string; label?: string; media?: string; payloads?: string; proto?: string; crypto?: string; port0?: boolean }[]): Promise<string> {
    const out = ['v=0', `o=tsip-test-srs 77 ${this.sdpVersion++} IN IP4 127.0.0.1`, 's=SRS offer', 'c=IN IP4 127.0.0.1', 't=0 0'];
    for (const l of lines) {
      const port = l.port0 ? 0 : (await this.endpoint(l.key)).local.port;
      const payloads = l.payloads ?? '0 8';
      out.push(`m=${l.media ?? 'audio'} ${port} ${l.proto ?? 'RTP/AVP'} ${payloads}`);
      for (const pt of payloads.split(' ')) {
        if (pt === '0') out.push('a=rtpmap:0 PCMU/8000');
        else if (pt === '8') out.push('a=rtpmap:8 PCMA/8000');
        else if (pt === '96') out.push('a=rtpmap:96 opus/48000/2');
        else if (pt === '98') out.push('a=rtpmap:98 t140/1000');
      }
      if (port) out.push(`a=rtcp:${port + 1}`);
      if (l.label !== undefined) out.push(`a=label:${l.label}`);
      if (l.crypto) out.push(`a=crypto:${l.crypto}`);
      out.push('a=recvonly');
    }
    return out.join('\r\n') + '\r\n';
  }

  /** Sends an UPDATE without a body and with `headers` in the (first) dialog; resolves with its answer. */
  update(headers: [string, string][]): Promise<InDialogResult> {
    const a = [...this.assocs.values()][0];
    if (!a) return Promise.reject(new Error('no dialog'));
    return new Promise((resolve) => {
      const tx = a.sendUpdate(new MessageElements({ headers }));
      this.waiting.set(tx, (done) => {
        const res = done.responseElements;
        resolve({ status: res?.statusCode ?? 0, header: (n) => res?.messageElements.header(n) });
        done.dispose();
      });
    });
  }

  /** Sends BYE in every dialog. */
  async byeAll(): Promise<void> {
    await Promise.all([...this.assocs.values()].map((a) => new Promise<void>((resolve) => {
      try {
        this.waiting.set(a.sendBye(), () => resolve());
      } catch {
        resolve();
      }
    })));
  }

  /** Closes everything. */
  async close(): Promise<void> {
    for (const tx of this.unanswered.splice(0)) { try { tx.dispose(); } catch { /* */ } }
    for (const a of this.assocs.values()) { try { a.dispose(); } catch { /* */ } }
    this.assocs.clear();
    await Promise.all([...this.endpoints.values()].map((e) => e.close()));
    this.conn.dispose();
    await this.client.close();
  }

  private get allow(): string {
    return this.opts.allow ?? 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE';
  }

  private async bind(): Promise<void> {
    this.port = await freeSipPort('127.0.0.1');
    this.client = new SipClient({
      uid: `api-srs-${process.pid}-${Math.random().toString(36).slice(2)}`,
      observer: { incomingRequest: (_iap, tx) => tx.dispose(), timedOut: () => undefined },
      settings: { iaps: [{ id: 'srs', listen: [{ protocol: 'udp', address: '127.0.0.1', port: this.port }, { protocol: 'tcp', address: '127.0.0.1', port: this.port }] }], timers: { t1: 100 } },
    });
    const self = this;
    await new Promise<void>((resolve, reject) => {
      this.conn = new SipConnection(this.client, 'srs', new (class extends ObserverBase {
        override incomingRequest(tx: ServerTransaction): void { void self.onRequest(tx); }
        override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void { void self.onInDialog(tx, dialog); }
        override incomingResponseInDialog(tx: ClientTransaction, _a: DialogAssoc): void { self.onResponse(tx); }
        override errorOccurredInDialog(_e: unknown, tx: import('../../../include-types/api.js').Transaction): void {
          if (tx.isClientTransaction) self.onResponse(tx as ClientTransaction);
        }
        override connectionStateChanged(s: ConnectionState): void {
          if (s === ConnectionState.Active) resolve();
          else if (s === ConnectionState.Unavailable) reject(new Error('api srs could not bind'));
        }
      })());
    });
  }

  private note(tx: ServerTransaction): void {
    const me = tx.requestElements.messageElements;
    this.seen.push({
      method: tx.type, contentType: me.contentType, body: me.content?.toString('utf8') ?? '',
      headers: { require: me.header('Require'), contact: me.header('Contact'), allow: me.header('Allow'), sessionExpires: me.header('Session-Expires') },
    });
  }

  private onResponse(tx: ClientTransaction): void {
    const st = tx.responseElements?.statusCode ?? 0;
    if (st !== 0 && st < 200) return;
    const w = this.waiting.get(tx);
    if (!w) return;
    this.waiting.delete(tx);
    w(tx);
  }

  /** The endpoint of a label, bound on first use; RTP and RTCP noted per label. */
  private async endpoint(label: string): Promise<RtpEndpoint> {
    let ep = this.endpoints.get(label);
    if (!ep) {
      ep = await RtpEndpoint.bindFromAllocator(this.allocator, '127.0.0.1');
      this.endpoints.set(label, ep);
      this.rtp.set(label, []);
      this.rtcp.set(label, []);
      ep.onPacket((d) => { try { this.rtp.get(label)!.push(parseRtp(d)); } catch { /* not RTP */ } });
      ep.onRtcp((d) => this.rtcp.get(label)!.push(Buffer.from(d)));
    }
    return ep;
  }

  private async answered(sdp: string | undefined, bind: boolean): Promise<void> {
    if (!sdp || !bind) return;
    for (const s of analyseOffer(sdp, ['PCMU', 'PCMA']).streams) await this.endpoint(s.label);
  }

  /** A recvonly answer for an SRC offer (endpoints must be bound: see {@link answered}). */
  private answer(sdp: string): string {
    const offer = analyseOffer(sdp, ['PCMU', 'PCMA']);
    const ports = new Map<number, number>();
    for (const s of offer.streams) {
      const ep = this.endpoints.get(s.label);
      if (ep && s.port !== 0) ports.set(s.index, ep.local.port);
    }
    return buildRecvonlyAnswer(offer, { address: '127.0.0.1', sessionId: 4242, version: this.sdpVersion++, ports });
  }

  private respond(tx: ServerTransaction, status: number, sdp?: string, extra: [string, string][] = []): void {
    const me = new MessageElements({ headers: [['Allow', this.allow], ...extra] });
    if (sdp) me.setContent(sdp, 'application/sdp');
    try { tx.sendResponse(new ResponseElements({ statusCode: status, messageElements: me })); } catch { /* gone */ }
    tx.dispose();
  }

  private async onRequest(tx: ServerTransaction): Promise<void> {
    this.note(tx);
    if (tx.type !== 'INVITE') return this.respond(tx, tx.type === 'OPTIONS' ? 200 : 405);
    const me = tx.requestElements.messageElements;
    const sdp = splitRecordingBody(me.contentType, me.content).sdp;
    if (!sdp) return this.respond(tx, 488);
    if (this.refuseInvites !== undefined) return this.respond(tx, this.refuseInvites);
    const assoc = InviteDialogAssoc.fromServerTransaction(tx, { contact: `<${this.uri}>;+sip.srs` });
    this.assocs.set(assoc.dialog, assoc);
    await this.answered(sdp, true);
    this.respond(tx, 200, this.answer(sdp), [['Supported', 'siprec']]);
  }

  private async onInDialog(tx: ServerTransaction, dialog: Dialog): Promise<void> {
    this.note(tx);
    if (tx.type === 'ACK') return tx.dispose();
    if (tx.type === 'BYE') {
      this.respond(tx, 200);
      const a = this.assocs.get(dialog);
      this.assocs.delete(dialog);
      setTimeout(() => { try { a?.dispose(); } catch { /* */ } }, 50);
      return;
    }
    if (tx.type === 'UPDATE' && this.opts.refuseUpdate) return this.respond(tx, 405);
    if (tx.type === 'INVITE' || tx.type === 'UPDATE') {
      const me = tx.requestElements.messageElements;
      const sdp = splitRecordingBody(me.contentType, me.content).sdp;
      if (sdp) await this.answered(sdp, true);
      return this.respond(tx, 200, sdp ? this.answer(sdp) : undefined);
    }
    const status = this.opts.otherInDialog?.(tx.type) ?? 200;
    if (status === 'silent') {
      this.unanswered.push(tx);
      return;
    }
    this.respond(tx, status);
  }
}

let portBase = 52000 + (process.pid % 40) * 100;
/** A fresh port range (tests run in parallel processes; helpers.ts uses 42000–60000 too, from another base). */
export function testPorts(n = 40): { min: number; max: number } {
  const min = portBase;
  portBase += n;
  if (portBase > 60000) portBase = 52000;
  return { min, max: min + n - 1 };
}

/** Resolves with the first `event` whose payload passes `pred`; rejects after `ms`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function waitEvent<T = any>(em: { on(e: string, f: (x: T) => void): unknown; off(e: string, f: (x: T) => void): unknown }, event: string, pred: (e: T) => boolean = () => true, ms = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { em.off(event, on); reject(new Error(`no ${event} within ${ms} ms`)); }, ms);
    const on = (x: T): void => {
      if (!pred(x)) return;
      clearTimeout(timer);
      em.off(event, on);
      resolve(x);
    };
    em.on(event, on);
  });
}

/** Waits until `cond` holds (polling), or rejects after `ms`. */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
