/**
 * The recording demo's Logging Service (`npm start -- --log-events`): a fresh ES256 key pair, a
 * Logging Service on loopback that trusts its public key and stores into `dir`, and the
 * `Ng911Settings` that point an SrcManager at it. Plain HTTP on loopback by default; HTTPS when
 * given a certificate.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { LogEventServerTls } from '../../../include-types/ng911-logging.js';
import type { Ng911Settings } from '../../../include-types/siprec.js';
import { startLogEventServer, type LogEventServer } from './log-event-server.js';

/** What {@link startDemoLogEventServer} gives back. */
export interface DemoLogEvents {
  /** The running service. */
  server: LogEventServer;
  /** Put into `SrcSettings.ng911`. */
  ng911: Ng911Settings;
  /** Stops the service. */
  close(): Promise<void>;
}

/** Options of {@link startDemoLogEventServer}. */
export interface DemoLogEventsOptions {
  /** Directory of the event store. */
  dir: string;
  /** Address (default 127.0.0.1) and port (default 0). */
  host?: string;
  port?: number;
  /** HTTPS with this certificate; `ca` is what the SRC trusts it by. */
  tls?: LogEventServerTls & { clientCa?: string };
  /** elementId / agencyId of the SRC (default `src.tsip.invalid` / `psap.tsip.invalid`). */
  elementId?: string;
  agencyId?: string;
}

/** Starts the demo's Logging Service and returns the SRC settings for it. */
export async function startDemoLogEventServer(opts: DemoLogEventsOptions): Promise<DemoLogEvents> {
  const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'tsip-demo';
  const { clientCa, ...tls } = opts.tls ?? { cert: '', key: '' };
  const server = await startLogEventServer({
    host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, dir: opts.dir,
    keys: [{ kid, key: kp.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    ...(opts.tls ? { tls } : {}),
  });
  const ng911: Ng911Settings = {
    elementId: opts.elementId ?? 'src.tsip.invalid', agencyId: opts.agencyId ?? 'psap.tsip.invalid',
    servers: [{ name: 'demo-logging', baseUrl: server.url, retryDelayMs: 200, ...(clientCa !== undefined ? { ca: clientCa } : {}) }],
    signing: { alg: 'ES256', kid, privateKeyPem: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  };
  return { server, ng911, close: () => server.close() };
}
