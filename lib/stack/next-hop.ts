/**
 * Where a request goes first (RFC 3261 §8.1.2) and the RFC 3263 targets for it.
 */
import { isIP } from 'node:net';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { ResolveQuery, ResolvedTarget, Resolver, TransportProtocol } from '../../include-types/settings.js';
import { SipUri, type SipRequest, type Uri } from '../message/index.js';

/**
 * The URI whose host the request is sent to: the top Route if it is a loose router (`lr`),
 * else the Request-URI (RFC 3261 §8.1.2; with a strict router first the Request-URI already is
 * that router, §12.2.1.1). An explicit `outboundProxy` wins over both.
 */
export function nextHopUri(request: SipRequest, outboundProxy?: SipUri): SipUri {
  if (outboundProxy !== undefined) return outboundProxy;
  const routes = request.route;
  const uri: Uri = routes.length > 0 && routes[0].uri instanceof SipUri && routes[0].uri.params.has('lr') ? routes[0].uri : request.uri;
  if (!(uri instanceof SipUri) || uri.scheme === 'tel') {
    throw new SipError(SipErrorCode.InvalidArgument, `cannot send to a ${uri.scheme}: URI without a proxy`);
  }
  return uri;
}

/** The RFC 3263 question for a next-hop URI. */
export function resolveQuery(uri: SipUri): ResolveQuery {
  const q: ResolveQuery = { host: uri.host, secure: uri.scheme === 'sips' };
  if (uri.port !== undefined) q.port = uri.port;
  const transport = uri.params.get('transport');
  if (typeof transport === 'string') q.transport = transport.toLowerCase();
  return q;
}

/** The transport a URI's parameter asks for (RFC 3261 §19.1.1, RFC 7118 §5: ws, wss). */
function queryProtocol(query: ResolveQuery): TransportProtocol {
  switch (query.transport) {
    case 'tcp':
      return query.secure ? 'tls' : 'tcp';
    case 'tls':
      return 'tls';
    case 'ws':
      return query.secure ? 'wss' : 'ws';
    case 'wss':
      return 'wss';
    default:
      return query.secure ? 'tls' : 'udp';
  }
}

/** RFC 3261 §19.1.2 default ports; for WebSocket the RFC 6455 §3 ones. */
function defaultPortOf(protocol: TransportProtocol): number {
  return protocol === 'tls' ? 5061 : protocol === 'ws' ? 80 : protocol === 'wss' ? 443 : 5060;
}

/**
 * Targets known without DNS: a numeric host (RFC 3263 §4.1/§4.2: transport from the URI's
 * parameter, TLS for sips, else UDP; port from the URI or the default), or a WebSocket client's
 * `.invalid` name. `undefined` for other names.
 */
export function literalTargets(query: ResolveQuery): ResolvedTarget[] | undefined {
  const bare = query.host.startsWith('[') ? query.host.slice(1, -1) : query.host;
  const family = isIP(bare);
  const protocol = queryProtocol(query);
  const port = query.port ?? defaultPortOf(protocol);
  if (family === 0) {
    // RFC 7118 §5: a `.invalid` host (RFC 6761 §6.4) resolves nowhere; the transport sends it over
    // the WebSocket connection of the client that named itself so. NOTE: it has no address
    // family; 4 is a placeholder the transport does not read for such a target.
    if ((protocol === 'ws' || protocol === 'wss') && /\.invalid\.?$/i.test(bare)) return [{ protocol, address: bare, port, family: 4 }];
    return undefined;
  }
  return [{ protocol, address: bare, port, family: family as 4 | 6 }];
}

/**
 * The name a TLS next hop's certificate is checked against (RFC 5922 §4, RFC 3261 §26.3.1): the
 * URI's host when it is a name; undefined for an IP literal (checked against IP subjectAltNames).
 */
export function tlsServerName(query: ResolveQuery): string | undefined {
  const bare = query.host.startsWith('[') ? query.host.slice(1, -1) : query.host;
  return isIP(bare) === 0 ? bare.replace(/\.$/, '') : undefined;
}

/** Resolves at once for numeric hosts, through the resolver otherwise. */
export function resolveTargets(query: ResolveQuery, resolver: Resolver): ResolvedTarget[] | Promise<ResolvedTarget[]> {
  return literalTargets(query) ?? resolver.resolve(query);
}
