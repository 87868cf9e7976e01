/** SRS storage: a directory per recording with WAVs, metadata files and an atomic index.json. */
export * from './index-file.js';
export * from './index-read.js';
export { RecordingDir, safeName, type CreateRecordingOptions, type MediaStreamSpec, type RecordingCounters, type RecordingStorage } from './recording-dir.js';
export * from './rtpdump.js';
export * from './t140.js';
export * from './message-log.js';
export { listRecordings, readRecording, recoverRecordings, wavDurations, writerAlive, type RecoveryReport, type StoredRecording } from './recover.js';
export { callIdsOf, mapParticipants } from './participants.js';
export { inspectRecording, listStreamFiles, readWavSamples, tonePower, type StreamAudio, type StreamFiles } from './inspect.js';
