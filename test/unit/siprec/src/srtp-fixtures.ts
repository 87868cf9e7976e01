/** Imports of the SRC SRTP unit test, gathered. */
export { MessageElements } from '../../../../lib/siprec/common/api.js';
export { PortAllocator, RtpEndpoint } from '../../../../lib/siprec/media/index.js';
export { SrtpReceiver } from '../../../../lib/siprec/media/srtp/index.js';
import { keyMaterialOf, type CryptoAttr } from '../../../../lib/siprec/body/index.js';
import type { SrtpKeyMaterial } from '../../../../lib/siprec/media/srtp/index.js';
/** Key material of an offered line. */
export const keyOf = (c: CryptoAttr): SrtpKeyMaterial => keyMaterialOf(c as never);
