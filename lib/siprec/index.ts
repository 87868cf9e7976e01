/** SIPREC on the SIP Client API: recording client (src), server (srs), bodies, media, metadata, NG9-1-1. */
export { SrcManager, CallRecording, SrcUserAgent } from './src/index.js';
export { Srs } from './srs/index.js';
export { listRecordings, readRecording, recoverRecordings, wavDurations, RecordingIndexError, IndexProblem, type StoredRecording, type RecordingIndex } from './srs/storage/index.js';
export { srsStatusRoutes } from './srs/status/index.js';
