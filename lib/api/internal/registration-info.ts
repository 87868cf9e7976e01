/**
 * What a request learns from the registration it is tied to (MSIPRegistrationContext): the
 * address-of-record for From and the RFC 3608 Service-Route to preload.
 * @module
 */
import type { RegistrationContext } from '../../../include-types/api.js';

/** A registration context that can lend its AOR and Service-Route. */
export interface RegistrationInfo extends RegistrationContext {
  /** The AOR, used as From. */
  readonly aor: string;
  /** RFC 3608 Service-Route values of the last 2xx, in order. */
  readonly serviceRoute: readonly string[];
  /** The outbound proxy, if any. */
  readonly outboundProxy: string | undefined;
}

/** True if the context offers {@link RegistrationInfo}. */
export function hasRegistrationInfo(c: RegistrationContext): c is RegistrationInfo {
  return typeof (c as Partial<RegistrationInfo>).aor === 'string' && Array.isArray((c as Partial<RegistrationInfo>).serviceRoute);
}
