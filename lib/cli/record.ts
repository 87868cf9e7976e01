/**
 * `tsip record` (and `npm start`, through samples/record-demo.ts): records a synthetic two-party G.711
 * call with SIPREC.
 *
 * Without `--srs`, an embedded Srs runs on loopback, an SrcManager points at it, the call (alice
 * speaks 440 Hz, bob 1000 Hz, in turns) is forked to it in real time, the recording is stopped with
 * BYE, and the command prints where the recording is, its streams, durations and participants, and
 * checks that each WAV decodes to the right party's voice. With `--srs` it records to that SRS (or
 * failover list) and checks the SIP side only.
 * @module
 */
import { join, resolve } from 'node:path';
import type { RecordingStartedEvent, RecordingStoppedEvent, SrcTlsSettings } from '../../include-types/siprec.js';
import { startOperatorHttp, type HttpRoute, type OperatorHttpServer } from '../siprec/common/operator-http.js';
import { syntheticCall } from '../siprec/media/index.js';
import { startDemoLogEventServer, type DemoLogEvents } from '../siprec/ng911/index.js';
import { srsStatusRoutes } from '../siprec/srs/status/index.js';
import { srcMetricsRoutes } from '../siprec/src/index.js';
import { SrcManager } from '../siprec/src/index.js';
import { inspectRecording, listRecordings, Srs } from '../siprec/srs/index.js';
import { choiceOption, CliUsageError, hostPortOption, numberOption, parseCommandArgs } from './args.js';
import { CliExit, type CliCommand } from './command.js';
import { ProgressReporter } from './progress.js';

/** What one `tsip record` run does; {@link recordCommand} builds it from the arguments. */
export interface RecordRunOptions {
  /** SRS URIs in failover order; empty: an embedded Srs on `local`. */
  srsUris: readonly string[];
  /** Length of the synthetic call, seconds. */
  seconds: number;
  /** Where the embedded Srs writes (ignored with an external SRS). */
  dir: string;
  /** Local address of the SRC (and of the embedded Srs). */
  local: string;
  /** SIP transport to the SRS (tls: with the embedded SRS, `tls.certFile`/`keyFile` are its certificate). */
  transport: 'udp' | 'tcp' | 'tls';
  /**
   * SIP over TLS (with `transport: 'tls'`, or `sips:`/`;transport=tls` SRS URIs): PEM files. With
   * the embedded SRS the certificate and key are the SRS's and `caFile` what the SRC trusts; with
   * `srsUris` the certificate and key are the SRC's client certificate.
   */
  tls?: { certFile?: string; keyFile?: string; caFile?: string; verify?: boolean; servername?: string };
  /** SRTP (SDES, AES_CM_128_HMAC_SHA1_80) towards the SRS instead of plain RTP. */
  srtp?: boolean;
  /** G.711 law of the call. */
  codec: 'pcmu' | 'pcma';
  /** Largest request sent over UDP before switching to TCP (RFC 3261 §18.1.1), bytes. */
  maxUdp?: number;
  /** Serve the SRC's /metrics (and the embedded SRS's status page) here while the call runs. */
  http?: { host: string; port: number };
  /** Send the NG9-1-1 log events to a Logging Service started beside the call (under `dir`/log-events). */
  logEvents?: boolean;
}

/** The five NENA-STA-010.3 log events a recorded call produces. */
const LOG_EVENT_TYPES = ['CallSignalingMessageLogEvent', 'RecCallStartLogEvent', 'RecMediaStartLogEvent', 'RecMediaEndLogEvent', 'RecCallEndLogEvent'];
/** How long the Logging Service is given to receive the last event after the BYE, ms. */
const LOG_EVENTS_WAIT_MS = 10_000;

/** Tones of the two synthetic parties, Hz: the WAV check expects each stream's loudest tone. */
const FREQ = { alice: 440, bob: 1000 };
/** How far a stored stream's duration may be from the call's, seconds. */
const DURATION_TOLERANCE_S = 0.75;
/** Time allowed beyond the call itself for set-up, BYE and checks, seconds. */
const GUARD_EXTRA_S = 60;

class RecordFailure extends Error {}

/**
 * Records one synthetic call as described by `opts`, printing as it goes.
 * @returns 0 when the recording was set up, carried media, its BYE got a 200 and (embedded SRS) the
 *   stored files verified; 1 otherwise.
 */
export async function runRecord(opts: RecordRunOptions, progress = new ProgressReporter({ label: 'record' })): Promise<number> {
  let guard: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, rej) => {
    guard = setTimeout(() => rej(new RecordFailure('timed out')), (opts.seconds + GUARD_EXTRA_S) * 1000);
    guard.unref();
  });
  try {
    return await Promise.race([recordOnce(opts, progress), timedOut]);
  } catch (e) {
    progress.stop();
    console.error(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
    return CliExit.Failed;
  } finally {
    clearTimeout(guard);
    progress.stop();
  }
}

/** The SRC's TLS settings: its client certificate only towards an external SRS (the embedded one's is the SRS's). */
function srcTls(t: NonNullable<RecordRunOptions['tls']>, embedded: boolean): SrcTlsSettings {
  return {
    ...(t.caFile !== undefined ? { caFile: t.caFile } : {}),
    ...(!embedded && t.certFile !== undefined ? { certFile: t.certFile } : {}),
    ...(!embedded && t.keyFile !== undefined ? { keyFile: t.keyFile } : {}),
    ...(t.verify === false ? { verify: false } : {}),
    ...(t.servername !== undefined ? { servername: t.servername } : {}),
  };
}

async function recordOnce(opts: RecordRunOptions, progress: ProgressReporter): Promise<number> {
  const pt: 0 | 8 = opts.codec === 'pcma' ? 8 : 0;
  const dir = resolve(opts.dir);
  const { transport, seconds } = opts;
  let srs: Srs | undefined;
  let manager: SrcManager | undefined;
  let http: OperatorHttpServer | undefined;
  let logs: DemoLogEvents | undefined;
  const storedTypes: string[] = [];
  let callEndStored: () => void = () => undefined;
  const lastLogEvent = new Promise<void>((r) => { callEndStored = r; });
  progress.start();
  try {
    let uris: string[];
    if (opts.srsUris.length > 0) {
      uris = [...opts.srsUris];
    } else {
      const t = opts.tls;
      if (transport === 'tls' && (t?.certFile === undefined || t.keyFile === undefined)) {
        throw new RecordFailure('--transport tls with the embedded SRS needs --tls-cert and --tls-key (its certificate)');
      }
      srs = new Srs({ host: opts.local, port: 0, dir, ...(transport === 'tls' ? { tls: { certFile: t!.certFile, keyFile: t!.keyFile } } : {}) });
      await srs.start();
      uris = [srs.uri(transport)];
      progress.log(`embedded SRS listening on ${srs.addresses.map((a) => `${a.protocol}:${a.address}:${a.port}`).join(', ')}, recording to ${dir}`);
    }
    if (opts.logEvents) {
      logs = await startDemoLogEventServer({ dir: join(dir, 'log-events') });
      logs.server.on('stored', (e) => {
        storedTypes.push(e.logEventType);
        if (e.logEventType === 'RecCallEndLogEvent') callEndStored();
      });
      progress.log(`Logging Service (NG9-1-1 log events) on ${logs.server.url}, storing to ${logs.server.file}`);
    }
    const src = new SrcManager({
      userAgent: 'tsip-record-demo',
      ...(logs ? { ng911: logs.ng911 } : {}),
      srs: [{
        name: 'demo', srsUris: uris, localAddress: opts.local, transport, inviteTimeoutMs: 8000,
        ...(opts.maxUdp !== undefined ? { maxUdpRequestSize: opts.maxUdp } : {}),
        ...(opts.tls ? { tls: srcTls(opts.tls, srs !== undefined) } : {}),
        media: {
          codecs: [pt === 0 ? { payloadType: 0, name: 'PCMU', clockRate: 8000 } : { payloadType: 8, name: 'PCMA', clockRate: 8000 }],
          ...(opts.srtp ? { srtp: 'AES_CM_128_HMAC_SHA1_80' as const } : {}),
        },
      }],
    });
    manager = src;
    if (opts.http) {
      const routes: HttpRoute[] = [...srcMetricsRoutes(src), ...(srs ? srsStatusRoutes(srs) : [])];
      http = await startOperatorHttp(opts.http, routes);
      progress.log(`HTTP on ${http.url} (/metrics of the SRC${srs ? ', the embedded SRS\'s status page at /' : ''})`);
    }
    src.on('srsStateChanged', (e) => progress.log(`SRS ${e.srs} is ${e.up ? 'up' : 'down'}`));
    await src.start();
    const callId = `demo-${Date.now()}@tsip`;
    const started = new Promise<RecordingStartedEvent>((res, rej) => {
      src.once('recordingStarted', res);
      src.once('recordingFailed', (e) => rej(new RecordFailure(`recording failed: ${e.reason} ${JSON.stringify(e.attempts)}`)));
    });
    const stopped = new Promise<RecordingStoppedEvent>((res) => src.once('recordingStopped', res));
    const rec = src.startRecording({
      callId,
      participants: [{ key: 'alice', aor: 'sip:alice@example.com', name: 'Alice' }, { key: 'bob', aor: 'sip:bob@example.net', name: 'Bob' }],
      streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
    });
    const s = await started;
    progress.set({ recordings: 1 });
    progress.log(`recording ${s.recordingId} set up with ${s.srs}; streams: ${s.streams.map((x) => `${x.label}${x.accepted ? `→${x.remote?.address}:${x.remote?.port}` : ' refused'}`).join(', ')}`);
    progress.log(`sending a ${seconds} s two-party ${pt === 0 ? 'PCMU' : 'PCMA'} call ...`);
    for await (const p of syntheticCall({ durationMs: seconds * 1000, realtime: true, payloadType: pt, parties: [{ frequency: FREQ.alice }, { frequency: FREQ.bob }] })) {
      rec.forward(p.party === 0 ? '1' : '2', p.bytes);
      progress.add({ packets: 1 });
    }
    await src.stopRecording(callId);
    const end = await stopped;
    progress.set({ recordings: 0 });
    if (logs) {
      // the last event (RecCallEnd) is posted after the BYE: give it time to arrive before shutting down
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([lastLogEvent, new Promise((r) => { timer = setTimeout(r, LOG_EVENTS_WAIT_MS); })]);
      clearTimeout(timer);
    }
    await src.shutdown();
    progress.stop();
    console.log(`stopped (${end.reason}); BYE answered ${end.byeStatusCode ?? 'never'}; packets sent: ${JSON.stringify(end.packetsSent)}`);
    let ok = end.byeStatusCode === 200 && Object.values(end.packetsSent).every((n) => n > 0);
    if (logs) {
      const missing = LOG_EVENT_TYPES.filter((type) => !storedTypes.includes(type));
      console.log(`log events: ${storedTypes.length} stored in ${logs.server.file} (${[...new Set(storedTypes)].join(', ')})${missing.length ? `; MISSING ${missing.join(', ')}` : ''}`);
      ok &&= missing.length === 0;
    }
    if (srs) {
      await srs.shutdown();
      const stored = listRecordings(dir).find((r) => r.index.recordingId === s.recordingId);
      if (!stored) throw new RecordFailure(`no recording ${s.recordingId} under ${dir}`);
      console.log(`\nrecording: ${stored.dir}  (${stored.index.state})`);
      const audio = inspectRecording(stored, [FREQ.alice, FREQ.bob]);
      for (const st of stored.index.streams) {
        const a = audio.find((x) => x.label === st.label);
        const who = stored.index.participants.filter((p) => p.sends.includes(st.label)).map((p) => p.aors[0]).join(', ');
        console.log(`  stream ${st.label}: ${st.file}, ${st.codec}, ${st.packets} packets, ${a === undefined ? '-' : `${a.durationSeconds.toFixed(2)} s`}, sent by ${who}, loudest tone ${a?.dominantHz ?? '-'} Hz`);
      }
      for (const p of stored.index.participants) {
        console.log(`  participant ${p.names[0] ?? ''} <${p.aors[0]}> sends [${p.sends}] receives [${p.receives}]`);
      }
      console.log(`  metadata: ${stored.index.metadataFiles.join(', ')}`);
      const expect: Record<string, number> = { 1: FREQ.alice, 2: FREQ.bob };
      for (const a of audio) {
        const good = Math.abs(a.durationSeconds - seconds) < DURATION_TOLERANCE_S && a.rms > 100 && a.dominantHz === expect[a.label];
        console.log(`  verify ${a.label}: ${good ? 'OK' : 'BAD'} (duration ${a.durationSeconds.toFixed(2)} s, rms ${a.rms.toFixed(0)})`);
        ok &&= good;
      }
      ok &&= audio.length === stored.index.streams.length;
    }
    console.log(ok ? '\nrecording OK' : '\nrecording NOT OK');
    return ok ? CliExit.Ok : CliExit.Failed;
  } finally {
    // on a failure half-way, still release sockets and end what was set up (all idempotent)
    await manager?.shutdown().catch(() => undefined);
    await srs?.shutdown().catch(() => undefined);
    await http?.close().catch(() => undefined);
    await logs?.close().catch(() => undefined);
  }
}

const HELP = `usage: tsip record [--srs URI[,URI...]] [--seconds N] [--codec pcmu|pcma] [--dir D]
                   [--local ADDR] [--transport udp|tcp|tls] [--max-udp BYTES] [--srtp]
                   [--tls-cert FILE --tls-key FILE] [--tls-ca FILE] [--tls-servername NAME]
                   [--tls-no-verify] [--http HOST:PORT] [--log-events]

Records a synthetic two-party G.711 call (Alice 440 Hz, Bob 1000 Hz, in turns) with SIPREC
(RFC 7866): SrcManager sends the INVITE with SDP and RFC 7865 metadata, forks the call's RTP
per labelled stream, and ends with BYE. Without --srs an embedded Srs on --local records it to
--dir, and each stored WAV is checked to hold the right party's voice. A progress line shows
recordings, packets and elapsed time (redrawn on a terminal, a line every 5 s otherwise).

options:
  --srs URI[,URI]     record to this SRS (a comma-separated list is a failover order);
                      default: an embedded Srs on loopback
  --seconds N         call length, 0 < N <= 3600 (default 10)
  --codec pcmu|pcma   G.711 law (default pcmu)
  --dir D             where the embedded Srs writes (default ./recordings)
  --local ADDR        local address of the SRC and the embedded Srs (default 127.0.0.1)
  --transport udp|tcp|tls  SIP transport to the SRS (default udp); an --srs URI with sips: or
                      ;transport=tls uses TLS whatever this says
  --max-udp BYTES     largest request sent over UDP before TCP is used (RFC 3261 §18.1.1)
  --srtp              SRTP (SDES, AES_CM_128_HMAC_SHA1_80) to the SRS instead of plain RTP
  --tls-cert FILE     PEM certificate: the embedded SRS's (needed with --transport tls), or with
                      --srs the SRC's client certificate (needed for sips: URIs); with --tls-key
  --tls-key FILE      PEM private key of --tls-cert
  --tls-ca FILE       PEM CA certificates the SRS's certificate must chain to (default: the
                      public CAs Node trusts)
  --tls-servername NAME  name the SRS's certificate must carry, when not the URI's host
  --tls-no-verify     accept any SRS certificate (encrypted, not authenticated)
  --http HOST:PORT    while the call runs, serve the SRC's Prometheus /metrics (and, with the
                      embedded SRS, its status page at /) on HOST:PORT
  --log-events        start an NG9-1-1 Logging Service beside the call (D/log-events), send the
                      call's five NENA-STA-010.3 log events to it, and print what arrived

exit codes:
  0  recording OK: set up, carried media, BYE answered 200, (embedded SRS) files verified, and
     (--log-events) all five log events stored
  1  recording NOT OK, or FAILED (no SRS answered, timed out, ...)
  2  bad arguments`;

/** The --tls-* options as `RecordRunOptions.tls` (undefined when none is given). */
function tlsOptions(v: Record<string, string | boolean | undefined>): RecordRunOptions['tls'] {
  const file = (name: string): string | undefined => (typeof v[name] === 'string' ? resolve(v[name] as string) : undefined);
  const certFile = file('tls-cert');
  const keyFile = file('tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new CliUsageError('--tls-cert and --tls-key go together');
  const caFile = file('tls-ca');
  const servername = typeof v['tls-servername'] === 'string' ? v['tls-servername'] : undefined;
  const noVerify = v['tls-no-verify'] === true;
  if (certFile === undefined && caFile === undefined && servername === undefined && !noVerify) return undefined;
  return {
    ...(certFile !== undefined ? { certFile, keyFile } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    ...(servername !== undefined ? { servername } : {}),
    ...(noVerify ? { verify: false } : {}),
  };
}

/** `tsip record`. */
export const recordCommand: CliCommand = {
  name: 'record',
  summary: 'record a synthetic two-party call with SIPREC (to an embedded SRS unless --srs)',
  help: HELP,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      srs: { type: 'string' },
      seconds: { type: 'string', default: '10' },
      dir: { type: 'string', default: './recordings' },
      local: { type: 'string', default: '127.0.0.1' },
      transport: { type: 'string', default: 'udp' },
      codec: { type: 'string', default: 'pcmu' },
      'max-udp': { type: 'string' },
      srtp: { type: 'boolean', default: false },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-servername': { type: 'string' },
      'tls-no-verify': { type: 'boolean', default: false },
      http: { type: 'string' },
      'log-events': { type: 'boolean', default: false },
    });
    const maxUdp = numberOption('max-udp', values['max-udp'], { min: 1, integer: true });
    const http = hostPortOption('http', values.http);
    const tls = tlsOptions(values);
    if (values.transport === 'tls' && values.srs === undefined && tls?.certFile === undefined) {
      throw new CliUsageError('--transport tls with the embedded SRS needs --tls-cert and --tls-key (its certificate)');
    }
    return runRecord({
      srsUris: (values.srs ?? '').split(',').map((u) => u.trim()).filter(Boolean),
      seconds: numberOption('seconds', values.seconds, { min: 0, minExclusive: true, max: 3600 }) ?? 10,
      dir: values.dir,
      local: values.local,
      transport: choiceOption('transport', values.transport, ['udp', 'tcp', 'tls']),
      ...(tls !== undefined ? { tls } : {}),
      srtp: values.srtp === true,
      codec: choiceOption('codec', values.codec, ['pcmu', 'pcma']),
      ...(maxUdp !== undefined ? { maxUdp } : {}),
      ...(http !== undefined ? { http } : {}),
      logEvents: values['log-events'] === true,
    });
  },
};
