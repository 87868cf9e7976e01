/**
 * `tsip srs`: a standalone Session Recording Server. UDP and TCP on one port, TLS beside them
 * with a certificate (--tls-cert/--tls-key); optionally an operator HTTP server with /healthz, /metrics and the status page. SIGTERM (or a first Ctrl-C) drains: new
 * recordings are refused (503), live ones run to their BYE, at most `--drain-timeout` seconds,
 * then the SRS stops and the process exits 0. A second SIGINT/SIGTERM stops at once (BYE to every
 * live recording, files closed complete).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { HttpRoute, OperatorHttpServer } from '../siprec/common/operator-http.js';
import { Srs, startSrsHttp } from '../siprec/srs/index.js';
import { srsStatusRoutes } from '../siprec/srs/status/index.js';
import type { SrsSettings } from '../../include-types/siprec.js';
import { CliUsageError, hostPortOption, parseLimits } from './args.js';
import { CliExit, type CliCommand } from './command.js';
import { RepeatLog } from './repeat-log.js';
import { cliStackLogger } from './stack-logger.js';

const HELP = `usage: tsip srs [options]

A SIPREC Session Recording Server on UDP and TCP, and TLS with a certificate.

Options:
  --host ADDR              SIP and RTP address (default 127.0.0.1)
  --port N                 SIP port, UDP and TCP (default 5090; 0 = any free port)
  --tls-cert FILE          PEM certificate chain: also listen for SIP over TLS (sips: and
                           ;transport=tls URIs; the Contact of each answer names TLS); needs --tls-key
  --tls-key FILE           PEM private key of --tls-cert
  --tls-port N             TLS port (default --port + 1, e.g. 5091; any free port when --port is 0)
  --tls-ca FILE            PEM CA certificates client certificates must chain to (and that the
                           SRS trusts when it connects to an SRC over TLS)
  --require-client-cert    mutual TLS: refuse SRCs without a certificate chaining to --tls-ca
  --dir PATH               recordings directory (default ./recordings)
  --max-sessions N         concurrent recordings; beyond it 486 (default 1000)
  --rtp-ports MIN-MAX      RTP/RTCP port range (default 40000-49999)
  --max-setups-per-second N  new recordings per second; beyond it 503 (default unlimited)
  --max-unconfirmed N      set-ups in progress plus recordings answered and not yet ACKed;
                           beyond it 503 (default 200; 0 = no limit beyond --max-sessions).
                           It is what keeps the SRS answering in a burst it cannot set up:
                           raise it only after measuring (lib/siprec/srs/README.md)
  --min-free-disk BYTES    free space the directory keeps (default 104857600; 0 = off)
  --durability MODE        what a set-up's 200 waits for: fsync (default) its index fsynced;
                           none no fsync (safe against a killed SRS, not against a power cut
                           until the next checkpoint). Files are fsynced at close either way
  --require-metadata       refuse INVITEs without RFC 7865 metadata
  --limit NAME=N           one of the SIP stack's limits (StackLimits or TransportLimits;
                           repeatable), e.g. maxUnacknowledgedInvites=20000,
                           udpReceiveBufferSize=4194304 (defaults: transactions and dialogs
                           50000 each, connections 20000, the others the library's)
  --http HOST:PORT         operator HTTP server: /healthz, /metrics, the status page at /
                           (recordings, players, timelines) and /recordings.json (off by default)
  --page-size N            recordings per status page (default 100)
  --drain-timeout SECONDS  how long SIGTERM waits for live recordings (default 30)
  -h, --help               this text

Signals: SIGTERM or Ctrl-C drains (OPTIONS and new INVITEs get 503, live recordings run to
their BYE, the rest get BYE at the drain timeout), then exits 0. A second signal stops at once.

exit codes: 0 stopped cleanly, 1 could not start, 2 bad arguments.`;

/** Options of {@link runSrs} beyond the command line (for embedding and tests). */
export interface RunSrsOptions {
  /** More routes for the HTTP server, after /healthz and /metrics (e.g. the status page). */
  routes?: (srs: Srs) => HttpRoute[];
  /** Where lines go (default console.log). */
  log?: (line: string) => void;
}

function int(name: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliUsageError(`--${name} must be an integer ${min}..${max} (not ${v})`);
  return n;
}

/** The settings and the rest of the command line. */
export function parseSrsArgs(argv: readonly string[]): { settings: SrsSettings; http?: { host: string; port: number }; drainTimeoutMs: number; pageSize: number; help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '5090' },
      dir: { type: 'string', default: './recordings' },
      'max-sessions': { type: 'string', default: '1000' },
      'rtp-ports': { type: 'string' },
      'max-setups-per-second': { type: 'string' },
      'max-unconfirmed': { type: 'string' },
      'min-free-disk': { type: 'string' },
      durability: { type: 'string' },
      'require-metadata': { type: 'boolean', default: false },
      limit: { type: 'string', multiple: true },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-port': { type: 'string' },
      'tls-ca': { type: 'string' },
      'require-client-cert': { type: 'boolean', default: false },
      http: { type: 'string' },
      'drain-timeout': { type: 'string', default: '30' },
      'page-size': { type: 'string', default: '100' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const settings: SrsSettings = {
    host: values.host, port: int('port', values.port, 0, 65535), dir: resolve(values.dir),
    maxSessions: int('max-sessions', values['max-sessions'], 1), requireMetadata: values['require-metadata'],
  };
  if (values['rtp-ports'] !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(values['rtp-ports']);
    if (!m) throw new CliUsageError(`--rtp-ports must be MIN-MAX (not ${values['rtp-ports']})`);
    settings.rtpPortMin = int('rtp-ports', m[1], 1024, 65535);
    settings.rtpPortMax = int('rtp-ports', m[2], settings.rtpPortMin + 1, 65535);
  }
  if (values['max-setups-per-second'] !== undefined) {
    const n = Number(values['max-setups-per-second']);
    if (!(n >= 0)) throw new CliUsageError('--max-setups-per-second must be a number >= 0');
    settings.maxSetupsPerSecond = n;
  }
  if (values['max-unconfirmed'] !== undefined) settings.maxUnconfirmedSessions = int('max-unconfirmed', values['max-unconfirmed'], 0);
  if (values['min-free-disk'] !== undefined) settings.minFreeDiskBytes = int('min-free-disk', values['min-free-disk'], 0);
  if (values.limit !== undefined) {
    const limits = parseLimits(values.limit);
    settings.limits = limits.stack;
    settings.transportLimits = limits.transport;
  }
  if (values.durability !== undefined) {
    if (values.durability !== 'fsync' && values.durability !== 'none') throw new CliUsageError(`--durability must be fsync or none (not ${values.durability})`);
    settings.storage = { durability: values.durability };
  }
  const tlsOnly = ['tls-key', 'tls-port', 'tls-ca', 'require-client-cert'] as const;
  if (values['tls-cert'] !== undefined) {
    if (values['tls-key'] === undefined) throw new CliUsageError('--tls-cert needs --tls-key');
    if (values['require-client-cert'] && values['tls-ca'] === undefined) throw new CliUsageError('--require-client-cert needs --tls-ca');
    settings.tls = {
      certFile: resolve(values['tls-cert']), keyFile: resolve(values['tls-key']),
      ...(values['tls-port'] !== undefined ? { port: int('tls-port', values['tls-port'], 0, 65535) } : {}),
      ...(values['tls-ca'] !== undefined ? { caFile: resolve(values['tls-ca']) } : {}),
      ...(values['require-client-cert'] ? { requireClientCertificate: true } : {}),
    };
  } else {
    const stray = tlsOnly.find((o) => values[o] !== undefined && values[o] !== false);
    if (stray !== undefined) throw new CliUsageError(`--${stray} needs --tls-cert`);
  }
  const drain = Number(values['drain-timeout']);
  if (!(drain >= 0 && Number.isFinite(drain))) throw new CliUsageError(`--drain-timeout must be seconds >= 0 (not ${values['drain-timeout']})`);
  return {
    settings, drainTimeoutMs: Math.round(drain * 1000), pageSize: int('page-size', values['page-size'], 1, 1000), help: values.help,
    ...(values.http !== undefined ? { http: hostPortOption('http', values.http)! } : {}),
  };
}

/** Runs an SRS until it is signalled to stop; resolves with the exit code. */
export async function runSrs(argv: readonly string[], opts: RunSrsOptions = {}): Promise<number> {
  const log = opts.log ?? ((l: string) => console.log(l));
  let parsed: ReturnType<typeof parseSrsArgs>;
  try {
    parsed = parseSrsArgs(argv);
  } catch (e) {
    console.error(`tsip srs: ${(e as Error).message}\n\n${HELP}`);
    return CliExit.Usage;
  }
  if (parsed.help) {
    log(HELP);
    return CliExit.Ok;
  }
  let srs: Srs;
  // the SIP stack's warnings and errors, each once a second (stack-logger.ts), unless the embedder set a logger
  const stackLog = parsed.settings.logger === undefined ? cliStackLogger(opts.log) : undefined;
  if (stackLog) parsed.settings.logger = stackLog.logger;
  try {
    srs = new Srs(parsed.settings); // checks the settings: a TLS file that cannot be read, a key not matching ...
  } catch (e) {
    stackLog?.stop();
    stackLog?.stop();
    console.error(`tsip srs: ${(e as Error).message}\n\n${HELP}`);
    return CliExit.Usage;
  }
  srs.on('sessionStarted', (e) => log(`started  ${e.recordingId} streams [${e.labels}] -> ${e.dir}`));
  srs.on('sessionUpdated', (e) => log(`updated  ${e.recordingId}${e.pauseChanged ? (e.paused ? ' paused' : ' resumed') : ''}${e.metadataUpdated ? ' metadata' : ''}`));
  srs.on('sessionEnded', (e) => log(`ended    ${e.recordingId} (${e.reason}${e.endDetail !== undefined ? `: ${e.endDetail}` : ''})`));
  // One line per kind of refusal per second, the rest counted (repeat-log.ts: a burst refuses
  // thousands per second, and a line each cost the set-ups CPU)
  const refusals = new RepeatLog(log);
  const refusalsFlush = setInterval(() => refusals.flush(), 1000);
  refusalsFlush.unref();
  const stopRefusalLog = (): void => {
    clearInterval(refusalsFlush);
    refusals.flush();
    stackLog?.stop();
  };
  srs.on('sessionRejected', (e) => refusals.note(`rejected ${e.statusCode} ${e.reason}`, `rejected ${e.recordingId}: ${e.statusCode} ${e.reason}`));
  srs.on('drainEnded', (r) => log(`drained: ${r.endedByBye} ended by BYE, ${r.cutAtTimeout} cut at the timeout, ${r.endedOtherwise} otherwise, in ${r.durationMs} ms`));

  let http: OperatorHttpServer | undefined;
  try {
    await srs.start();
    // /healthz and /metrics first (startSrsHttp), then the status page, then the embedder's own
    if (parsed.http) http = await startSrsHttp(srs, { ...parsed.http, routes: [...srsStatusRoutes(srs, { pageSize: parsed.pageSize }), ...(opts.routes?.(srs) ?? [])] });
  } catch (e) {
    console.error(`tsip srs: could not start: ${(e as Error).message}`);
    stopRefusalLog();
    await srs.shutdown().catch(() => undefined);
    return CliExit.Failed;
  }
  const rebuilt = srs.recovery.rebuilt.length;
  if (srs.recovered.length) log(`recovered ${srs.recovered.length} partial recordings left by a crash${rebuilt > 0 ? ` (${rebuilt} with an index rebuilt from their files)` : ''}`);
  for (const f of srs.recovery.failed) log(`could not recover ${f.dir}: ${f.error} (left as it was)`);
  log(`SRS listening on ${srs.addresses.map((a) => `${a.protocol}:${a.address}:${a.port}`).join(', ')}; recordings in ${parsed.settings.dir}`);
  if (http) log(`HTTP on ${http.url} (status page /, /recordings.json, /healthz, /metrics)`);

  return new Promise<number>((done) => {
    let signals = 0;
    let shutting: Promise<void> | undefined;
    const shutdown = (): Promise<void> => (shutting ??= srs.shutdown());
    const stopNow = async (): Promise<void> => {
      // read while its UDP sockets are open: the OS's drops on a full receive buffer (Linux)
      const drops = srs.sipStats()?.transport.udpKernelDrops;
      await shutdown();
      await http?.close();
      stopRefusalLog();
      log(`SRS stopped${drops !== undefined ? ` (SIP datagrams the OS dropped on a full UDP receive buffer: ${drops})` : ''}`);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      done(CliExit.Ok);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals === 1) {
        log(`${signal}: draining (${srs.activeSessions} live recordings, at most ${parsed.drainTimeoutMs / 1000} s); send it again to stop now`);
        void srs.drain({ timeoutMs: parsed.drainTimeoutMs }).then(stopNow);
      } else if (signals === 2) {
        log(`${signal}: shutting down (${srs.activeSessions} live recordings)`);
        // A stuck socket must not keep the process: hard exit after 10 s.
        setTimeout(() => process.exit(1), 10_000).unref();
        void shutdown();
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `tsip srs`. */
export const srsCommand: CliCommand = {
  name: 'srs',
  summary: 'run a SIPREC recording server (drain on SIGTERM, /healthz and /metrics over HTTP)',
  help: HELP,
  run: (argv) => runSrs(argv),
};
