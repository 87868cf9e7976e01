/**
 * SIP over TLS on the recording leg (RFC 3261 §26, RFC 5630): the SIPREC TLS settings
 * (`SrsEntrySettings.tls`, `SrsSettings.tls`) checked and turned into the transport's
 * `TlsSettings`. Every mistake is a `SipError(InvalidArgument)` naming the setting, raised when
 * the `SrcManager` / `Srs` is made rather than at the first handshake.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { TlsSettings } from '../../../include-types/settings.js';
import type { SiprecTlsMaterial, SrcTlsSettings, SrsTlsSettings } from '../../../include-types/siprec.js';

type Pem = string | Buffer;

/** The material of {@link SiprecTlsMaterial} with files read: what node:tls takes. */
export interface LoadedTlsMaterial {
  cert?: Pem;
  key?: Pem;
  ca?: Pem[];
}

function invalid(message: string, cause?: unknown): SipError {
  return new SipError(SipErrorCode.InvalidArgument, message, cause === undefined ? undefined : { cause });
}

function checkPem(value: Pem, label: string): Pem {
  if (!Buffer.from(value).toString('latin1').includes('-----BEGIN ')) {
    throw invalid(`${label} is not PEM (no "-----BEGIN" line)`);
  }
  return value;
}

function readPem(path: string, label: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw invalid(`${label} ${path} cannot be read${code ? ` (${code})` : ''}`, e);
  }
  checkPem(data, `${label} ${path}`);
  return data;
}

/** Inline PEM or a file, never both. */
function one(inline: Pem | undefined, file: string | undefined, name: string, where: string): Pem | undefined {
  if (inline !== undefined && file !== undefined) throw invalid(`${where}: give ${name} or ${name}File, not both`);
  if (file !== undefined) return readPem(file, `${where}.${name}File`);
  return inline === undefined ? undefined : checkPem(inline, `${where}.${name}`);
}

/**
 * Reads and checks certificate, key and CAs: inline or file (not both), files readable, PEM,
 * key with certificate, and a key that matches its certificate (node:tls builds a context).
 * @param where - the setting's name in messages, e.g. `SrsEntrySettings[e1].tls`
 * @throws SipError(InvalidArgument) naming what is wrong
 */
export function loadTlsMaterial(s: SiprecTlsMaterial, where: string): LoadedTlsMaterial {
  const cert = one(s.cert, s.certFile, 'cert', where);
  const key = one(s.key, s.keyFile, 'key', where);
  if (cert !== undefined && key === undefined) throw invalid(`${where}: a certificate needs its private key (key or keyFile)`);
  if (key !== undefined && cert === undefined) throw invalid(`${where}: a private key needs its certificate (cert or certFile)`);
  if (s.ca !== undefined && s.caFile !== undefined) throw invalid(`${where}: give ca or caFile, not both`);
  let ca: Pem[] | undefined;
  if (s.caFile !== undefined) {
    const files = Array.isArray(s.caFile) ? s.caFile : [s.caFile];
    ca = files.map((f) => readPem(f, `${where}.caFile`));
  } else if (s.ca !== undefined) {
    ca = (Array.isArray(s.ca) ? s.ca : [s.ca]).map((c) => checkPem(c, `${where}.ca`));
  }
  try {
    createSecureContext({ cert, key, ca });
  } catch (e) {
    throw invalid(`${where}: the certificate, key or CA cannot be used: ${(e as Error).message}`, e);
  }
  return { ...(cert !== undefined ? { cert } : {}), ...(key !== undefined ? { key } : {}), ...(ca !== undefined ? { ca } : {}) };
}

function checkPort(port: number | undefined, where: string): void {
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw invalid(`${where}.port must be an integer 0..65535 (not ${port})`);
}

/**
 * True when a URI asks for TLS: `sips:` (TLS on every hop, RFC 3261 §26.2.2) or
 * `;transport=tls` (RFC 3261 §19.1.1).
 */
export function uriWantsTls(uri: string): boolean {
  const u = uri.trim().replace(/^<|>$/g, '');
  if (/^sips:/i.test(u)) return true;
  const params = u.split('?')[0].split(';').slice(1);
  return params.some((p) => p.trim().toLowerCase() === 'transport=tls');
}

/** True for a `sips:` URI. */
export function isSipsUri(uri: string): boolean {
  return /^<?\s*sips:/i.test(uri.trim());
}

/** What an SRS entry's TLS comes to: the client side, and the listener's when the SRC has a certificate. */
export interface SrcTlsPlan {
  /** The IAP's `tlsClient`: CA, verification, servername, client certificate. */
  client: TlsSettings;
  /** The TLS listener's settings (certificate and key), when the SRC has them. */
  listener?: TlsSettings;
  /** Port of that listener. */
  port: number;
}

/**
 * The TLS plan of an SRS entry, or undefined when it uses no TLS (no `tls` settings, no
 * `sips:`/`;transport=tls` URI, transport not tls). `sips:` URIs need the SRC's certificate:
 * RFC 5630 §3.1.3 wants a `sips:` Contact in a `sips:` request, and only a TLS listener can be one.
 * @throws SipError(InvalidArgument) for a bad setting
 */
export function srcTlsPlan(entry: { name: string; srsUris: string[]; transport?: string; tls?: SrcTlsSettings }): SrcTlsPlan | undefined {
  const where = `SrsEntrySettings[${entry.name}].tls`;
  const s = entry.tls;
  const wanted = s !== undefined || entry.transport === 'tls' || entry.srsUris.some(uriWantsTls);
  if (!wanted) return undefined;
  const t = s ?? {};
  checkPort(t.port, where);
  if (t.verify !== undefined && typeof t.verify !== 'boolean') throw invalid(`${where}.verify must be true or false`);
  if (t.servername !== undefined && (typeof t.servername !== 'string' || t.servername.trim() === '')) throw invalid(`${where}.servername must be a host name`);
  const m = loadTlsMaterial(t, where);
  const sips = entry.srsUris.filter(isSipsUri);
  if (sips.length > 0 && m.cert === undefined) {
    throw invalid(`${where}: the sips: SRS URI ${sips[0]} needs the SRC's certificate and key (RFC 5630 §3.1.3: its Contact must be a sips: URI the SRS can reach over TLS); give cert and key, or use ;transport=tls`);
  }
  const client: TlsSettings = {
    ...m,
    rejectUnauthorized: t.verify !== false,
    ...(t.servername !== undefined ? { servername: t.servername } : {}),
  };
  return {
    client,
    ...(m.cert !== undefined ? { listener: { cert: m.cert, key: m.key, ...(m.ca ? { ca: m.ca } : {}) } } : {}),
    port: t.port ?? 0,
  };
}

/** What an `Srs`'s TLS comes to: the listener's settings. */
export interface SrsTlsPlan {
  listener: TlsSettings;
  /** The port asked for (`SrsTlsSettings.port`), if any. */
  port?: number;
}

/**
 * Checks `SrsSettings.tls` against `transports`: `tls` among the transports needs the settings
 * (certificate and key), the settings need `tls` among explicit transports, mutual TLS needs a CA.
 * @returns the plan, or undefined when the SRS does not listen on TLS
 * @throws SipError(InvalidArgument) for a bad setting
 */
export function srsTlsPlan(settings: { transports?: string[]; tls?: SrsTlsSettings }): SrsTlsPlan | undefined {
  const where = 'SrsSettings.tls';
  const s = settings.tls;
  const listed = settings.transports?.includes('tls') ?? false;
  if (s === undefined) {
    if (listed) throw invalid("SrsSettings.transports lists 'tls': SrsSettings.tls needs a certificate and key");
    return undefined;
  }
  if (settings.transports !== undefined && !listed) throw invalid("SrsSettings.tls is set but SrsSettings.transports does not list 'tls'");
  checkPort(s.port, where);
  const m = loadTlsMaterial(s, where);
  if (m.cert === undefined) throw invalid(`${where}: the SRS needs a certificate and key (cert/certFile, key/keyFile)`);
  const mutual = s.requireClientCertificate === true;
  if (mutual && m.ca === undefined) throw invalid(`${where}.requireClientCertificate needs ca or caFile (the CAs client certificates must chain to)`);
  return {
    listener: { cert: m.cert, key: m.key, ...(m.ca ? { ca: m.ca } : {}), ...(mutual ? { requireClientCertificate: true } : {}) },
    ...(s.port !== undefined ? { port: s.port } : {}),
  };
}
