/**
 * Copies for values that outlive the message they came from (a dialog's last body, a Call-ID an
 * app keeps for the whole call). A view into a bigger allocation keeps all of it alive:
 * - a Buffer under 4 KB made by `Buffer.from`/`allocUnsafe` is a slice of Node's shared 8 KB
 *   pool, so one long-lived slice pins the whole slab;
 * - a V8 substring of 13 or more characters is a "sliced string" that points into its parent,
 *   so a Call-ID cut from a received message pins the whole message text.
 * @module
 */

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
