/** The Session Recording Server: Srs, its checks, sessions and storage. */
export { Srs } from './srs.js';
export { SrsSession } from './srs-session.js';
export { checkRecordingInvite, checkRecordingBody, type InviteVerdict, type ReceivedMetadata } from './check-invite.js';
export * from './storage/index.js';
