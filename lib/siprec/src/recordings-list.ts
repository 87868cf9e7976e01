/**
 * Snapshots of live recordings for `SrcManager.recordings()`: one plain object per call and SRS
 * entry, copied out of the session (nothing in it changes afterwards), so an operator view or a
 * test can hold it.
 */
import { LiveRecordingState, type LiveRecording, type LiveRecordingStream, type MessageStreamStats, type RecordedStreamInfo, type RecordedStreamParams } from '../../../include-types/siprec.js';
import type { MediaFork } from './media-fork.js';
import type { SessionStream } from './session-offer.js';

/** What a snapshot is made of (RecordingSession gives it). */
export interface LiveRecordingParts {
  callId: string;
  srsName: string;
  /** The session's state: Starting, Active, Stopping (Ended sessions are not listed). */
  state: 'Starting' | 'Active' | 'Stopping' | 'Ended';
  /** True once the SRS took the pause. */
  paused: boolean;
  srs: string;
  recordingId: string;
  sessionId: string;
  srsInitiated: boolean;
  streams: readonly SessionStream[];
  /** The call's streams as given (listed while their ports are still being bound). */
  callStreams: readonly RecordedStreamParams[];
  /** The streams as the SRS's last answer had them. */
  answered: readonly RecordedStreamInfo[];
  fork: MediaFork;
  messages: Record<string, MessageStreamStats> | undefined;
  startedAt: number;
  activeSince: number | undefined;
}

/** The snapshot; undefined for an ended session. */
export function liveRecording(p: LiveRecordingParts): LiveRecording | undefined {
  if (p.state === 'Ended') return undefined;
  const state = p.state === 'Active' ? (p.paused ? LiveRecordingState.Paused : LiveRecordingState.Active) : LiveRecordingState[p.state];
  const params = p.streams.map((s) => s.params);
  for (const c of p.callStreams) if (!params.some((s) => s.label === c.label)) params.push(c);
  const streams: LiveRecordingStream[] = params.map((s) => {
    const label = s.label;
    const media = s.media ?? 'audio';
    const accepted = p.state !== 'Starting' && p.answered.some((a) => a.label === label && a.accepted);
    if (media === 'message') {
      const m = p.messages?.[label];
      return { label, media, accepted, packetsSent: m?.chunks ?? 0, bytesSent: m?.bytes ?? 0 };
    }
    const st = p.fork.get(label)?.stats;
    return { label, media, accepted, packetsSent: st?.sent ?? 0, bytesSent: st?.bytesSent ?? 0 };
  });
  return {
    callId: p.callId, srsName: p.srsName, state, srs: p.srs, recordingId: p.recordingId, sessionId: p.sessionId,
    srsInitiated: p.srsInitiated, streams, startedAt: p.startedAt, ...(p.activeSince !== undefined ? { activeSince: p.activeSince } : {}),
  };
}
