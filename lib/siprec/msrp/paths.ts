/**
 * To-Path and From-Path (RFC 4975 §5.2, §7.1, §7.2): space-separated lists of MSRP URIs. A
 * request's To-Path ends with the final destination and its From-Path starts with the previous
 * hop; with no relays each holds one URI. A response goes back to the first From-Path URI of the
 * request; a REPORT along the whole From-Path (§7.1.2).
 */

/** The URIs of a path header, in order. */
export function pathUris(v: string): string[] {
  return v.trim().split(/\s+/).filter(Boolean);
}

/** The last URI of a path header (the final destination, RFC 4975 §5.2). */
export function lastUri(v: string): string {
  return pathUris(v).at(-1) ?? '';
}

/** The first URI of a path header (the previous hop a response goes back to, §7.2). */
export function firstUri(v: string): string {
  return pathUris(v)[0] ?? '';
}

/** The To-Path and From-Path headers of a request, in the order §7.1 wants them first. */
export function pathHeaders(toPath: string | readonly string[], fromPath: string | readonly string[]): [string, string][] {
  const j = (p: string | readonly string[]): string => (typeof p === 'string' ? p : p.join(' '));
  return [['To-Path', j(toPath)], ['From-Path', j(fromPath)]];
}
