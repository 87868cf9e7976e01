/**
 * tsip: a SIP Client API for Node.js in the shape of the Symbian SIP Client API.
 *
 * The API classes (lib/api) are exported by name; the interfaces they implement stay reachable as
 * `views` (the `tsip/include-types` entry point has them under their own names). The lower layers
 * most useful to apps and tests are exported too: the stack, the clocks, the message model.
 * @module
 */
export * from './api/index.js';
export * as views from '../include-types/api.js';
export { SipError, SipErrorCode, isSipError, type SipErrorOptions } from '../include-types/errors.js';
export { ConnectionState, TransactionState, DialogState, RefreshState, EndReason } from '../include-types/states.js';
export type * from '../include-types/settings.js';
export type { SipObserver, SipConnectionObserver, HttpDigestChallengeObserver } from '../include-types/observers.js';
export type { HeaderField, Owned, RegistrationContext } from '../include-types/api.js';
export { SipStack, TSIP_VERSION, type StackStats, type StackEvent } from './stack/index.js';
export { FakeClock, RealClock } from './transaction/index.js';
export { SipRequest, SipResponse, SipUri, NameAddr, parseUri, parseMessage } from './message/index.js';
