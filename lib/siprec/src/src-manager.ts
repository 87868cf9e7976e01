/**
 * SrcManager (DESIGN §4, seed 000): the app's handle on SIPREC recording. It makes one
 * SrcUserAgent per SRS entry; every call given to `startRecording` is recorded by every entry.
 * An SRS may also ask for a recording session itself (RFC 7866 §6.2): `acceptSrsInitiated` in
 * the settings names the call (default: refused with 488). Calls are synchronous (they validate
 * and return at once); results come as events (`recordingStarted`, `recordingFailed`,
 * `recordingPaused`, `recordingResumed`, `recordingStopped`, `srsStateChanged`, `logEvent`, and for
 * MSRP streams `streamFailed` / `messageDropped`), each with the CS Call-ID, the recording session
 * id, the SRS and, where it ended, the reason.
 */
import { Writable } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import {
  RecordingEndReason, type CallParams, type RecordedMessage, type RecordingChanges, type RecordingEventBase, type RecordingIndication, type RecordingPreference,
  type RecordingPreferenceAppliedEvent, type SrcManagerEvents, type SrcSettings, type SrsInitiatedRequest,
} from '../../../include-types/siprec.js';
import { indicationForState } from '../body/index.js';
import type { RtpPacket } from '../media/index.js';
import type { Clock } from '../../../include-types/settings.js';
import { defaultSiprecClock } from '../common/timers.js';
import { Ng911Logger } from '../ng911/index.js';
import type { SessionListener } from './session-host.js';
import { srcTlsPlan } from '../common/tls-settings.js';
import { SrcUserAgent, type SrsInitiatedVerdict } from './src-user-agent.js';
import { CallState } from './call-state.js';
import { SrcLiveAudio } from './live-audio.js';
import { PersistentRecording } from './persistent-session.js';
import type { PersistentSessionOptions } from '../../../include-types/siprec-persistent.js';

function unknownEntry(name: string): never {
  throw new RangeError(`no SRS entry named ${name}`);
}

/** The app's handle on one recorded call: feed it the call's RTP. */
export class CallRecording {
  /**
   * @param callId - the CS Call-ID
   * @param agents - every SRS entry's user agent
   * @param params - the call as given to `startRecording` (or by `acceptSrsInitiated`)
   * @param liveAudio - the manager's live audio taps (what was sent is fed to them)
   */
  constructor(readonly callId: string, private readonly agents: readonly SrcUserAgent[], readonly params: CallParams, private readonly liveAudio?: SrcLiveAudio) {}

  /**
   * Forks one RTP packet (parsed or wire form) of the stream `label` to every SRS recording the
   * call. Returns how many SRSs it was sent to (0 while starting, paused or stopped).
   */
  forward(label: string, packet: RtpPacket | Uint8Array, arrivalMs?: number): number {
    let n = 0;
    for (const a of this.agents) if (a.forward(this.callId, label, packet, arrivalMs)) n++;
    // The live tap hears what is recorded: nothing while starting or paused.
    if (n > 0) this.liveAudio?.feed(this.callId, label, packet);
    return n;
  }

  /**
   * Relays one RTCP datagram (compound, wire form) the call sent for the stream `label` to every
   * SRS recording the call (RFC 7866 §8.1.1, RFC 3550 §7.2): SR sender SSRC, report-block SSRCs,
   * SDES chunks moved onto the SSRCs the RTP was rewritten to, the SR timestamp by the same
   * offset, SR counts by what was sent; sources never seen in the forwarded RTP, CS BYEs, APP and
   * feedback packets are left out. Only with `media.rtcp` 'relay' (the default); while a stream is
   * fed, the SRC's own SRs for it stand down. Returns how many SRSs it was sent to.
   */
  forwardRtcp(label: string, data: Uint8Array, nowMs?: number): number {
    let n = 0;
    for (const a of this.agents) if (a.forwardRtcp(this.callId, label, data, nowMs)) n++;
    return n;
  }

  /**
   * Relays one message of the call's MSRP stream `label` (`media: 'message'`, RFC 4975) to every
   * SRS recording the call: queued per SRS (bounded: `media.msrp.maxQueueMessages` /
   * `maxQueueBytes`, past it `messageDropped` reason `queueFull`), sent as SEND chunks of
   * `media.msrp.chunkSize` bytes (default 2048) over the SRC's connection to the SRS's a=path, one
   * transaction at a time, in the order fed. A string body goes as UTF-8; with `from`/`to` the
   * message is wrapped in message/cpim (RFC 3862). While paused nothing is sent (the message is
   * counted in `recordingStopped.messages[label].notSentPaused`); on stop the queue drains first
   * (`closeTimeoutMs`). Returns how many SRSs queued it (0 while starting, paused, stopped, or
   * when the SRS's connection failed: `streamFailed`).
   */
  forwardMessage(label: string, message: RecordedMessage): number {
    let n = 0;
    for (const a of this.agents) if (a.forwardMessage(this.callId, label, message)) n++;
    return n;
  }

  /**
   * The stream `label` as a Writable (object mode): each chunk is one RTP packet (wire form or
   * parsed) and is forwarded like {@link forward}, so a socket or a pipeline can feed it.
   */
  writable(label: string): Writable {
    return new Writable({
      objectMode: true,
      write: (chunk: RtpPacket | Uint8Array, _enc, done) => {
        this.forward(label, chunk);
        done();
      },
    });
  }

  /** Packets sent per SRS entry and label. */
  packetsSent(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const a of this.agents) {
      const s = a.session(this.callId);
      if (s) out[a.name] = s.packetsSent();
    }
    return out;
  }
}

/**
 * Recording client manager.
 *
 * Settings ({@link SrcSettings}): the SRS entries, User-Agent, T1, NG9-1-1, and
 * `acceptSrsInitiated(request)`, the policy for SRS-initiated recording sessions (RFC 7866
 * §6.2): an INVITE to an entry's user agent with `Require: siprec` and `+sip.srs` on its Contact
 * and no SDP offer is shown to it; it returns the Call-ID of a call being recorded (that entry
 * records it too), the `CallParams` of a call to record now on that entry, or undefined (404).
 * The SRC then answers 200 with its offer (SDP + complete metadata) and takes the SRS's answer
 * from the ACK; an ACK without a usable answer ends the session with BYE (`recordingFailed`,
 * `NoStreamsAccepted`), no ACK at all with `AllSrsFailed`. Once established it is an RS like
 * any other: `recordingStarted` (with `srsInitiated: true`), the same fork, pause/resume/update/
 * stop and events; the app gets its handle from `recording(callId)`. Without the policy every
 * INVITE to the SRC is refused with 488, and so is an INVITE without the two marks or with an offer.
 *
 * `metadataUpdateMethod` ('auto' by default): metadata updates that change no SDP (participants,
 * hold, the stop-time before BYE, a snapshot the SRS asked for) go by UPDATE (RFC 3311) when the
 * SRS allows it (Allow of its 2xx, or of its INVITE), else by re-INVITE; 'update' and 'reinvite'
 * force one (an UPDATE refused with 405/501 goes again as re-INVITE).
 *
 * Recording indication and preference (RFC 7866 §6.1.2, §7.1.2, §7.1.3): the SRC must make sure
 * the call's participants know they are recorded; the app owns the call's dialog, so it puts
 * `recordingIndication(callId)` in its SDP as `a=record` (body/record-indication.ts), and hears
 * of every change from `recordingIndicationChanged`. A recording-aware participant's
 * `a=recordpref` comes in as `CallParams.recordingPreference` or `setRecordingPreference`, and
 * with `honourRecordingPreference` (default true) 'off' withholds or stops the recording (reason
 * `PreferenceOff`; the call stays known, so a later 'on' or 'nopreference' starts a new one),
 * 'pause' pauses it (each entry as it starts), 'on'/'nopreference' undo what a preference did
 * (a pause the app asked for stays); `recordingPreferenceApplied` says what was done.
 */
export class SrcManager extends EventEmitter<SrcManagerEvents> {
  private readonly agents: SrcUserAgent[] = [];
  /** Per CS Call-ID: the handle, preference, pause owner, restarts, entry states, indication (call-state.ts). */
  private readonly calls = new Map<string, CallState>();
  private readonly ng911: Ng911Logger | undefined;
  /** Live audio taps (live-audio.ts): opened only while an `audioTap` listener is attached. */
  private readonly live: SrcLiveAudio;
  /** Time source of every timer below (SrcSettings.clock, else real time). */
  private readonly clock: Clock;
  private started = false;
  private stopped = false;

  /** @param settings - see {@link SrcSettings}; checked here (RangeError; SipError(InvalidArgument) for TLS settings). */
  constructor(readonly settings: SrcSettings) {
    super();
    if (settings.srs.length === 0) throw new RangeError('SrcManager needs at least one SRS entry');
    const names = new Set(settings.srs.map((e) => e.name));
    if (names.size !== settings.srs.length) throw new RangeError('SRS entry names must be unique');
    for (const e of settings.srs) srcTlsPlan(e); // SipError(InvalidArgument) for bad TLS settings, now rather than at start()
    this.clock = settings.clock ?? defaultSiprecClock();
    this.live = new SrcLiveAudio(this, settings);
    this.ng911 = settings.ng911 ? new Ng911Logger(settings.ng911, (e) => this.emit('logEvent', e), undefined, this.clock) : undefined;
  }

  /** Starts every user agent (binds their endpoints). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const listener: SessionListener = {
      started: (e) => { this.pauseIfPreferred(e); this.tapStart(e.callId); this.emit('recordingStarted', e); this.track(e, 'on'); },
      failed: (e) => { this.settle(e.callId); this.tapEndIfIdle(e.callId); this.emit('recordingFailed', e); this.track(e, undefined); this.restart(e); },
      paused: (e) => { this.emit('recordingPaused', e); this.track(e, 'paused'); },
      resumed: (e) => { this.emit('recordingResumed', e); this.track(e, 'on'); },
      stopped: (e) => { this.settle(e.callId); this.tapEndIfIdle(e.callId); this.emit('recordingStopped', e); this.track(e, undefined); this.restart(e); },
      streamFailed: (e) => this.emit('streamFailed', e),
      messageDropped: (e) => this.emit('messageDropped', e),
    };
    for (const entry of this.settings.srs) {
      const ua: SrcUserAgent = new SrcUserAgent({
        entry, listener, userAgent: this.settings.userAgent ?? 'tsip-src', t1: this.settings.t1 ?? 500,
        clock: this.clock, ...(this.settings.clock ? { stackClock: this.settings.clock } : {}),
        srsInitiated: (req): SrsInitiatedVerdict => this.srsInitiated(ua, req),
        ...(this.settings.metadataUpdateMethod ? { metadataUpdateMethod: this.settings.metadataUpdateMethod } : {}),
        onSrsState: (srs, up, statusCode) => this.emit('srsStateChanged', { srsName: entry.name, srs, up, ...(statusCode !== undefined ? { statusCode } : {}) }),
        ...(this.ng911 ? { ng911: this.ng911 } : {}),
      });
      this.agents.push(ua);
    }
    await Promise.all(this.agents.map((a) => a.start()));
  }

  /** The SRC user agents, one per entry. */
  get userAgents(): readonly SrcUserAgent[] {
    return this.agents;
  }

  /**
   * Starts recording a call to every SRS entry.
   * @throws Error before `start()` / after `shutdown()`; RangeError for a Call-ID already
   *   recorded, no streams, or duplicate labels.
   */
  startRecording(call: CallParams): CallRecording {
    this.assertRunning();
    if (this.known(call.callId)) throw new RangeError(`call ${call.callId} is already being recorded`);
    if (call.streams.length === 0) throw new RangeError('a recording needs at least one stream');
    if (new Set(call.streams.map((s) => s.label)).size !== call.streams.length) throw new RangeError('stream labels must be unique');
    const rec = new CallRecording(call.callId, this.agents, call, this.live);
    const st = this.state(call.callId);
    st.recording = rec;
    const pref = call.recordingPreference;
    if (pref !== undefined) {
      st.preference = pref;
      if (!this.honours()) this.applied(call.callId, pref, 'ignored');
      else if (pref === 'off') {
        // RFC 7866 §7.1.3: a participant prefers not to be recorded; nothing is started.
        st.withheld = true;
        this.applied(call.callId, pref, 'withheld');
        return rec;
      } else if (pref === 'pause') {
        st.pausedBy = 'preference'; // each entry pauses as it starts
        this.applied(call.callId, pref, 'paused');
      } else this.applied(call.callId, pref, 'none');
    }
    for (const a of this.agents) a.startRecording(call);
    return rec;
  }

  /**
   * Opens a persistent recording session (RFC 7866 §10): one RS per SRS entry that stays up while
   * calls are attached and detached in turn (`PersistentRecording`, persistent-session.ts). Its
   * own events are this manager's with `callId` = its `id`, repeated on the handle.
   * @throws Error before `start()` / after `shutdown()`; RangeError: key in use, unknown entry,
   *   no streams, duplicate labels
   */
  openPersistentSession(options: PersistentSessionOptions): PersistentRecording {
    this.assertRunning();
    if (options.id !== undefined && this.known(options.id)) throw new RangeError(`${options.id} is already being recorded`);
    const agents = options.srs ? options.srs.map((n) => this.agents.find((a) => a.name === n) ?? unknownEntry(n)) : this.agents;
    const rs = new PersistentRecording(this, agents, options);
    this.state(rs.id).recording = new CallRecording(rs.id, agents, { callId: rs.id, participants: [], streams: options.streams });
    return rs;
  }

  /** The handle of a call being recorded. */
  recording(callId: string): CallRecording | undefined {
    return this.known(callId);
  }

  /** Pauses a call's recording everywhere (re-INVITE a=inactive). Resolves true if every SRS took it. */
  async pauseRecording(callId: string): Promise<boolean> {
    this.assertKnown(callId).pausedBy = 'app';
    return (await Promise.all(this.agents.map((a) => a.pause(callId)))).every(Boolean);
  }

  /** Resumes it. */
  async resumeRecording(callId: string): Promise<boolean> {
    this.assertKnown(callId).pausedBy = undefined;
    return (await Promise.all(this.agents.map((a) => a.resume(callId)))).every(Boolean);
  }

  /** Sends participant/stream changes (partial metadata, new m-lines). */
  async updateRecording(callId: string, changes: RecordingChanges): Promise<boolean> {
    this.assertKnown(callId);
    const ok = (await Promise.all(this.agents.map((a) => a.update(callId, changes)))).every(Boolean);
    if (changes.streamsAdded?.length) this.live.streamsAdded(callId, changes.participantsJoined ?? [], changes.streamsAdded);
    return ok;
  }

  /** Stops a call's recording (BYE to every SRS); resolves when each ended. */
  async stopRecording(callId: string): Promise<void> {
    const st = this.assertKnown(callId);
    st.withheld = false;
    st.restarts = undefined;
    await Promise.all(this.agents.map((a) => a.stop(callId, RecordingEndReason.Stopped)));
    this.settle(callId); // a call a preference withheld has no session to end
  }

  /**
   * The recording indication for the call's participants (RFC 7866 §7.1.2; the `a=record` value
   * the app puts in the CS SDP): 'on' while any SRS entry records it, 'paused' while every entry
   * recording it has paused, 'off' otherwise (starting, stopped, failed, withheld, unknown call).
   * It follows what the SRSs confirmed; `recordingIndicationChanged` reports every change.
   */
  recordingIndication(callId: string): RecordingIndication {
    return this.calls.get(callId)?.indication ?? 'off';
  }

  /**
   * A recording-aware participant's new preference for a call being recorded (RFC 7866 §7.1.3,
   * `a=recordpref` in the CS SDP). With `honourRecordingPreference` (default true): 'off' stops
   * every recording of it (`recordingStopped`/`recordingFailed` reason `PreferenceOff`) and keeps
   * the call known but unrecorded; 'pause' pauses it; 'on' and 'nopreference' start it again
   * after an 'off', or resume a pause a preference caused (not one the app asked for). Resolves
   * true when every SRS took the change (a start: once asked; its events follow).
   * @throws Error before `start()` / after `shutdown()`; RangeError for an unknown call or value
   */
  async setRecordingPreference(callId: string, preference: RecordingPreference): Promise<boolean> {
    const st = this.assertKnown(callId);
    if (!['on', 'off', 'pause', 'nopreference'].includes(preference)) throw new RangeError(`unknown recording preference ${String(preference)}`);
    st.preference = preference;
    if (!this.honours()) return this.applied(callId, preference, 'ignored');
    if (preference === 'off') {
      if (st.withheld) return this.applied(callId, preference, 'none');
      st.withheld = true;
      st.restarts = undefined;
      if (st.pausedBy === 'preference') st.pausedBy = undefined;
      const live = this.agents.some((a) => a.session(callId) !== undefined);
      this.applied(callId, preference, live ? 'stopped' : 'withheld');
      await Promise.all(this.agents.map((a) => a.stop(callId, RecordingEndReason.PreferenceOff)));
      return true;
    }
    if (st.withheld) {
      // RFC 7866 §7.1.3: no longer 'off': the recording the app asked for starts (a new RS).
      st.withheld = false;
      if (preference === 'pause') st.pausedBy = 'preference';
      const params = st.recording!.params;
      const ending = new Set<string>();
      for (const a of this.agents) {
        if (a.session(callId)) ending.add(a.name); // still ending after the 'off': starts once ended
        else a.startRecording(params);
      }
      if (ending.size > 0) st.restarts = ending;
      return this.applied(callId, preference, 'started');
    }
    if (preference === 'pause') {
      if (st.pausedBy !== undefined) return this.applied(callId, preference, 'none');
      st.pausedBy = 'preference';
      this.applied(callId, preference, 'paused');
      return (await Promise.all(this.agents.map((a) => a.pause(callId)))).every(Boolean);
    }
    if (st.pausedBy !== 'preference') return this.applied(callId, preference, 'none');
    st.pausedBy = undefined;
    this.applied(callId, preference, 'resumed');
    return (await Promise.all(this.agents.map((a) => a.resume(callId)))).every(Boolean);
  }

  /** Ends every recording with BYE and releases every socket, timer and queued log event. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const st of this.calls.values()) {
      st.withheld = false;
      st.restarts = undefined;
    }
    await Promise.all(this.agents.map((a) => a.shutdown()));
    this.live.endAll();
    if (this.ng911) {
      await this.ng911.drain(3000);
      this.ng911.close();
    }
    for (const [callId, st] of this.calls) {
      st.forget(); // no longer known; what the indication said stays readable
      if (st.idle) this.calls.delete(callId);
    }
  }

  /** The policy's verdict on an SRS-initiated INVITE that reached `agent`. */
  private srsInitiated(agent: SrcUserAgent, req: SrsInitiatedRequest): SrsInitiatedVerdict {
    const policy = this.settings.acceptSrsInitiated;
    if (!policy || this.stopped) return { status: 488, reason: 'SRS-initiated recording not accepted' };
    let pick: CallParams | string | undefined;
    try {
      pick = policy({ ...req, calls: [...this.calls].filter(([, st]) => st.recording !== undefined).map(([id]) => id) });
    } catch {
      pick = undefined;
    }
    const known = pick === undefined ? undefined : this.known(typeof pick === 'string' ? pick : pick.callId);
    const call = typeof pick === 'string' ? known?.params : pick;
    if (!call) return { status: 404, reason: 'No such call to record' };
    if (this.honours() && (this.calls.get(call.callId)?.withheld === true || (!known && call.recordingPreference === 'off'))) {
      return { status: 403, reason: 'Recording declined by participant preference' }; // RFC 7866 §7.1.3
    }
    if (agent.session(call.callId)) return { status: 486, reason: 'Call already recorded to this SRS entry' };
    if (call.streams.length === 0 || new Set(call.streams.map((s) => s.label)).size !== call.streams.length) {
      return { status: 500, reason: 'Bad call parameters' };
    }
    if (!known) {
      const st = this.state(call.callId);
      st.recording = new CallRecording(call.callId, this.agents, call, this.live);
      if (call.recordingPreference !== undefined) st.preference = call.recordingPreference;
      if (call.recordingPreference === 'pause' && this.honours()) st.pausedBy = 'preference';
    }
    return { call };
  }

  /** The call's recording started on an entry: its audio taps open (the first time, while someone listens). */
  private tapStart(callId: string): void {
    const params = this.calls.get(callId)?.recording?.params;
    if (params) this.live.callStarted(callId, params.participants, params.streams);
  }

  /** An entry's session ended: the call's taps end once no entry records it. */
  private tapEndIfIdle(callId: string): void {
    if (this.agents.every((a) => a.session(callId) === undefined)) this.live.callEnded(callId);
  }

  private settle(callId: string): void {
    // A call a preference withheld or restarts stays known (RFC 7866 §7.1.3).
    const st = this.calls.get(callId);
    if (!st || st.withheld || st.restarts !== undefined) return;
    if (this.agents.every((a) => a.session(callId) === undefined)) {
      st.forget();
      this.tidy(callId, st);
    }
  }

  private honours(): boolean {
    return this.settings.honourRecordingPreference ?? true;
  }

  /** Reports what a preference did, after the call that caused it returned (DESIGN §3). */
  private applied(callId: string, preference: RecordingPreference, action: RecordingPreferenceAppliedEvent['action']): true {
    queueMicrotask(() => this.emit('recordingPreferenceApplied', { callId, preference, action }));
    return true;
  }

  /** An entry started recording a call a preference wants paused: pause it before any media. */
  private pauseIfPreferred(e: RecordingEventBase): void {
    if (this.calls.get(e.callId)?.pausedBy !== 'preference' || !this.honours()) return;
    void this.agents.find((a) => a.name === e.srsName)?.pause(e.callId);
  }

  /** An entry's session ended; start it again if a preference asked for it meanwhile. */
  private restart(e: RecordingEventBase): void {
    const st = this.calls.get(e.callId);
    const ending = st?.restarts;
    if (!st || !ending?.delete(e.srsName)) return;
    if (ending.size === 0) st.restarts = undefined;
    const call = st.recording;
    const agent = this.agents.find((a) => a.name === e.srsName);
    if (call && agent && !this.stopped) agent.startRecording(call.params);
  }

  /**
   * Keeps the per-entry state of a call and reports a change of its indication (RFC 7866
   * §7.1.2): on when any entry records, paused when every recording entry paused, else off.
   */
  private track(e: RecordingEventBase, state: 'on' | 'paused' | undefined): void {
    const st = state !== undefined ? this.state(e.callId) : this.calls.get(e.callId);
    if (!st) return;
    if (state !== undefined) st.entries.set(e.srsName, state);
    else st.entries.delete(e.srsName);
    const states = [...st.entries.values()];
    const now = indicationForState(states.includes('on') ? 'recording' : states.includes('paused') ? 'paused' : 'none');
    const before = st.indication;
    st.indication = now;
    this.tidy(e.callId, st);
    if (now !== before) this.emit('recordingIndicationChanged', { callId: e.callId, indication: now });
  }

  /** The state of a call, made on first use. */
  private state(callId: string): CallState {
    let st = this.calls.get(callId);
    if (!st) this.calls.set(callId, (st = new CallState()));
    return st;
  }

  /** The handle of a known call. */
  private known(callId: string): CallRecording | undefined {
    return this.calls.get(callId)?.recording;
  }

  /** Drops a call's state once nothing is left in it. */
  private tidy(callId: string, st: CallState): void {
    if (st.idle && this.calls.get(callId) === st) this.calls.delete(callId);
  }

  private assertRunning(): void {
    if (!this.started || this.stopped) throw new Error('SrcManager is not running (call start(), not after shutdown())');
  }

  private assertKnown(callId: string): CallState {
    this.assertRunning();
    const st = this.calls.get(callId);
    if (st?.recording === undefined) throw new RangeError(`call ${callId} is not being recorded`);
    return st;
  }
}
