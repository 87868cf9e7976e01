/**
 * The recording side of one B2BUA call: the SIPREC `CallParams` made from the caller's INVITE
 * (participants from From and To, the caller leg's Call-ID), one recorded stream per direction,
 * the relay's packets fed to the fork, pause/resume on hold, stop at the end.
 *
 * Recording starts at answer (the callee's 2xx), not with early media: RFC 7866 records the
 * communication session, and a call that is never answered has none (no recording is left
 * behind by a ringing call that is cancelled or rejected). Early media is relayed, not recorded.
 */
import type { CallParams, RecordedCodec, RecordingEndReason } from '../../include-types/siprec.js';
import { NameAddr, SipUri } from '../message/index.js';
import type { CallRecording, SrcManager } from '../siprec/src/index.js';
import type { LegName } from './rtp-relay.js';
import type { B2buaRecordingState } from './types.js';

/** Stream labels: what the caller says (leg a in) and what the callee says (leg b in). */
export const STREAM_LABELS: Record<LegName, string> = { a: '1', b: '2' };

/** One participant from a From/To header value. */
function participant(key: string, header: string | undefined): { key: string; aor: string; name?: string } {
  try {
    const na = NameAddr.parse(header ?? '');
    const uri = na.uri instanceof SipUri ? na.uri.clone() : na.uri;
    if (uri instanceof SipUri) uri.params = new Map(); // the AOR: no transport or other parameters
    return { key, aor: uri.toString(), ...(na.displayName ? { name: na.displayName } : {}) };
  } catch {
    return { key, aor: `sip:${key}@invalid` };
  }
}

/**
 * The recorded call: two audio streams, '1' sent by the caller, '2' by the callee, each offered
 * to the SRS with the codec the call uses (so the SRS stores exactly what the phones send).
 */
export function recordedCall(callId: string, fromHeader: string | undefined, toHeader: string | undefined, codec: RecordedCodec | undefined): CallParams {
  const codecs = codec ? { codecs: [codec] } : {};
  return {
    callId,
    direction: 'incoming',
    participants: [participant('caller', fromHeader), participant('callee', toHeader)],
    streams: [
      { label: STREAM_LABELS.a, sender: 'caller', receivers: ['callee'], ...codecs },
      { label: STREAM_LABELS.b, sender: 'callee', receivers: ['caller'], ...codecs },
    ],
  };
}

/** Drives one call's recording through the SrcManager and tracks its state. */
export class CallRecorder {
  /** Where the recording is. */
  state: B2buaRecordingState = 'off';
  private handle: CallRecording | undefined;
  private held = false;

  /**
   * @param manager - the recording client
   * @param params - see {@link recordedCall}
   * @param changed - told every state change
   * @param policy - the manager's recording requirement for the call: its events drive the state
   */
  constructor(
    private readonly manager: SrcManager, readonly params: CallParams, private readonly changed: (s: B2buaRecordingState, reason?: RecordingEndReason) => void,
    private readonly policy: 'any' | 'all' = 'any',
  ) {}

  /** Starts the recording; a synchronous refusal (e.g. the manager is down) is a failure. */
  start(): void {
    try {
      this.handle = this.manager.startRecording(this.params, { recordingRequired: this.policy });
      this.set('starting');
    } catch {
      this.set('failed');
    }
  }

  /**
   * One datagram the relay forwarded, from leg `from`. RTP goes to the stream of its sender when
   * its payload type is the recorded codec's (RFC 4733 telephone-event and CN packets are relayed
   * to the phones but not recorded: the SRS stream was set up for the one voice codec).
   */
  feed(from: LegName, kind: 'rtp' | 'rtcp', data: Buffer): void {
    if (this.handle === undefined || (this.state !== 'on' && this.state !== 'starting')) return;
    const label = STREAM_LABELS[from];
    if (kind === 'rtcp') {
      this.handle.forwardRtcp(label, data);
      return;
    }
    const pt = data.length >= 2 ? data[1] & 0x7f : -1;
    const want = this.params.streams[0].codecs?.[0]?.payloadType;
    if (want !== undefined && pt !== want) return;
    this.handle.forward(label, data);
  }

  /** The SrcManager reported the call's requirement satisfied (the recording is up). */
  started(): void {
    if (this.state !== 'starting') return;
    this.set('on');
    if (this.held) void this.pause();
  }

  /** The SrcManager reported the requirement broken (a recording failed, or the SRS ended it). */
  failed(reason?: RecordingEndReason): void {
    if (this.state === 'stopped' || this.state === 'off') return;
    this.set('failed', reason);
  }

  /** Hold (true) or unhold (false) of the call: pause or resume (re-INVITE a=inactive to the SRS). */
  setHeld(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    if (held && this.state === 'on') void this.pause();
    else if (!held && this.state === 'paused') void this.resume();
  }

  private async pause(): Promise<void> {
    this.set('paused');
    await this.manager.pauseRecording(this.params.callId).catch(() => false);
  }

  private async resume(): Promise<void> {
    this.set('on');
    await this.manager.resumeRecording(this.params.callId).catch(() => false);
  }

  /** Stops the recording (BYE to the SRS). Resolves when it ended; never rejects. */
  async stop(): Promise<void> {
    const was = this.state;
    if (was === 'off' || was === 'stopped') return;
    this.set('stopped');
    if (this.handle === undefined) return;
    await this.manager.stopRecording(this.params.callId).catch(() => undefined);
  }

  private set(s: B2buaRecordingState, reason?: RecordingEndReason): void {
    if (this.state === s) return;
    this.state = s;
    this.changed(s, reason);
  }
}
