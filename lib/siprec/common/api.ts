/**
 * The one place lib/siprec reaches the SIP Client API (lib/api): every signalling object the
 * recording client and server use comes through here, so SIPREC runs on the public API only.
 */
export {
  SipClient, SipConnection, InviteDialogAssoc, MessageElements, RequestElements, ResponseElements,
  ClientTransaction, ServerTransaction, type SipClientOptions,
  HttpDigest, DigestServer, type DigestUserLookup,
} from '../../api/index.js';
