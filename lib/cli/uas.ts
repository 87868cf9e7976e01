/**
 * `tsip uas`: a UAS on the SipStack that answers INVITE (200 + SDP; a WebRTC answer to a browser's
 * offer), BYE, OPTIONS, MESSAGE and REGISTER, over UDP, TCP, TLS, WS and WSS, until SIGINT/SIGTERM,
 * when it prints a one-line summary. samples/uas.ts runs it; the benchmark and the interop tests
 * drive it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ListenSettings, Logger, TlsSettings, TransportProtocol } from '../../include-types/settings.js';
import { SipStack } from '../stack/index.js';
import { limitRefusalCount } from '../transaction/index.js';
import { createAnsweringUas } from './answering-uas.js';
import { CliUsageError, parseLimits, type CliLimits } from './args.js';
import { cliStackLogger } from './stack-logger.js';
import { CliExit, type CliCommand } from './command.js';
import { dtlsFingerprint } from './webrtc-answer.js';

const HELP = `usage: tsip uas [options]

Answers INVITE with 200 OK and an SDP answer (a WebRTC answer with ICE, DTLS fingerprint and BUNDLE
to a browser's offer; no media flows), absorbs the ACK, answers BYE, OPTIONS, MESSAGE and REGISTER
(Contacts echoed, nothing stored) with 200. Runs until SIGINT/SIGTERM, then prints a summary line.

Options:
  --transport LIST     udp, tcp, tls, ws, wss, comma-separated (default udp)
  --host ADDR          address to listen on and to write in Contact/SDP (default 127.0.0.1)
  --port N             port of udp/tcp/tls (default 5062; 0 = any free port)
  --ws-port N          port of ws (default: --port)
  --wss-port N         port of wss (default: --port)
  --tls-cert FILE      PEM certificate for tls/wss (required with them)
  --tls-key FILE       PEM private key for tls/wss
  --ws-path PATH       only accept WebSocket handshakes for this path (default: any)
  --allowed-origin O   accept browsers from this Origin only (repeatable; default: any)
  --dtls-cert FILE     PEM certificate whose SHA-256 fingerprint goes in WebRTC answers
                       (default: a generated key's)
  --hangup-after MS    send BYE MS milliseconds after each call's ACK (default: never)
  --limit NAME=N       set one of the stack's limits (StackLimits or TransportLimits;
                       repeatable), e.g. maxUnacknowledgedInvites=20000,
                       unacknowledgedGiveUpAfter=0, udpReceiveBufferSize=4194304
                       (defaults as the library's, but maxServerTransactions=500000)
  --memory-report      on SIGUSR2 print one "memory heapUsed=... liveDialogs=..." line
  --verbose            print each request answered

Prints "tsip uas listening on PROTO:ADDR:PORT ..." once listening.
exit codes: 0 stopped by a signal, 1 could not start (e.g. port in use), 2 bad arguments.`;

/** The parsed command line. */
interface UasArgs {
  listen: ListenSettings[];
  host: string;
  memoryReport: boolean;
  verbose: boolean;
  dtlsCert?: string;
  hangupAfterMs?: number;
  /** `--limit` values, over the UAS's own defaults. */
  limits: CliLimits;
}

const PROTOCOLS: readonly TransportProtocol[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`${name} must be 0..65535 (not ${value})`);
  return port;
}

/** Reads the arguments; throws CliUsageError with the reason. */
function parseUasArgs(argv: readonly string[]): UasArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        transport: { type: 'string', default: 'udp' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '5062' },
        'ws-port': { type: 'string' },
        'wss-port': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'ws-path': { type: 'string' },
        'allowed-origin': { type: 'string', multiple: true },
        'dtls-cert': { type: 'string' },
        'memory-report': { type: 'boolean', default: false },
        'hangup-after': { type: 'string' },
        limit: { type: 'string', multiple: true },
        verbose: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
  const transports = values.transport.split(',') as TransportProtocol[];
  for (const t of transports) {
    if (!PROTOCOLS.includes(t)) throw new CliUsageError(`--transport takes udp, tcp, tls, ws, wss (not ${t})`);
  }
  const port = parsePort(values.port, '--port');
  const portOf = (p: TransportProtocol): number =>
    p === 'ws' && values['ws-port'] !== undefined ? parsePort(values['ws-port'], '--ws-port') : p === 'wss' && values['wss-port'] !== undefined ? parsePort(values['wss-port'], '--wss-port') : port;
  // tcp, tls, ws and wss are all TCP listeners: two of them cannot share a fixed port
  const streamPorts = transports.filter((t) => t !== 'udp').map(portOf).filter((p) => p !== 0);
  if (new Set(streamPorts).size !== streamPorts.length) throw new CliUsageError('tcp, tls, ws and wss need different ports (--ws-port, --wss-port)');
  let tls: TlsSettings | undefined;
  if (transports.includes('tls') || transports.includes('wss')) {
    if (values['tls-cert'] === undefined || values['tls-key'] === undefined) throw new CliUsageError('tls and wss need --tls-cert and --tls-key');
    tls = { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) };
  }
  const websocket = { path: values['ws-path'], allowedOrigins: values['allowed-origin'] };
  const listen = transports.map((protocol): ListenSettings => ({
    protocol,
    address: values.host,
    port: portOf(protocol),
    ...(protocol === 'tls' || protocol === 'wss' ? { tls } : {}),
    ...(protocol === 'ws' || protocol === 'wss' ? { websocket } : {}),
  }));
  const hangup = values['hangup-after'];
  const hangupAfterMs = hangup === undefined ? undefined : Number(hangup);
  if (hangupAfterMs !== undefined && (!Number.isInteger(hangupAfterMs) || hangupAfterMs < 0)) throw new CliUsageError(`--hangup-after must be a whole number of ms (not ${hangup})`);
  const limits = parseLimits(values.limit ?? []);
  return { listen, host: values.host, memoryReport: values['memory-report'], verbose: values.verbose, dtlsCert: values['dtls-cert'], hangupAfterMs, limits };
}

/** Says why the UAS could not start (a limit out of range, a port in use ...); the exit code. */
function cannotStart(err: unknown): number {
  console.error(`tsip uas: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  return CliExit.Failed;
}

/** Runs the UAS until a signal; resolves to the exit code. */
async function runUas(args: UasArgs): Promise<number> {
  const stackLog = cliStackLogger();
  try {
    return await serve(args, stackLog.logger);
  } finally {
    stackLog.stop(); // what was held back is printed
  }
}

/** {@link runUas} with the stack's warnings going to `logger`. */
async function serve(args: UasArgs, logger: Logger): Promise<number> {
  let stack: SipStack;
  try {
    stack = new SipStack({
      logger,
      iaps: [{ id: 'uas', listen: args.listen }],
      // under load a UAS keeps many transactions alive for Timers J and L (32 s): raise the default
      limits: { maxServerTransactions: 500_000, maxClientTransactions: 1_000, ...args.limits.stack },
      transportLimits: args.limits.transport,
    });
  } catch (err) {
    return cannotStart(err); // a --limit value out of its range
  }
  const uas = createAnsweringUas(stack, {
    host: args.host,
    hangupAfterMs: args.hangupAfterMs,
    dtlsFingerprint: dtlsFingerprint(args.dtlsCert === undefined ? undefined : readFileSync(args.dtlsCert)),
    onRequest: args.verbose ? (r) => console.log(`tsip uas: ${r.method} ${r.callId}`) : undefined,
  });
  stack.addUser(uas.user);
  try {
    await stack.start();
  } catch (err) {
    const code = cannotStart(err);
    await stack.shutdown();
    return code;
  }
  console.log(`tsip uas listening on ${stack.boundAddresses('uas').map((b) => `${b.protocol}:${b.address}:${b.port}`).join(' ')}`);

  const memoryReport = (): void => {
    // Only a full collection makes heapUsed mean "what is still reachable"; without --expose-gc
    // the figure still prints, but includes garbage not yet collected. A second collection a
    // moment later lets V8 finish freeing ArrayBuffer backing stores (swept in the background),
    // which arrayBuffers would otherwise still count.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    setTimeout(() => {
      gc?.();
      const m = process.memoryUsage();
      const s = stack.stats();
      console.log(`memory heapUsed=${m.heapUsed} arrayBuffers=${m.arrayBuffers} rss=${m.rss} liveTransactions=${s.transactions.total} liveDialogs=${s.dialogs} ` +
          `awaitingAck=${s.transactions.retransmitting2xx} refused503=${limitRefusalCount(s.limitRejections)}`);
    }, 50);
  };
  if (args.memoryReport) process.on('SIGUSR2', memoryReport);

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.off('SIGUSR2', memoryReport);
  const c = uas.counts;
  const s = stack.stats();
  console.log(
    `tsip uas ${signal}: invites=${c.invites} acks=${c.acks} byes=${c.byes} options=${c.options} registers=${c.registers} messages=${c.messages} ackTimeouts=${c.ackTimeouts} hangups=${c.hangups} ` +
      `liveDialogs=${s.dialogs} liveTransactions=${s.transactions.total} ` +
      // the stateless 503s of the stack's limits (StackLimits), which an overloaded UAS sends
      `refused503=${limitRefusalCount(s.limitRejections)} (serverTransactions=${s.limitRejections.serverTransactions} ` +
      `unacknowledgedInvites=${s.limitRejections.unacknowledgedInvites} retransmissions=${s.limitRejections.retransmissions}) ` +
      // 2xx whose ACK stopped coming, given up for a new INVITE over maxUnacknowledgedInvites
      `ackWaitsGivenUp=${s.limitRejections.ackWaitsGivenUp} ` +
      // datagrams the OS dropped on a full UDP receive buffer (Linux), which the senders retransmit
      `udpKernelDrops=${s.transport.udpKernelDrops ?? 'unknown'}`,
  );
  await stack.shutdown();
  return CliExit.Ok;
}

/** `tsip uas`. */
export const uasCommand: CliCommand = {
  name: 'uas',
  summary: 'answer INVITE/BYE/OPTIONS/MESSAGE/REGISTER (UDP, TCP, TLS, WS, WSS; WebRTC answers for browsers)',
  help: HELP,
  async run(argv: readonly string[]): Promise<number> {
    let args: UasArgs;
    try {
      args = parseUasArgs(argv);
    } catch (err) {
      if (!(err instanceof CliUsageError) && !(err instanceof Error && 'code' in err)) throw err;
      console.error(`tsip uas: ${err.message}\n\n${HELP}`);
      return CliExit.Usage;
    }
    return runUas(args);
  },
};
