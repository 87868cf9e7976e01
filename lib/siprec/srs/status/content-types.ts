/**
 * What a stored file is served as. Recording files are named by `RecordingDir` from a fixed set
 * of suffixes and `safeName` characters, so a plain file-name pattern is enough to refuse
 * everything else.
 */

/**
 * A file name inside a recording directory: letters, digits, `.`, `_`, `-`, not starting with a
 * dot (so never `.`, `..` or a hidden temp file), no separators, at most 128 characters.
 */
export const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** By suffix, longest first (`.msrp.txt` before `.txt`). */
const TYPES: [suffix: string, type: string][] = [
  ['.wav', 'audio/wav'],
  ['.rtpdump', 'application/octet-stream'],
  ['.msrp.txt', 'text/plain; charset=utf-8'],
  ['.txt', 'text/plain; charset=utf-8'],
  // RFC 7865 §11.1; a browser downloads it rather than render XML it was sent.
  ['.xml', 'application/rs-metadata+xml'],
  ['.json', 'application/json; charset=utf-8'],
];

/** The Content-Type of a stored file (application/octet-stream when unknown). */
export function contentTypeOf(name: string): string {
  const lower = name.toLowerCase();
  for (const [suffix, type] of TYPES) if (lower.endsWith(suffix)) return type;
  return 'application/octet-stream';
}

/** True for what is shown inline (played by an audio element); everything else is an attachment. */
export function isInline(contentType: string): boolean {
  return contentType === 'audio/wav';
}
