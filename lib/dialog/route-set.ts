/**
 * Request-URI and Route headers of a request within a dialog, from the route set and the remote
 * target (RFC 3261 §12.2.1.1), for loose (`;lr`) and strict routers.
 * @module
 */
import { NameAddr, SipUri, type Uri } from '../message/index.js';

/** Where a request within a dialog goes. */
export interface Routing {
  /** The Request-URI. */
  requestUri: Uri;
  /** The Route header values, in order. */
  route: NameAddr[];
}

/** True if the URI is a loose router's (has the `lr` parameter). */
export function isLooseRouter(uri: Uri): boolean {
  return uri instanceof SipUri && uri.params.has('lr');
}

/**
 * Computes Request-URI and Route (RFC 3261 §12.2.1.1):
 * - empty route set: Request-URI = remote target, no Route;
 * - first route loose (`lr`): Request-URI = remote target, Route = the route set;
 * - first route strict: Request-URI = first route's URI without the parameters not allowed in a
 *   Request-URI, Route = the rest of the route set followed by the remote target.
 */
export function computeRouting(routeSet: readonly NameAddr[], remoteTarget: Uri): Routing {
  if (routeSet.length === 0) return { requestUri: remoteTarget.clone(), route: [] };
  const first = routeSet[0];
  if (isLooseRouter(first.uri)) {
    return { requestUri: remoteTarget.clone(), route: routeSet.map((r) => r.clone()) };
  }
  // RFC 3261 §12.2.1.1: strict routing: the first route becomes the Request-URI, stripped of what
  // a Request-URI may not carry (§19.1.1 Table 1: the method parameter and URI headers).
  const requestUri = first.uri.clone();
  if (requestUri instanceof SipUri) {
    requestUri.params.delete('method');
    requestUri.headers.clear();
  }
  const route = routeSet.slice(1).map((r) => r.clone());
  route.push(new NameAddr({ uri: remoteTarget.clone() }));
  return { requestUri, route };
}
