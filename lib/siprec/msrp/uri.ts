/**
 * MSRP URIs (RFC 4975 §6, §9): `msrp[s]://[userinfo@]host[:port]/session-id;transport[;params]`.
 * The session-id identifies the session at that endpoint; the transport is `tcp` here (TLS,
 * `msrps`, is parsed but not spoken). IPv6 hosts are bracketed.
 */

/** A parsed MSRP URI. */
export interface MsrpUri {
  /** True for `msrps` (TLS). */
  secure: boolean;
  /** Host (IPv6 without brackets). */
  host: string;
  /** Port (RFC 4975 §6: none given means the default, 2855). */
  port: number;
  /** The session-id path part. */
  sessionId: string;
  /** Transport (lower case), e.g. tcp. */
  transport: string;
}

/** RFC 4975 §15.4: the registered MSRP port, used when a URI gives none. */
export const MSRP_DEFAULT_PORT = 2855;

const URI = /^(msrps?):\/\/(?:[^@/]*@)?(\[[0-9A-Fa-f:.]+\]|[^:/\s]+)(?::(\d{1,5}))?\/([^;\s/]+);([A-Za-z0-9]+)(?:;\S*)?$/i;

/** Parses an MSRP URI; undefined when it is not one. */
export function parseMsrpUri(uri: string): MsrpUri | undefined {
  const m = URI.exec(uri.trim());
  if (!m) return undefined;
  const port = m[3] === undefined ? MSRP_DEFAULT_PORT : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2];
  return { secure: m[1].toLowerCase() === 'msrps', host, port, sessionId: m[4], transport: m[5].toLowerCase() };
}

/** Writes an MSRP URI (`msrp://host:port/session-id;tcp`). */
export function formatMsrpUri(host: string, port: number, sessionId: string, transport = 'tcp'): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `msrp://${h}:${port}/${sessionId};${transport}`;
}

/** The session-id part of an MSRP URI (`msrp://host:port/<session-id>;tcp`). */
export function msrpSessionId(uri: string): string | undefined {
  const m = /^msrps?:\/\/[^/]+\/([^;\s]+)(?:;\S*)?$/i.exec(uri.trim());
  return m?.[1];
}
