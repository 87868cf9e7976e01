/** SRS storage: a directory per recording with WAVs, metadata files and an atomic index.json. */
export * from './index-file.js';
export { RecordingDir, safeName, type CreateRecordingOptions } from './recording-dir.js';
export { listRecordings, readRecording, recoverRecordings, wavDurations, type StoredRecording } from './recover.js';
export { callIdsOf, mapParticipants } from './participants.js';
export { inspectRecording, readWavSamples, tonePower, type StreamAudio } from './inspect.js';
