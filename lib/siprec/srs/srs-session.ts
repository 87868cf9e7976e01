/**
 * One recording session at the SRS: the dialog (an InviteDialogAssoc), a UDP endpoint per
 * recorded stream, and the recording on disk. Handles the SRC's re-INVITE/UPDATE (pause with
 * a=inactive, resume, streams added or removed with port 0, metadata updates, RFC 7866 §7.1.1.1,
 * §9.2) and its end.
 */
import { parseRtp, RtpEndpoint, type PortAllocator } from '../media/index.js';
import { buildRecvonlyAnswer, type AnalysedOffer, type OfferedStream } from '../body/index.js';
import type { InviteDialogAssoc } from '../common/api.js';
import type { ReceivedMetadata } from './check-invite.js';
import type { RecordingDir } from './storage/index.js';

/** A recorded stream's receiving side. */
interface StreamSlot {
  label: string;
  port: number;
  endpoint: RtpEndpoint | undefined;
}

/** What a session needs from its server. */
export interface SessionEnv {
  /** Local media address. */
  host: string;
  /** RTP ports. */
  allocator: PortAllocator;
  /** False in signalling-only mode (ports reserved, nothing bound or written). */
  media: boolean;
}

/** One SRS recording session. */
export class SrsSession {
  /** True while the SRC has every stream inactive. */
  paused = false;
  /** The latest answer SDP. */
  answerSdp = '';
  /** When the session was answered (ms). */
  readonly startedMs = Date.now();
  private readonly slots = new Map<number, StreamSlot>();
  private version = 0;
  private readonly sdpSessionId = Math.floor(Math.random() * 2 ** 31);
  private ended = false;
  private expiry: NodeJS.Timeout | undefined;

  /**
   * @param recordingId - the RS Call-ID
   * @param assoc - the dialog
   * @param rec - where it is stored (undefined in signalling-only mode)
   */
  constructor(
    readonly recordingId: string,
    readonly assoc: InviteDialogAssoc,
    readonly rec: RecordingDir | undefined,
    private readonly env: SessionEnv,
  ) {}

  /** Sets (replacing any earlier) the RFC 4028 expiry timer; cleared when the session ends. */
  setExpiry(timer: NodeJS.Timeout): void {
    clearTimeout(this.expiry);
    this.expiry = timer;
    timer.unref();
  }

  /** Labels of the streams being received. */
  get labels(): string[] {
    return [...this.slots.values()].map((s) => s.label);
  }

  /** Stores a metadata document (initial or update). */
  addMetadata(m: ReceivedMetadata): void {
    this.rec?.addMetadata(m.raw, m.parsed);
  }

  /**
   * Applies an offer: opens streams new in it, closes those it removes (port 0), pauses or
   * resumes, and returns the answer SDP. Throws MediaError(PortsExhausted) when no port is left.
   */
  async applyOffer(offer: AnalysedOffer): Promise<string> {
    for (const s of offer.streams) {
      const have = this.slots.get(s.index);
      if (have && (s.port === 0 || s.label !== have.label)) await this.closeSlot(s.index);
      if (!this.slots.has(s.index) && s.port !== 0 && s.payloadType !== undefined) await this.openSlot(s);
    }
    // RFC 7866 §7.1.1 / SIPREC-NOTES SRC-8: a=inactive on every live stream is a pause.
    const live = offer.streams.filter((s) => s.port !== 0);
    const nowPaused = live.length > 0 && live.every((s) => s.direction === 'inactive');
    if (nowPaused !== this.paused) {
      this.paused = nowPaused;
      if (nowPaused) this.rec?.pause();
      else this.rec?.resume();
    }
    const ports = new Map<number, number>();
    for (const [i, slot] of this.slots) ports.set(i, slot.port);
    this.answerSdp = buildRecvonlyAnswer(offer, { address: this.env.host, sessionId: this.sdpSessionId, version: ++this.version, ports });
    return this.answerSdp;
  }

  /** An answer to an SRC offer that keeps the streams as they are (the ACK of an offer-less re-INVITE). */
  answerFor(offer: AnalysedOffer): string {
    const ports = new Map<number, number>();
    for (const [i, slot] of this.slots) ports.set(i, slot.port);
    this.answerSdp = buildRecvonlyAnswer(offer, { address: this.env.host, sessionId: this.sdpSessionId, version: ++this.version, ports });
    return this.answerSdp;
  }

  /** Ends the session: closes endpoints and the recording (and the dialog, unless a BYE of ours is pending). Idempotent. */
  async end(reason: string, disposeDialog = true): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    for (const i of [...this.slots.keys()]) await this.closeSlot(i);
    this.rec?.close(reason);
    if (disposeDialog) this.assoc.dispose();
  }

  /** True once ended. */
  get isEnded(): boolean {
    return this.ended;
  }

  private async openSlot(s: OfferedStream): Promise<void> {
    if (!this.env.media) {
      const port = this.env.allocator.allocate();
      this.slots.set(s.index, { label: s.label, port, endpoint: undefined });
      return;
    }
    const ep = await RtpEndpoint.bindFromAllocator(this.env.allocator, this.env.host);
    const label = s.label;
    this.slots.set(s.index, { label, port: ep.local.port, endpoint: ep });
    this.rec?.openStream(label, s.codec ?? 'PCMU', s.payloadType ?? 0, this.startedMs);
    ep.onPacket((data) => {
      try {
        this.rec?.packet(label, parseRtp(data));
      } catch {
        // not RTP: ignored
      }
    });
  }

  private async closeSlot(index: number): Promise<void> {
    const slot = this.slots.get(index);
    if (!slot) return;
    this.slots.delete(index);
    if (slot.endpoint) await slot.endpoint.close();
    else this.env.allocator.release(slot.port);
  }
}
