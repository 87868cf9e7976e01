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

/**
 * Targets known without DNS: a numeric host (RFC 3263 §4.1/§4.2: transport from the URI's
 * parameter, TLS for sips, else UDP; port from the URI or the default). `undefined` for names.
 */
export function literalTargets(query: ResolveQuery): ResolvedTarget[] | undefined {
  const bare = query.host.startsWith('[') ? query.host.slice(1, -1) : query.host;
  const family = isIP(bare);
  if (family === 0) return undefined;
  let protocol: TransportProtocol = query.secure ? 'tls' : 'udp';
  if (query.transport === 'tcp') protocol = query.secure ? 'tls' : 'tcp';
  else if (query.transport === 'tls') protocol = 'tls';
  const port = query.port ?? (protocol === 'tls' ? 5061 : 5060);
  return [{ protocol, address: bare, port, family: family as 4 | 6 }];
}

/** Resolves at once for numeric hosts, through the resolver otherwise. */
export function resolveTargets(query: ResolveQuery, resolver: Resolver): ResolvedTarget[] | Promise<ResolvedTarget[]> {
  return literalTargets(query) ?? resolver.resolve(query);
}
