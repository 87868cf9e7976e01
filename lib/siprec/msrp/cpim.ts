/**
 * A message wrapped in `message/cpim` (RFC 3862 §2, §3): the message headers (From, To,
 * DateTime), a blank line, then the encapsulated MIME object (its Content-Type, a blank line, the
 * body). MSRP carries it as is (RFC 4975 §8.6 lists message/cpim as the usual wrapper). Used when
 * the recorded message names its sender or recipient in the call.
 */

/** `<uri>` for a bare URI, a name-addr kept as given (RFC 3862 §3.3: `[Formal-name] <URI>`). */
function nameAddr(v: string): string {
  const s = v.trim();
  return s.includes('<') ? s : `<${s}>`;
}

/** The CPIM body for `body` of type `contentType`, from/to in the call, at `date`. */
export function wrapCpim(contentType: string, body: Buffer, from: string | undefined, to: string | undefined, date: Date = new Date()): Buffer {
  const head: string[] = [];
  // RFC 3862 §3.1: From and To are required in a message/cpim; an absent one is anonymous.
  head.push(`From: ${from !== undefined ? nameAddr(from) : '<im:anonymous@anonymous.invalid>'}`);
  head.push(`To: ${to !== undefined ? nameAddr(to) : '<im:anonymous@anonymous.invalid>'}`);
  head.push(`DateTime: ${date.toISOString()}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\nContent-Type: ${contentType}\r\n\r\n`, 'utf8'), body]);
}
