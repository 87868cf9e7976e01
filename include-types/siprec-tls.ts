/**
 * SIPREC contract, SIP over TLS on the recording leg (RFC 3261 §26.2, RFC 5630): the TLS settings
 * of an SRS entry (`SrsEntrySettings.tls`) and of an `Srs` (`SrsSettings.tls`).
 * Types only; `siprec.ts` re-exports every part.
 */

/**
 * Certificates and keys of one side, each given inline (PEM text or bytes) or as a file path
 * (`…File`), never both. The settings are checked when the `SrcManager` / `Srs` is made: a
 * certificate without its key (or the reverse), a file that cannot be read, text that is not PEM,
 * or a key that does not match its certificate throws `SipError(InvalidArgument)`.
 */
export interface SiprecTlsMaterial {
  /** PEM certificate chain of this side. */
  cert?: string | Buffer;
  /** Path of a PEM file with the certificate chain. */
  certFile?: string;
  /** PEM private key of `cert` (unencrypted). */
  key?: string | Buffer;
  /** Path of a PEM file with the private key. */
  keyFile?: string;
  /** PEM CA certificates to trust (default: Node's bundled public CAs). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Path(s) of PEM files with CA certificates to trust. */
  caFile?: string | string[];
}

/**
 * TLS of an SRS entry (the SRC's side): how the SRS's certificate is checked and the SRC's own
 * client certificate. TLS is used towards `sips:` SRS URIs (TLS on every hop, RFC 3261 §26.2.2,
 * RFC 5630) and URIs with `;transport=tls`.
 */
export interface SrcTlsSettings extends SiprecTlsMaterial {
  /**
   * Verify the SRS's certificate: its chain up to `ca` (or the public CAs) and its name against
   * the URI host, or `servername` (RFC 5922 §7.2; an IP host is matched against IP
   * subjectAltNames). Default true; `false` accepts any certificate (still encrypted, not
   * authenticated): only when the app says so.
   */
  verify?: boolean;
  /** Name the SRS's certificate must carry and the SNI sent, when it is not the URI host. */
  servername?: string;
  /**
   * Local port of the SRC's TLS listener (default 0: any). The SRC listens on TLS only with a
   * certificate and key: then the SRS's own requests in the dialog (its BYE, snapshot requests)
   * reach the SRC over TLS, and its Contact names TLS (`sips:` towards `sips:` SRS URIs).
   */
  port?: number;
}

/** TLS of an `Srs`: its server certificate and, optionally, client certificate checks. */
export interface SrsTlsSettings extends SiprecTlsMaterial {
  /**
   * TLS port (default: `port` + 1 when `port` is set and TCP is listened on too, e.g. 5061 beside
   * 5060; any free port when `port` is 0; `port` itself when TLS is the only stream transport).
   */
  port?: number;
  /**
   * Ask every SRC for a client certificate and refuse the TLS handshake without one that chains
   * to `ca` (mutual TLS). Default false. Needs `ca` or `caFile`.
   */
  requireClientCertificate?: boolean;
}
