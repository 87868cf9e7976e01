/** RFC 7865 recording metadata: model, parse, build, merge, snapshot requests, SRC builder. */
export * from './types.js';
export * from './constants.js';
export { MetadataError, MetadataErrorCode } from './errors.js';
export { parseMetadata, type ParseMetadataOptions } from './parse.js';
export { buildMetadata, type BuildMetadataOptions } from './build.js';
export { validateMetadata, type ValidateOptions } from './validate.js';
export { applyPartialUpdate } from './partial.js';
export { newMetadataId } from './ids.js';
export { buildSnapshotRequest, parseSnapshotRequest, type SnapshotRequest } from './snapshot.js';
export {
  MetadataBuilder, TSIP_EXTENSION_NS,
  type CallDescription, type CallParticipant, type CallStream, type MetadataBuilderOptions,
} from './builder.js';
export {
  callIdsOf, describeStreams, findExtensionValues, findStreamByLabel, senderOfLabel, type StreamDescription, type StreamParty,
} from './queries.js';
export { classifySiprecContentType, type SiprecBodyKind } from './content-type.js';
export { diffMetadata, isEmptyUpdate } from './diff.js';
