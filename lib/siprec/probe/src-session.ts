/**
 * `probe src`: one recording session the probe takes as an SRS. It checks the INVITE
 * (src-checks-invite.ts), answers 200 with `+sip.srs` and a recvonly SDP (a UDP socket per
 * accepted m-line, so the SRC proceeds and its RTP can be counted), answers the SRC's
 * re-INVITEs/UPDATEs (recvonly, inactive to inactive) while collecting metadata updates, and at
 * BYE (or when the SRC goes quiet for `timeoutMs`: the probe ends it with BYE) reports RTP,
 * re-offers, metadata, stop-time and BYE.
 */
import type { TimerHandle } from '../../../include-types/settings.js';
import { wait } from '../common/timers.js';
import { analyseOffer, buildRecvonlyAnswer, type AnalysedOffer } from '../body/index.js';
import { InviteDialogAssoc, MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import { ProbeResults } from './results.js';
import { ProbeMediaPort } from './rtp.js';
import { checkSrcBody, checkSrcHeaders, checkSrcOffer, readSrcBody } from './src-checks-invite.js';
import { checkSrcMetadata, SrcMetadataTrack } from './src-checks-metadata.js';
import type { ProbeUa } from './probe-ua.js';

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE';

/** One probed session. */
export class SrcProbeSession {
  readonly results = new ProbeResults();
  readonly metadata = new SrcMetadataTrack();
  assoc: InviteDialogAssoc | undefined;
  /** Resolves when the session is over and reported. */
  readonly done: Promise<void>;
  private finish!: () => void;
  private readonly ports = new Map<number, ProbeMediaPort>();
  private readonly labels = new Map<number, string>();
  private mlines = 0;
  private readonly reoffers: string[] = [];
  private reofferCount = 0;
  private version = 1;
  private readonly sessionId = Math.floor(Math.random() * 2 ** 31);
  private quiet: TimerHandle | undefined;
  private ended = false;

  constructor(private readonly ua: ProbeUa, call: number | undefined, private readonly timeoutMs: number) {
    this.results.call = call;
    this.done = new Promise((r) => { this.finish = r; });
  }

  /** The SRC's INVITE: checked, then answered 200 (or 488 when there is nothing to answer). */
  async start(tx: ServerTransaction): Promise<void> {
    const me = tx.requestElements.messageElements;
    checkSrcHeaders(this.results, me);
    const body = checkSrcBody(this.results, me);
    if (body?.metadata) this.metadata.add(body.metadata);
    const offer = body?.sdp !== undefined && checkSrcOffer(this.results, body.sdp) ? analyseOffer(body.sdp, ['PCMU', 'PCMA']) : undefined;
    if (!offer) {
      reply(tx, 488, 'Probe needs an SDP offer');
      return this.end(false);
    }
    const answer = await this.answer(offer);
    try {
      this.assoc = InviteDialogAssoc.fromServerTransaction(tx, { contact: `<${this.ua.uri('srs')}>;+sip.srs` });
    } catch {
      tx.dispose();
      return this.end(false);
    }
    reply(tx, 200, undefined, answer);
    this.armQuiet();
  }

  /** A request of the SRC in the dialog. */
  onRequest(tx: ServerTransaction): void {
    if (tx.type === 'ACK') return tx.dispose();
    if (this.ended) return reply(tx, 481);
    this.armQuiet();
    if (tx.type === 'BYE') {
      this.metadata.stopBeforeBye = this.metadata.stopped;
      reply(tx, 200);
      this.results.pass('src-bye', 'RFC 3261 §15', 'the SRC ended the recording session with BYE');
      void this.end(true);
      return;
    }
    if (tx.type === 'INVITE' || tx.type === 'UPDATE') return void this.update(tx);
    reply(tx, tx.type === 'OPTIONS' || tx.type === 'INFO' ? 200 : 405);
  }

  /** Ends a session still live (the probe is stopped): BYE, then the report. */
  stop(): Promise<void> {
    if (this.ended) return this.done;
    this.metadata.stopBeforeBye = this.metadata.stopped;
    this.results.warn('src-bye', 'RFC 3261 §15', 'the probe was stopped before the SRC sent BYE');
    void this.byeAndEnd();
    return this.done;
  }

  private clearQuiet(): void {
    if (this.quiet !== undefined) this.ua.opts.clock.clearTimer(this.quiet);
    this.quiet = undefined;
  }

  /** The SRC went quiet for `timeoutMs`: the probe ends the session itself. */
  private armQuiet(): void {
    this.clearQuiet();
    this.quiet = this.ua.opts.clock.setTimer(() => {
      this.quiet = undefined;
      if (this.ended) return;
      this.metadata.stopBeforeBye = this.metadata.stopped;
      this.results.warn('src-bye', 'RFC 3261 §15', `no BYE within ${this.timeoutMs} ms of the SRC's last request: the probe sent BYE`);
      void this.byeAndEnd();
    }, this.timeoutMs);
  }

  private async byeAndEnd(): Promise<void> {
    if (this.assoc) await this.ua.bye(this.assoc);
    this.assoc = undefined;
    await this.end(true);
  }

  private async update(tx: ServerTransaction): Promise<void> {
    let body;
    try {
      body = readSrcBody(tx.requestElements.messageElements);
    } catch {
      return reply(tx, 400, 'Unreadable body');
    }
    if (body.metadata) this.metadata.add(body.metadata);
    if (body.sdp === undefined) return reply(tx, 200);
    let offer: AnalysedOffer;
    try {
      offer = analyseOffer(body.sdp, ['PCMU', 'PCMA']);
    } catch {
      return reply(tx, 488, 'Bad SDP');
    }
    this.reofferCount++;
    // RFC 3264 §8: a new offer keeps every m-line of the session (it may not shrink), in place.
    if (offer.streams.length < this.mlines) this.reoffers.push(`${offer.streams.length} m-lines after ${this.mlines}`);
    offer.streams.forEach((s, i) => {
      const was = this.labels.get(i);
      if (was !== undefined && s.port !== 0 && s.labelled && s.label !== was) this.reoffers.push(`m${i + 1} relabelled ${was}→${s.label}`);
    });
    reply(tx, 200, undefined, await this.answer(offer));
  }

  /** Our recvonly answer; a socket per accepted m-line (kept across re-offers). */
  private async answer(offer: AnalysedOffer): Promise<string> {
    this.mlines = Math.max(this.mlines, offer.streams.length);
    const ports = new Map<number, number>();
    for (const s of offer.streams) {
      if (s.port === 0 || s.payloadType === undefined) continue;
      let p = this.ports.get(s.index);
      if (!p) {
        p = await ProbeMediaPort.open(this.ua.address.host);
        this.ports.set(s.index, p);
      }
      if (s.labelled && !this.labels.has(s.index)) this.labels.set(s.index, s.label);
      ports.set(s.index, p.port);
    }
    return buildRecvonlyAnswer(offer, { address: this.ua.address.host, sessionId: this.sessionId, version: this.version++, ports });
  }

  /** Reports what only the whole session shows, and releases the sockets. */
  private async end(report: boolean): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.clearQuiet();
    if (report) {
      // Datagrams still in flight when the BYE came.
      await wait(this.ua.opts.clock, 100).done;
      this.reportMedia();
      const rfc = 'RFC 3264 §8';
      if (this.reofferCount === 0) this.results.skip('src-reoffer', rfc, 'no re-INVITE or UPDATE with SDP');
      else this.results.check(this.reoffers.length === 0, 'src-reoffer', rfc, `${this.reofferCount} re-offer(s) kept every m-line and label`, this.reoffers.join('; '));
      checkSrcMetadata(this.results, this.metadata, [...new Set(this.labels.values())]);
      this.results.check(this.metadata.stopBeforeBye === true, 'src-stop-time', 'RFC 7865 §6.3, RFC 7866 §9.1', 'stop-time metadata arrived before the BYE',
        'no metadata with the CS stop-time (or RS disassociation) before the BYE', 'WARN');
    }
    for (const p of this.ports.values()) p.close();
    try { this.assoc?.dispose(); } catch { /* gone */ }
    this.finish();
  }

  private reportMedia(): void {
    const rfc = 'RFC 7866 §8, RFC 3550 §5.1';
    const rows = [...this.ports.entries()].map(([i, p]) => ({ label: this.labels.get(i) ?? `m${i + 1}`, p }));
    if (rows.length === 0) return this.results.skip('src-rtp', rfc, 'no stream accepted');
    const bad = rows.filter((x) => x.p.notRtp > 0);
    if (bad.length > 0) return this.results.fail('src-rtp', rfc, `datagrams that are not RTP version 2 on stream ${bad.map((x) => `${x.label} (${x.p.notRtp})`).join(', ')}`);
    const silent = rows.filter((x) => x.p.rtp === 0).map((x) => x.label);
    const counts = rows.map((x) => `${x.label}: ${x.p.rtp}`).join(', ');
    if (silent.length === rows.length) return this.results.warn('src-rtp', rfc, 'no RTP arrived on any answered port: nothing was recorded');
    if (silent.length > 0) return this.results.warn('src-rtp', rfc, `no RTP on stream(s) ${silent.join(', ')} (${counts})`);
    this.results.pass('src-rtp', rfc, `RTP on every answered port (${counts} packets)`);
  }
}

function reply(tx: ServerTransaction, status: number, reason?: string, sdp?: string): void {
  try {
    const me = new MessageElements({ headers: status < 300 ? [['Allow', ALLOW], ['Supported', 'siprec'], ['Accept', 'application/sdp, application/rs-metadata+xml']] : [] });
    if (sdp !== undefined) me.setContent(sdp, 'application/sdp');
    tx.sendResponse(new ResponseElements({ statusCode: status, ...(reason !== undefined ? { reasonPhrase: reason } : {}), messageElements: me }));
  } catch {
    // the transaction ended meanwhile
  }
  tx.dispose();
}
