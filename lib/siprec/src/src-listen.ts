/**
 * The sockets an SRC user agent listens on and the Contact of its recording sessions, given its
 * SRS entry's transport, SRS URIs and TLS plan (RFC 3261 §26, RFC 5630).
 */
import type { ListenSettings, TransportProtocol } from '../../../include-types/settings.js';
import type { SrsEntrySettings } from '../../../include-types/siprec.js';
import { isSipsUri, uriWantsTls, type SrcTlsPlan } from '../common/tls-settings.js';

/** A bound socket as the stack reports it. */
interface Bound {
  protocol: TransportProtocol;
  address: string;
  port: number;
}

function hostPart(a: string): string {
  return a.includes(':') ? `[${a}]` : a;
}

/**
 * The entry's transport on `port`, UDP and TCP beside it so any SRS URI transport works, and,
 * with the SRC's certificate, TLS on its own port (TLS and TCP cannot share one).
 */
export function srcListen(entry: SrsEntrySettings, port: number, tls: SrcTlsPlan | undefined): ListenSettings[] {
  const transport: TransportProtocol = entry.transport ?? 'udp';
  const plain: TransportProtocol = transport === 'tls' ? 'tcp' : transport;
  const listen: ListenSettings[] = [{ protocol: plain, address: entry.localAddress, port }];
  for (const p of ['udp', 'tcp'] as const) if (p !== plain) listen.push({ protocol: p, address: entry.localAddress, port });
  if (tls?.listener) listen.push({ protocol: 'tls', address: entry.localAddress, port: tls.port, tls: tls.listener });
  return listen;
}

/**
 * The Contact of the RS dialogs, with the +sip.src feature tag (RFC 7866 §6.1.1). It names the
 * transport the SRS is to use for its own requests in the dialog (RFC 3261 §12.1.1; without it
 * they would go by UDP): a `sips:` URI on the TLS listener when an SRS URI is `sips:` (RFC 5630
 * §3.1.3: a sips request carries a sips Contact), `;transport=tls` on it for other TLS entries;
 * without a TLS listener (no client certificate) TCP for TLS entries, else the entry's transport.
 */
export function srcContact(entry: SrsEntrySettings, bound: readonly Bound[]): string {
  const transport: TransportProtocol = entry.transport ?? 'udp';
  const sips = entry.srsUris.some(isSipsUri);
  const wantsTls = sips || transport === 'tls' || entry.srsUris.some(uriWantsTls);
  const tls = bound.find((x) => x.protocol === 'tls');
  if (wantsTls && tls) {
    const where = `${hostPart(tls.address)}:${tls.port}`;
    return sips ? `<sips:src@${where}>;+sip.src` : `<sip:src@${where};transport=tls>;+sip.src`;
  }
  const want: TransportProtocol = wantsTls ? 'tcp' : transport;
  const b = bound.find((x) => x.protocol === want) ?? bound[0];
  const tp = b.protocol === 'udp' ? '' : `;transport=${b.protocol}`;
  return `<sip:src@${hostPart(b.address)}:${b.port}${tp}>;+sip.src`;
}
