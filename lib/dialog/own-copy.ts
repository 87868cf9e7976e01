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

/** `s` as a flat string of its own, not a slice of the text it was cut from. */
export function ownString(s: string): string;
export function ownString(s: string | undefined): string | undefined;
export function ownString(s: string | undefined): string | undefined {
  // Under 13 characters V8 makes neither sliced nor cons strings: `s` holds only itself.
  if (s === undefined || s.length < 13) return s;
  // Prepending makes a cons string; slice() flattens it into a new sequential string (a copy)
  // and returns a slice of that copy, never of the text `s` was cut from. ~6x cheaper than the
  // JSON round trip used before (issue 15: ~15 per SIPREC set-up at the SRS), for a slice header
  // and one character more per kept string.
  return (' ' + s).slice(1);
}
