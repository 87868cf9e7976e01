/**
 * SrcManager (DESIGN §4, seed 000): the app's handle on SIPREC recording. It makes one
 * SrcUserAgent per SRS entry; a call given to `startRecording` is recorded by every entry, or by
 * the entries its options name (more can be added later; src-controls.ts), with an optional
 * recording requirement (recording-policy.ts).
 * An SRS may also ask for a recording session itself (RFC 7866 §6.2): `acceptSrsInitiated` in
 * the settings names the call (default: refused with 488). Calls are synchronous (they validate
 * and return at once); results come as events (`recordingStarted`, `recordingFailed`,
 * `recordingPaused`, `recordingResumed`, `recordingStopped`, `srsStateChanged`, `logEvent`, and for
 * MSRP streams `streamFailed` / `messageDropped`), each with the CS Call-ID, the recording session
 * id, the RFC 7865 session id, the SRS and, where it ended, the reason; with a recording
 * requirement, `recordingPolicySatisfied` / `recordingPolicyBroken` per call.
 */
import { EventEmitter } from 'eventemitter3';
import {
  RecordingEndReason, type CallParams, type RecordingChanges, type RecordingEventBase, type RecordingIndication, type RecordingPreference,
  type RecordingPreferenceAppliedEvent, type SrcManagerEvents, type SrcSettings,
  type LiveRecording, type RecordingSelection, type SrsRequest, type SrsResponse, type StartRecordingOptions,
} from '../../../include-types/siprec.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { entriesNamed, liveRecordings } from './src-controls.js';
import { checkRequirement, RecordingPolicy } from './recording-policy.js';
import { checkSrsRequest } from './session-srs-request.js';
import { indicationForState } from '../body/index.js';
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
import { CallRecording } from './call-recording.js';
import { applyRecordingPreference, type PreferenceHost } from './recording-preference.js';
import { srsInitiatedVerdict, type SrsInitiatedHost } from './srs-initiated-policy.js';

export { CallRecording } from './call-recording.js';

function unknownEntry(name: string): never {
  throw new RangeError(`no SRS entry named ${name}`);
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
  /** Persistent recording sessions not yet ended (they answer `recordingIndication` for their attached calls). */
  private readonly persistent = new Set<PersistentRecording>();
  private stopped = false;
  /** Each call's recording requirement and its verdict (recording-policy.ts). */
  private readonly policy = new RecordingPolicy({
    broken: (e) => this.emit('recordingPolicyBroken', e), satisfied: (e) => this.emit('recordingPolicySatisfied', e),
  });

  /** What the preference rules use of the manager (recording-preference.ts). */
  private readonly preferenceHost: PreferenceHost = {
    agents: this.agents,
    honours: () => this.honours(),
    applied: (callId, preference, action) => this.applied(callId, preference, action),
    chosen: (st, selection) => this.chosen(st, selection),
  };
  /** What the SRS-initiated verdict uses of the manager (srs-initiated-policy.ts). */
  private readonly srsInitiatedHost: SrsInitiatedHost = {
    policy: () => this.settings.acceptSrsInitiated,
    stopped: () => this.stopped,
    calls: this.calls,
    honours: () => this.honours(),
    state: (callId) => this.state(callId),
    newRecording: (call) => new CallRecording(call.callId, this.agents, call, this.live),
  };

  /** @param settings - see {@link SrcSettings}; checked here (RangeError; SipError(InvalidArgument) for TLS settings). */
  constructor(readonly settings: SrcSettings) {
    super();
    if (settings.srs.length === 0) throw new RangeError('SrcManager needs at least one SRS entry');
    const names = new Set(settings.srs.map((e) => e.name));
    if (names.size !== settings.srs.length) throw new RangeError('SRS entry names must be unique');
    for (const e of settings.srs) srcTlsPlan(e); // SipError(InvalidArgument) for bad TLS settings, now rather than at start()
    checkRequirement(settings.recordingRequired);
    this.clock = settings.clock ?? defaultSiprecClock();
    this.live = new SrcLiveAudio(this, settings);
    this.ng911 = settings.ng911 ? new Ng911Logger(settings.ng911, (e) => this.emit('logEvent', e), undefined, this.clock) : undefined;
  }

  /** Starts every user agent (binds their endpoints). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const listener: SessionListener = {
      started: (e) => { this.pauseIfPreferred(e); this.tapStart(e.callId); this.emit('recordingStarted', e); this.track(e, 'on'); this.policy.started(e); },
      failed: (e) => { this.settle(e.callId); this.tapEndIfIdle(e.callId); this.emit('recordingFailed', e); this.track(e, undefined); this.judged(e); this.restart(e); },
      paused: (e) => { this.emit('recordingPaused', e); this.track(e, 'paused'); },
      resumed: (e) => { this.emit('recordingResumed', e); this.track(e, 'on'); },
      stopped: (e) => { this.settle(e.callId); this.tapEndIfIdle(e.callId); this.emit('recordingStopped', e); this.track(e, undefined); this.judged(e); this.restart(e); },
      streamFailed: (e) => this.emit('streamFailed', e),
      messageDropped: (e) => this.emit('messageDropped', e),
    };
    for (const entry of this.settings.srs) {
      const ua: SrcUserAgent = new SrcUserAgent({
        entry, listener, userAgent: this.settings.userAgent ?? 'tsip-src', t1: this.settings.t1 ?? 500,
        clock: this.clock, ...(this.settings.clock ? { stackClock: this.settings.clock } : {}),
        srsInitiated: (req): SrsInitiatedVerdict => srsInitiatedVerdict(this.srsInitiatedHost, ua, req),
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
   * Starts recording a call to every SRS entry, or to the entries `options.srs` names. For a call
   * already recorded, `options.srs` adds entries (each starts its own RS; the handle stays the
   * same). `options.recordingRequired` sets the call's requirement (default
   * `SrcSettings.recordingRequired`): `recordingPolicyBroken` / `recordingPolicySatisfied` follow.
   * @throws Error before `start()` / after `shutdown()`; RangeError for a Call-ID already
   *   recorded (without `srs`) or already recorded by a named entry, an unknown entry name, no
   *   streams, duplicate labels, or an unknown requirement.
   */
  startRecording(call: CallParams, options: StartRecordingOptions = {}): CallRecording {
    this.assertRunning();
    const agents = entriesNamed(this.agents, options.srs);
    checkRequirement(options.recordingRequired);
    const known = this.known(call.callId);
    if (known && options.srs === undefined) throw new RangeError(`call ${call.callId} is already being recorded`);
    if (call.streams.length === 0) throw new RangeError('a recording needs at least one stream');
    if (new Set(call.streams.map((s) => s.label)).size !== call.streams.length) throw new RangeError('stream labels must be unique');
    if (known) return this.addEntries(known, call, agents, options);
    const rec = new CallRecording(call.callId, this.agents, call, this.live);
    const st = this.state(call.callId);
    st.recording = rec;
    for (const a of agents) st.selected.add(a.name);
    this.policy.expect(call.callId, agents.map((a) => a.name), options.recordingRequired ?? this.settings.recordingRequired);
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
    for (const a of agents) a.startRecording(call);
    return rec;
  }

  /**
   * Opens a persistent recording session (RFC 7866 §10): one RS per SRS entry that stays up while
   * calls are attached and detached in turn (`PersistentRecording`, persistent-session.ts). Its
   * own events are this manager's with `callId` = its `id`, repeated on the handle. An RS lost on
   * an entry (not closed) is opened again with the attached calls (`options.reopen`; the handle's
   * `reopening`, `reopened`, `reopenFailed`).
   * @throws Error before `start()` / after `shutdown()`; RangeError: key in use, unknown entry,
   *   no streams, duplicate labels
   */
  openPersistentSession(options: PersistentSessionOptions): PersistentRecording {
    this.assertRunning();
    if (options.id !== undefined && this.known(options.id)) throw new RangeError(`${options.id} is already being recorded`);
    const agents = options.srs ? options.srs.map((n) => this.agents.find((a) => a.name === n) ?? unknownEntry(n)) : this.agents;
    const handle = (id: string): CallRecording => new CallRecording(id, agents, { callId: id, participants: [], streams: options.streams });
    const rs: PersistentRecording = new PersistentRecording(this, agents, options, {
      clock: this.clock, running: () => !this.stopped, gone: () => this.persistent.delete(rs),
      reopening: () => { const st = this.state(rs.id); st.recording ??= handle(rs.id); }, // known again while it reopens
    });
    this.persistent.add(rs);
    this.state(rs.id).recording = handle(rs.id);
    return rs;
  }

  /** Entries added to a call already recorded (see {@link startRecording}). */
  private addEntries(rec: CallRecording, call: CallParams, agents: SrcUserAgent[], options: StartRecordingOptions): CallRecording {
    const st = this.state(call.callId);
    for (const a of agents) {
      if (a.session(call.callId) || st.restarts?.has(a.name)) throw new RangeError(`call ${call.callId} is already recorded by SRS entry ${a.name}`);
    }
    for (const a of agents) {
      st.selected.add(a.name);
      // a new RS: paused only if the app paused the whole call
      if (st.pausedBy === 'app') st.appPaused.add(a.name);
      else st.appPaused.delete(a.name);
    }
    this.policy.expect(call.callId, agents.map((a) => a.name), options.recordingRequired);
    if (!st.withheld) for (const a of agents) a.startRecording(call); // withheld: they start with the others
    return rec;
  }

  /** The entries a control applies to: those named, else those the call is recorded by. */
  private chosen(st: CallState, selection: RecordingSelection): SrcUserAgent[] {
    return selection.srs !== undefined ? entriesNamed(this.agents, selection.srs) : this.agents.filter((a) => st.selected.has(a.name));
  }

  /**
   * Every live recording (starting, active, paused or stopping), one per call and entry, as a
   * snapshot: state, SRS URI, RS Call-ID, RFC 7865 session id, streams with their counters.
   */
  recordings(): LiveRecording[] {
    return liveRecordings(this.agents);
  }

  /**
   * Sends a request (INFO, MESSAGE, an extension...) to the SRS in the dialog of the call's
   * recording session with entry `request.srs`, after the session's pending requests; resolves
   * with the SRS's final response (any status). A 481 or 408, or no response by Timer F
   * (64 × T1), ends the recording as a failed refresh does (RFC 3261 §12.2.1.2: the dialog is
   * gone; `recordingStopped` with `SessionRefreshFailed`, judged by the call's `recordingRequired`).
   * @throws (rejects) RangeError for an unknown call or entry; SipError `MethodNotAllowed` for
   *   INVITE, ACK, BYE, CANCEL, PRACK, SUBSCRIBE, NOTIFY, REFER, REGISTER and an UPDATE with
   *   SDP, `InvalidArgument` for a bad method or a body without type, `InvalidState` when the
   *   entry does not record the call or its session is not Active, `Timeout` at Timer F,
   *   `TransportError` when it could not be sent
   */
  async sendRequest(callId: string, request: SrsRequest): Promise<SrsResponse> {
    this.assertKnown(callId);
    const [agent] = entriesNamed(this.agents, [request.srs]);
    checkSrsRequest(request);
    const session = agent.session(callId);
    if (!session) throw new SipError(SipErrorCode.InvalidState, `call ${callId} is not recorded by SRS entry ${request.srs}`);
    return session.request(request);
  }

  /** The handle of a call being recorded. */
  recording(callId: string): CallRecording | undefined {
    return this.known(callId);
  }

  /**
   * Pauses a call's recording (re-INVITE a=inactive) by every entry recording it, or by the entries
   * `selection.srs` names. Resolves true if every one took it (false for an entry not recording it).
   * @throws RangeError for an unknown call or entry name
   */
  async pauseRecording(callId: string, selection: RecordingSelection = {}): Promise<boolean> {
    const st = this.assertKnown(callId);
    const agents = this.chosen(st, selection);
    if (selection.srs === undefined) st.pausedBy = 'app';
    for (const a of agents) st.appPaused.add(a.name);
    const took = await Promise.all(agents.map((a) => a.pause(callId)));
    agents.forEach((a, i) => { if (!took[i]) st.appPaused.delete(a.name); }); // nothing paused there
    return took.every(Boolean);
  }

  /** Resumes it (every entry, or those named), like {@link pauseRecording}. */
  async resumeRecording(callId: string, selection: RecordingSelection = {}): Promise<boolean> {
    const st = this.assertKnown(callId);
    const agents = this.chosen(st, selection);
    if (selection.srs === undefined) st.pausedBy = undefined;
    for (const a of agents) st.appPaused.delete(a.name);
    return (await Promise.all(agents.map((a) => a.resume(callId)))).every(Boolean);
  }

  /** Sends participant/stream changes (partial metadata, new m-lines) to every entry recording the call. */
  async updateRecording(callId: string, changes: RecordingChanges): Promise<boolean> {
    const st = this.assertKnown(callId);
    const ok = (await Promise.all(this.chosen(st, {}).map((a) => a.update(callId, changes)))).every(Boolean);
    if (changes.streamsAdded?.length) this.live.streamsAdded(callId, changes.participantsJoined ?? [], changes.streamsAdded);
    return ok;
  }

  /**
   * Stops a call's recording (BYE to every SRS), or only by the entries `selection.srs` names (the
   * others go on; the call stays known while any is asked for). Resolves when each ended.
   * @throws RangeError for an unknown call or entry name
   */
  async stopRecording(callId: string, selection: RecordingSelection = {}): Promise<void> {
    const st = this.assertKnown(callId);
    const agents = selection.srs === undefined ? this.agents : entriesNamed(this.agents, selection.srs);
    for (const a of agents) {
      st.selected.delete(a.name);
      st.appPaused.delete(a.name);
      st.restarts?.delete(a.name);
    }
    if (st.restarts?.size === 0) st.restarts = undefined;
    if (st.selected.size === 0) {
      st.withheld = false;
      st.restarts = undefined;
    }
    this.policy.release(callId, st.selected.size === 0 ? undefined : agents.map((a) => a.name));
    await Promise.all(agents.map((a) => a.stop(callId, RecordingEndReason.Stopped)));
    this.settle(callId); // a call a preference withheld has no session to end
  }

  /**
   * The recording indication for the call's participants (RFC 7866 §7.1.2; the `a=record` value
   * the app puts in the CS SDP): 'on' while any SRS entry records it, 'paused' while every entry
   * recording it has paused, 'off' otherwise (starting, stopped, failed, withheld, unknown call).
   * It follows what the SRSs confirmed; `recordingIndicationChanged` reports every change.
   */
  recordingIndication(callId: string): RecordingIndication {
    const st = this.calls.get(callId);
    if (st) return st.indication ?? 'off';
    for (const rs of this.persistent) if (rs.recordingIndication(callId) === 'on') return 'on';
    return 'off';
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
    return applyRecordingPreference(this.preferenceHost, st, callId, preference);
  }

  /** Ends every recording with BYE and releases every socket, timer and queued log event. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.policy.clear(); // shutdown breaks no requirement
    for (const rs of this.persistent) rs.haltReopen();
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

  /** An entry's recording failed or ended: the call's requirement judges it; a forgotten call's goes. */
  private judged(e: RecordingEventBase & { reason: RecordingEndReason; statusCode?: number }): void {
    this.policy.ended(e);
    if (!this.known(e.callId)) this.policy.release(e.callId);
  }

  private honours(): boolean {
    return this.settings.honourRecordingPreference ?? true;
  }

  /** Reports what a preference did, after the call that caused it returned (DESIGN §3). */
  private applied(callId: string, preference: RecordingPreference, action: RecordingPreferenceAppliedEvent['action']): true {
    queueMicrotask(() => this.emit('recordingPreferenceApplied', { callId, preference, action }));
    return true;
  }

  /**
   * An entry started recording a call a preference wants paused, or one added to a call the app
   * paused as a whole: pause it before any media.
   */
  private pauseIfPreferred(e: RecordingEventBase): void {
    const st = this.calls.get(e.callId);
    const byApp = st?.appPaused.has(e.srsName) === true;
    if (!byApp && (st?.pausedBy !== 'preference' || !this.honours())) return;
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
