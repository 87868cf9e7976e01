/**
 * A string that refers to nothing else, for values that outlive the message they were cut from:
 * transaction, merged-request, 2xx and dialog keys, a Call-ID an app keeps for the whole call.
 * Not exported from the package.
 * @module
 */

/**
 * `s` as a string of its own. V8 keeps substrings of 13 or more characters ("sliced strings") and
 * concatenations ("cons strings") as views onto their source, so a key cut from a parsed header
 * would keep the whole message text alive for as long as the key lives.
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
