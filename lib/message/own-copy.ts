/**
 * Copies for values that outlive the message they came from: transaction, merged-request, 2xx and
 * dialog keys, a Call-ID an app keeps for the whole call, a body a dialog or an app keeps. A view
 * into a bigger allocation keeps all of it alive:
 * - a V8 substring of 13 or more characters is a "sliced string" and a concatenation a "cons
 *   string", both views onto their source, so a key cut from a parsed header pins the whole
 *   message text;
 * - a Buffer under 4 KB made by `Buffer.from`/`allocUnsafe` is a slice of Node's shared 8 KB
 *   pool, so one long-lived slice pins the whole slab; a received body is a view of the datagram
 *   or stream read it came in.
 * One home below every layer that keeps such values (transport, transaction, dialog, stack, API,
 * SIPREC). Not exported from the package.
 * @module
 */

/**
 * `s` as a string of its own.
 *
 * Taking a substring of a concatenation makes V8 flatten the concatenation first: its characters
 * are copied into a new string, and the substring is a view onto that copy alone (one character
 * more). Under 13 characters V8 makes neither kind of view, so `s` is returned as is. This is a
 * third of the cost of a round trip through a Buffer (no native call, no UTF-8 encoding), and
 * lone surrogates survive it.
 */
export function ownString(s: string): string;
export function ownString(s: string | undefined): string | undefined;
export function ownString(s: string | undefined): string | undefined {
  if (s === undefined || s.length < 13) return s;
  return (s + ' ').slice(0, -1);
}

/** A copy of `b` in an allocation of its own (never a pool slice). */
export function ownBuffer(b: Uint8Array): Buffer {
  // allocUnsafeSlow never takes the shared pool: the copy holds exactly its own bytes
  const out = Buffer.allocUnsafeSlow(b.length);
  out.set(b);
  return out;
}

/** `text` as UTF-8 in a Buffer of its own (not a slice of the shared pool), written once. */
export function ownUtf8(text: string): Buffer {
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  out.write(text, 0, 'utf8');
  return out;
}

/**
 * True when `b` is at least half of the allocation it views: keeping it keeps little else, so it
 * may be kept as it is rather than copied (a received body: transport/inbound.ts `ownBody`, and the
 * API's MessageElements of a received message).
 */
export function viewsMostOfItsBlock(b: Uint8Array): boolean {
  return b.length * 2 >= b.buffer.byteLength;
}
