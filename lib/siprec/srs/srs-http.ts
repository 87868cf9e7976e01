/**
 * The SRS's operator HTTP endpoints: `/healthz` (200 JSON while it takes new recordings, 503 JSON
 * with the reasons otherwise, for a load balancer or an orchestrator's probe) and `/metrics`
 * (Prometheus text). Routes for `startOperatorHttp`; other routes (a status page, file serving)
 * go in the same list.
 */
import type { ServerResponse } from 'node:http';
import type { SrsHealth } from '../../../include-types/siprec.js';
import { startOperatorHttp, type HttpRoute, type OperatorHttpServer, type OperatorHttpSettings } from '../common/operator-http.js';
import { SrsMetrics, type MetricsSource, type SrsMetricsOptions } from './srs-metrics.js';

/** What the routes need of an Srs. */
export type SrsServiceSource = MetricsSource & { health(): Promise<SrsHealth> };

/** Options of {@link srsServiceRoutes}. */
export interface SrsServiceRouteOptions {
  /** The metrics to serve (default: a new {@link SrsMetrics} for this Srs). */
  metrics?: SrsMetrics;
  /** Options of the metrics made when `metrics` is not given. */
  metricsOptions?: SrsMetricsOptions;
}

function send(res: ServerResponse, req: { method?: string }, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** `/healthz` and `/metrics` of an Srs as operator routes. */
export function srsServiceRoutes(srs: SrsServiceSource, options: SrsServiceRouteOptions = {}): HttpRoute[] {
  // Made now, not on the first scrape: the event-loop delay histograms start measuring here.
  const metrics = options.metrics ?? new SrsMetrics(srs, options.metricsOptions);
  const healthz: HttpRoute = async (req, res, url) => {
    if (url.pathname !== '/healthz') return false;
    const h = await srs.health();
    const headers = h.retryAfter !== undefined && !h.healthy ? { 'retry-after': String(h.retryAfter) } : {};
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    send(res, req, h.healthy ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(h) + '\n');
    return true;
  };
  const prom: HttpRoute = async (req, res, url) => {
    if (url.pathname !== '/metrics') return false;
    send(res, req, 200, metrics.contentType, await metrics.text());
    return true;
  };
  return [healthz, prom];
}

/** Where {@link startSrsHttp} listens, and what else it serves. */
export interface SrsHttpSettings extends OperatorHttpSettings {
  /** More routes, tried after /healthz and /metrics (e.g. the status page's). */
  routes?: readonly HttpRoute[];
  /** Options of the /metrics and /healthz routes. */
  service?: SrsServiceRouteOptions;
}

/**
 * Starts the operator HTTP server of an Srs: /healthz, /metrics, then `settings.routes`.
 * Loopback by default (see startOperatorHttp). Close it before (or after) `srs.shutdown()`.
 */
export function startSrsHttp(srs: SrsServiceSource, settings: SrsHttpSettings): Promise<OperatorHttpServer> {
  const { routes = [], service, ...where } = settings;
  return startOperatorHttp(where, [...srsServiceRoutes(srs, service), ...routes]);
}
