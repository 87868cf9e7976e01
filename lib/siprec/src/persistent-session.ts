/**
 * A persistent recording session (RFC 7866 §10; SIPREC-NOTES SRC-15): one RS from the SRC to each
 * SRS entry that stays up across calls, for an app that records everything a position handles (a
 * PSAP call-taker, a contact-centre agent, a trading turret). RFC 7866 §10 as recalled (its text
 * was not found in any stored copy, searched again 2026-12-07; SIPREC-NOTES SRC-15 [verify]): the SRC may set up the RS before any CS
 * and keep its recorded streams allocated, so a new CS needs no new SDP offer, only a metadata
 * update; with no CS there is no media to send. RFC 7865 lets an RS hold zero or more CSs.
 *
 * What tsip does (and chose where the RFC leaves it open):
 * - `openPersistentSession` sends one INVITE per entry with the RS's streams (one `a=sendonly`
 *   m-line per label) and a complete metadata snapshot without any CS (persistent-metadata.ts).
 * - `attachCall` sends the CS's association as partial metadata (its session, participants,
 *   streams on the RS labels it names, associations), by UPDATE when the SRS allows it, else by
 *   re-INVITE (session-requests.ts, `metadataUpdateMethod`). The call's media is forwarded only
 *   once every entry whose RS is up answered it (2xx or failure), so the SRS has seen the new
 *   association before the first packet of the call: what it stores after the association is
 *   that CS's.
 * - `detachCall` stops forwarding the call's media first (nothing of it reaches the SRS after
 *   the disassociation), then sends the CS's stop-time and disassociate-time (or, with
 *   `callEnded: false`, the disassociation alone: the call goes on unrecorded).
 * - Between calls (`idle`): by default the streams stay `sendonly` and no RTP is sent, as §10
 *   is recalled to describe, not even keep-alive packets. §10 is recalled to point non-ICE
 *   agents at RFC 6263 for their NAT bindings [verify: the §10 text was not found; RFC 6263's
 *   abstract, read, confirms it lists ways to keep RTP/RTCP NAT mappings alive and recommends one].
 *   tsip's RTCP reports (`media.rtcp` on) do not keep the RTP port's binding: the RS m-lines
 *   carry `a=rtcp:<port+1>` and no `a=rtcp-mux` (body/offer.ts), so RTCP leaves from its own
 *   port and only its own NAT mapping is refreshed. An SRC behind a NAT that times out between
 *   calls may start the next call's RTP from a new public port. `idle: 'inactive'` puts
 *   `a=inactive` in the request that detaches the last call and `a=sendonly` in the one that
 *   attaches the next (one re-INVITE each).
 * - Calls may overlap (a consultation while a call is held) when they use different labels; a
 *   label is owned by one attached call at a time.
 * - `close()` ends the calls still attached (stop-time) and sends BYE.
 * - An RS that ends on an entry without `close()` (the SRS's BYE, a failed refresh, a lost dialog
 *   or connection) is opened again (persistent-reopen.ts; tsip's choice, no RFC text asks for it):
 *   `reopening`, then after a delay on the clock a new INVITE through the entry's URIs in order
 *   (failover as for any recording) whose complete metadata holds the calls attached now;
 *   `reopened` once up, the attached calls' media flowing to it again; after the bounded
 *   attempts, `reopenFailed`. Calls attached, detached or changed meanwhile update that entry's
 *   metadata without a request, so the new RS's snapshot is what is attached then (if calls
 *   changed while its INVITE was out, a complete snapshot follows once it is up).
 * - Recording indication (RFC 7866 §6.1.2: the SRC must let the CS's participants know): an
 *   attached call is 'on' from the moment an SRS took its association until it is detached or no
 *   RS that took it is up; each change is the manager's `recordingIndicationChanged` for the call,
 *   and `SrcManager.recordingIndication(callId)` answers for attached calls too.
 * The RS's own events (started, failed, stopped, paused) are the SrcManager's with `callId` the
 * RS's key, and are repeated on this handle.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import type { Clock } from '../../../include-types/settings.js';
import {
  RecordingEndReason, type RecordingChanges, type RecordingIndication, type RecordingFailedEvent, type RecordingStartedEvent, type RecordingStoppedEvent, type SrcManagerEvents,
} from '../../../include-types/siprec.js';
import type {
  PersistentCallEvent, PersistentCallParams, PersistentDetachOptions, PersistentIdleMode, PersistentRecordingEvents, PersistentSessionOptions,
} from '../../../include-types/siprec-persistent.js';
import type { RtpPacket } from '../media/index.js';
import { PersistentMetadata } from './persistent-metadata.js';
import { PersistentReopener } from './persistent-reopen.js';
import { SessionState } from './recording-session.js';
import type { SrcUserAgent } from './src-user-agent.js';

/** Where the RS stands on one entry ('waiting': lost, to be opened again after a delay). */
type EntryState = 'starting' | 'up' | 'waiting' | 'gone';

/** What a persistent RS needs of its manager. */
export interface PersistentHooks {
  /** The manager's clock (the reopen delays). */
  readonly clock: Clock;
  /** False once the manager is shutting down. */
  running(): boolean;
  /** A reopen attempt starts: the manager knows the RS's key again (`recording(id)`, `sendRequest`). */
  reopening(): void;
  /** The RS is gone on every entry for good. */
  gone(): void;
}

/** Reasons an RS ends by the app's or the manager's will: no reopen. */
const WILLED_END: ReadonlySet<RecordingEndReason> = new Set([RecordingEndReason.Stopped, RecordingEndReason.Shutdown, RecordingEndReason.PreferenceOff]);

/** The app's handle on a persistent recording session; see the module comment. */
export class PersistentRecording extends EventEmitter<PersistentRecordingEvents> {
  /** The RS's key (the `callId` of its SrcManager events). */
  readonly id: string;
  private readonly labels: Set<string>;
  private readonly idle: PersistentIdleMode;
  /** Per entry name: its metadata over the attached calls. */
  private readonly meta = new Map<string, PersistentMetadata>();
  private readonly entries = new Map<string, EntryState>();
  /**
   * Label → the attached call whose media it carries and the entries that took its association
   * (media goes only to those: an SRS that refused it would file the packets under another CS).
   */
  private readonly owners = new Map<string, { callId: string; entries: Set<string> }>();
  /** Labels taken by a call being attached or attached. */
  private readonly reserved = new Map<string, string>();
  /** Calls attached or being attached, with their labels. */
  private readonly calls = new Map<string, string[]>();
  private settledWaiters: (() => void)[] = [];
  /** Calls whose indication is 'on' now (see the module comment). */
  private readonly indicated = new Set<string>();
  private closing = false;
  /** The RS as its sessions are started (on open and on each reopen). */
  private readonly rsParams: { callId: string; participants: []; streams: PersistentSessionOptions['streams'] };
  private readonly reopener: PersistentReopener;
  /** Entries whose reopen INVITE is out, and those of them whose metadata changed since it went. */
  private readonly opening = new Set<string>();
  private readonly changedWhileOpening = new Set<string>();
  private readonly onStarted = (e: RecordingStartedEvent): void => { if (e.callId === this.id) this.entryUp(e); };
  private readonly onFailed = (e: RecordingFailedEvent): void => { if (e.callId === this.id) this.entryLost(e.srsName, e.reason, e.statusCode, () => this.emit('failed', e)); };
  private readonly onStopped = (e: RecordingStoppedEvent): void => { if (e.callId === this.id) this.entryLost(e.srsName, e.reason, undefined, () => this.emit('stopped', e)); };

  /**
   * Validates, then opens the RS on each of `agents` (events follow).
   * @throws RangeError: no streams, duplicate labels, a bad `reopen` setting
   */
  constructor(
    private readonly host: EventEmitter<SrcManagerEvents>,
    private readonly agents: readonly SrcUserAgent[],
    options: PersistentSessionOptions,
    private readonly hooks: PersistentHooks,
  ) {
    super();
    if (options.streams.length === 0) throw new RangeError('a persistent recording session needs at least one stream');
    this.labels = new Set(options.streams.map((s) => s.label));
    if (this.labels.size !== options.streams.length) throw new RangeError('stream labels must be unique');
    this.reopener = new PersistentReopener(hooks.clock, options.reopen);
    this.id = options.id ?? `persistent-${randomUUID()}`;
    this.idle = options.idle ?? 'sendonly';
    host.on('recordingStarted', this.onStarted).on('recordingFailed', this.onFailed).on('recordingStopped', this.onStopped);
    this.rsParams = { callId: this.id, participants: [], streams: options.streams.map(({ sender: _s, receivers: _r, ...s }) => s) };
    for (const a of agents) {
      const meta = new PersistentMetadata(a.entry.metadataExtensions);
      this.meta.set(a.name, meta);
      this.entries.set(a.name, 'starting');
      a.startRecording(this.rsParams, meta);
    }
  }

  /** The calls attached now (or being attached), in attach order. */
  get attachedCalls(): string[] {
    return [...this.calls.keys()];
  }

  /** True while the RS is up on at least one entry. */
  get isUp(): boolean {
    return [...this.entries.values()].includes('up');
  }

  /**
   * Attaches a call (RFC 7866 §10): its CS is associated with the RS by a partial metadata
   * update to every entry (waiting first for entries still setting the RS up); from its answer on,
   * {@link forward} sends the call's media on the labels it names, to the entries that took it.
   * Resolves true when the RS is up on some entry and every such entry took it (false: no RS up,
   * or an SRS refused; the call stays attached, so `detachCall` is still due).
   * @throws RangeError: call already attached, no streams, a label the RS does not have or
   *   another attached call uses; Error after close()
   */
  async attachCall(call: PersistentCallParams): Promise<boolean> {
    if (this.closing) throw new Error('the persistent recording session is closed');
    if (this.calls.has(call.callId)) throw new RangeError(`call ${call.callId} is already attached`);
    const labels = call.streams.map((s) => s.label);
    if (labels.length === 0) throw new RangeError('an attached call needs at least one stream');
    if (new Set(labels).size !== labels.length) throw new RangeError('stream labels must be unique');
    for (const l of labels) {
      if (!this.labels.has(l)) throw new RangeError(`the persistent recording session has no stream ${l}`);
      const other = this.reserved.get(l);
      if (other !== undefined) throw new RangeError(`stream ${l} carries call ${other}`);
    }
    this.calls.set(call.callId, labels);
    for (const l of labels) this.reserved.set(l, call.callId);
    await this.settled();
    const e = await this.toEntries(call.callId, (meta) => meta.attach(call), this.idle === 'inactive' ? false : undefined);
    if (!this.calls.has(call.callId)) return false; // detached or closed meanwhile
    for (const l of labels) this.owners.set(l, { callId: call.callId, entries: new Set(e.srsNames) });
    this.emit('callAttached', e);
    this.indicate(call.callId);
    return e.srsNames.length > 0 && e.failedSrsNames.length === 0;
  }

  /**
   * Detaches a call: its media stops at once, then the CS's stop-time and disassociation (or the
   * disassociation alone, `callEnded: false`) go to every entry. Resolves true when every entry
   * whose RS is up took it.
   * @throws RangeError for a call not attached
   */
  async detachCall(callId: string, options: PersistentDetachOptions = {}): Promise<boolean> {
    const labels = this.calls.get(callId);
    if (!labels) throw new RangeError(`call ${callId} is not attached`);
    this.calls.delete(callId);
    for (const l of labels) {
      if (this.owners.get(l)?.callId === callId) this.owners.delete(l);
      if (this.reserved.get(l) === callId) this.reserved.delete(l);
    }
    const idleNow = this.idle === 'inactive' && this.calls.size === 0;
    const e = await this.toEntries(callId, (meta) => meta.sessionId(callId) === undefined ? undefined
      : meta.detach(callId, options.callEnded ?? true, options.reason ?? 'call ended'), idleNow ? true : undefined);
    this.indicate(callId);
    this.emit('callDetached', e);
    return e.failedSrsNames.length === 0;
  }

  /**
   * Participants joined or left, hold, or streams on free labels, within an attached call: a
   * partial metadata update to every entry (the SDP stays as it is). Resolves true when every
   * entry whose RS is up took it.
   * @throws RangeError: call not attached, a label the RS lacks or another call uses, unknown keys
   */
  async updateCall(callId: string, changes: RecordingChanges): Promise<boolean> {
    const labels = this.calls.get(callId);
    if (!labels) throw new RangeError(`call ${callId} is not attached`);
    for (const s of changes.streamsAdded ?? []) {
      if (!this.labels.has(s.label)) throw new RangeError(`the persistent recording session has no stream ${s.label}`);
      if (this.reserved.has(s.label)) throw new RangeError(`stream ${s.label} is taken`);
    }
    for (const s of changes.streamsAdded ?? []) {
      labels.push(s.label);
      this.reserved.set(s.label, callId);
    }
    const e = await this.toEntries(callId, (meta) => meta.sessionId(callId) === undefined ? undefined : meta.callChangesXml(callId, changes), undefined);
    for (const s of changes.streamsAdded ?? []) if (this.calls.get(callId) === labels) this.owners.set(s.label, { callId, entries: new Set(e.srsNames) });
    return e.srsNames.length > 0 && e.failedSrsNames.length === 0;
  }

  /**
   * Forwards one RTP packet of the stream `label` to every entry whose RS is up, while an
   * attached call owns the label. Returns how many SRSs it was sent to (0 between calls).
   */
  forward(label: string, packet: RtpPacket | Uint8Array, arrivalMs?: number): number {
    const owner = this.owners.get(label);
    if (!owner) return 0;
    let n = 0;
    for (const a of this.agents) if (owner.entries.has(a.name) && a.forward(this.id, label, packet, arrivalMs)) n++;
    return n;
  }

  /** Relays one RTCP datagram of the stream `label` (see `CallRecording.forwardRtcp`), while a call owns it. */
  forwardRtcp(label: string, data: Uint8Array, nowMs?: number): number {
    const owner = this.owners.get(label);
    if (!owner) return 0;
    let n = 0;
    for (const a of this.agents) if (owner.entries.has(a.name) && a.forwardRtcp(this.id, label, data, nowMs)) n++;
    return n;
  }

  /** The stream `label` as an object-mode Writable of RTP packets, forwarded like {@link forward}. */
  writable(label: string): Writable {
    return new Writable({ objectMode: true, write: (chunk: RtpPacket | Uint8Array, _enc, done) => { this.forward(label, chunk); done(); } });
  }

  /**
   * The recording indication for an attached call's participants (RFC 7866 §6.1.2, the SDP
   * `a=record` value): 'on' while an RS that took its association is up, else 'off'.
   */
  recordingIndication(callId: string): RecordingIndication {
    return this.indicated.has(callId) ? 'on' : 'off';
  }

  /** The call whose media the stream `label` carries now, if any. */
  callOn(label: string): string | undefined {
    return this.owners.get(label)?.callId;
  }

  /**
   * Closes the RS: the calls still attached end with it (stop-time and disassociation in the
   * last metadata update), then BYE to every entry. Resolves once each RS ended.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.reopener.halt();
    this.owners.clear();
    this.reserved.clear();
    this.calls.clear();
    for (const callId of [...this.indicated]) this.indicate(callId);
    await Promise.all(this.agents.map((a) => a.stop(this.id, RecordingEndReason.Stopped)));
    this.unsubscribe();
  }

  /** No more reopening (SrcManager.shutdown): pending delays are cancelled. */
  haltReopen(): void {
    this.reopener.halt();
  }

  // ---- internals ----

  /**
   * Sends one metadata update per entry whose RS is up (`xmlOf` undefined for an entry: skipped),
   * with the streams' direction when `paused` is given (else they stay as they are).
   */
  private async toEntries(callId: string, xmlOf: (meta: PersistentMetadata) => string | undefined, paused: boolean | undefined): Promise<PersistentCallEvent> {
    const ok: string[] = [];
    const failed: string[] = [];
    const sessionIds: Record<string, string> = {};
    await Promise.all(this.agents.map(async (a) => {
      const meta = this.meta.get(a.name)!;
      const sid = meta.sessionId(callId);
      // an entry whose RS is not up has its metadata kept in step all the same (nothing sent):
      // a reopened RS's complete snapshot is then what is attached at that time
      const xml = xmlOf(meta);
      const s = a.session(this.id);
      if (this.entries.get(a.name) !== 'up' && xml !== undefined && this.opening.has(a.name)) this.changedWhileOpening.add(a.name);
      if (this.entries.get(a.name) !== 'up' || xml === undefined || !s || s.state !== SessionState.Active) return;
      sessionIds[a.name] = sid ?? meta.sessionId(callId)!;
      if (await s.sendMetadata(xml, paused)) ok.push(a.name);
      else failed.push(a.name);
    }));
    return { id: this.id, callId, sessionIds, srsNames: ok.sort(), failedSrsNames: failed.sort() };
  }

  private entryUp(e: RecordingStartedEvent): void {
    const attempt = this.reopener.attempt(e.srsName);
    this.reopener.succeeded(e.srsName);
    this.entries.set(e.srsName, 'up');
    this.emit('started', e);
    if (attempt > 0) this.reopened(e, attempt);
    // the idle direction is tsip's choice (no §10 text on it is known); 'inactive' starts so (nothing attached yet).
    if (this.idle === 'inactive' && this.calls.size === 0) void this.agents.find((a) => a.name === e.srsName)?.pause(this.id);
    this.checkSettled();
  }

  /** Up again after a loss: the attached calls' media goes to it again (their metadata was in its INVITE). */
  private reopened(e: RecordingStartedEvent, attempt: number): void {
    const meta = this.meta.get(e.srsName)!;
    const callIds = meta.attached;
    for (const owner of this.owners.values()) if (callIds.includes(owner.callId)) owner.entries.add(e.srsName);
    for (const callId of callIds) this.indicate(callId);
    this.emit('reopened', { id: this.id, srsName: e.srsName, attempt, srs: e.srs, recordingId: e.recordingId, callIds });
    // calls detached or changed while the INVITE was out: the SRS gets what is attached now
    this.opening.delete(e.srsName);
    if (this.changedWhileOpening.delete(e.srsName)) void this.agents.find((a) => a.name === e.srsName)?.session(this.id)?.sendMetadata(meta.completeXml());
  }

  /**
   * The RS ended on an entry, or never came up: reopened (after a delay) when it was lost against
   * the app's will and attempts are left, else gone on that entry.
   */
  private entryLost(name: string, reason: RecordingEndReason, statusCode: number | undefined, emit: () => void): void {
    const wasUp = this.entries.get(name) === 'up';
    this.opening.delete(name);
    this.changedWhileOpening.delete(name);
    const retry = !this.closing && this.hooks.running() && this.reopener.maxAttempts > 0 && !WILLED_END.has(reason) && (wasUp || this.reopener.reopening(name));
    if (!retry) return this.entryGone(name, emit);
    this.entries.set(name, 'waiting');
    emit();
    for (const callId of [...this.indicated]) this.indicate(callId);
    this.checkSettled();
    const next = this.reopener.schedule(name, () => this.reopen(name));
    if (next === undefined) {
      this.entries.set(name, 'gone');
      this.emit('reopenFailed', {
        id: this.id, srsName: name, attempts: this.reopener.maxAttempts, reason, ...(statusCode !== undefined ? { statusCode } : {}), callIds: this.meta.get(name)!.attached,
      });
      if ([...this.entries.values()].every((s) => s === 'gone')) this.unsubscribe();
      return;
    }
    this.emit('reopening', {
      id: this.id, srsName: name, ...next, maxAttempts: this.reopener.maxAttempts, reason, ...(statusCode !== undefined ? { statusCode } : {}),
    });
  }

  /** One reopen attempt: a new INVITE with the complete snapshot of the calls attached now. */
  private reopen(name: string): void {
    const agent = this.agents.find((a) => a.name === name);
    if (!agent || this.closing || !this.hooks.running() || this.entries.get(name) !== 'waiting') return;
    this.hooks.reopening();
    const meta = this.meta.get(name)!;
    this.entries.set(name, 'starting');
    this.opening.add(name);
    this.changedWhileOpening.delete(name);
    agent.startRecording(this.rsParams, meta);
  }

  private entryGone(name: string, emit: () => void): void {
    this.entries.set(name, 'gone');
    emit();
    for (const callId of [...this.indicated]) this.indicate(callId);
    this.checkSettled();
    if ([...this.entries.values()].every((s) => s === 'gone')) this.unsubscribe();
  }

  /** Resolves once no entry is still setting the RS up. */
  private settled(): Promise<void> {
    if (![...this.entries.values()].includes('starting')) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private checkSettled(): void {
    if ([...this.entries.values()].includes('starting')) return;
    const w = this.settledWaiters;
    this.settledWaiters = [];
    for (const fn of w) fn();
  }

  /** Recomputes a call's indication and reports a change on the manager. */
  private indicate(callId: string): void {
    const labels = this.calls.get(callId) ?? [];
    const on = labels.some((l) => {
      const owner = this.owners.get(l);
      return owner?.callId === callId && [...owner.entries].some((n) => this.entries.get(n) === 'up');
    });
    if (on === this.indicated.has(callId)) return;
    if (on) this.indicated.add(callId);
    else this.indicated.delete(callId);
    this.host.emit('recordingIndicationChanged', { callId, indication: on ? 'on' : 'off' });
  }

  private unsubscribe(): void {
    this.host.off('recordingStarted', this.onStarted).off('recordingFailed', this.onFailed).off('recordingStopped', this.onStopped);
    this.reopener.halt();
    this.hooks.gone();
  }
}
