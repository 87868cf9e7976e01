/**
 * What `SrcManager` keeps of one call (CS Call-ID): the app's handle while the call is known, the
 * participant's recording preference and what it did (RFC 7866 §7.1.3), who paused it, which
 * entries the app asked for (and paused), the
 * entries to start again once their session ended, and per entry what the SRSs confirmed with
 * the indication that follows from it (RFC 7866 §7.1.2). One object per call instead of one map
 * per concern; the manager drops it once {@link CallState.idle}.
 */
import type { RecordingIndication, RecordingPreference } from '../../../include-types/siprec.js';
import type { CallRecording } from './call-recording.js';

/** One call's state in the manager. */
export class CallState {
  /** The app's handle; undefined once the call is no longer known (settled or shut down). */
  recording: CallRecording | undefined;
  /** The last recording preference (RFC 7866 §7.1.3). */
  preference: RecordingPreference | undefined;
  /** A preference 'off' keeps the call unrecorded (known, so a later preference can start it). */
  withheld = false;
  /** Who asked for the pause: the app or a preference. */
  pausedBy: 'app' | 'preference' | undefined;
  /** Entries (by name) the app asked to record the call (`startRecording`'s `srs`, else every one). */
  readonly selected = new Set<string>();
  /** Entries the app paused (a preference's resume leaves them paused). */
  readonly appPaused = new Set<string>();
  /** Entries (by name) whose session is ending and should start again once ended. */
  restarts: Set<string> | undefined;
  /** Per entry: recording ('on') or paused, as the SRSs confirmed. */
  readonly entries = new Map<string, 'on' | 'paused'>();
  /** The indication last reported ('off' when none). */
  indication: RecordingIndication = 'off';

  /** The call is no longer known: the handle, preference and pause owner go. */
  forget(): void {
    this.recording = undefined;
    this.preference = undefined;
    this.pausedBy = undefined;
    this.selected.clear();
    this.appPaused.clear();
  }

  /** Nothing left to keep: the manager may drop the object. */
  get idle(): boolean {
    return this.recording === undefined && this.preference === undefined && this.pausedBy === undefined
      && !this.withheld && this.restarts === undefined && this.entries.size === 0 && this.indication === 'off';
  }
}
