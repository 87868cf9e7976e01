/**
 * A read-only view of the recordings an Srs is writing now, for its status page and other
 * observers: each session's index as it stands (a copy, counts refreshed) and whether it is
 * paused. Nothing here can change a session.
 */
import type { SrsSession } from './srs-session.js';
import type { RecordingIndex } from './storage/index.js';
import type { SrsSessionState } from './srs-session-state.js';

/** A recording in progress. */
export interface SrsLiveRecording {
  /** RS Call-ID. */
  readonly recordingId: string;
  /** Its directory ('' in signalling-only mode). */
  readonly dir: string;
  /** Labels of the streams negotiated. */
  readonly labels: readonly string[];
  /** When the session was answered (ms since the epoch). */
  readonly startedMs: number;
  /** True while the SRC has every stream inactive (RFC 7866 §7.1.1). */
  readonly paused: boolean;
  /** Where the session is in its life (setup, awaitingAnswer, recording, paused; see srs-session-state.ts). */
  readonly sessionState: SrsSessionState;
  /** A copy of its index.json as it stands now; absent in signalling-only mode. */
  readonly index?: RecordingIndex;
}

/** The live view of one session. */
export function liveRecordingOf(s: SrsSession): SrsLiveRecording {
  const index = s.rec?.snapshot;
  return {
    recordingId: s.recordingId, dir: s.rec?.dir ?? '', labels: s.labels, startedMs: s.startedMs, paused: s.paused, sessionState: s.state,
    ...(index ? { index } : {}),
  };
}
