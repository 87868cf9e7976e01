/**
 * `tsip probe`: the SIPREC conformance probe on the command line.
 *   tsip probe srs sip:HOST:PORT [--transport udp|tcp|tls] [--user NAME --password-file FILE]
 *                  [--tls-ca FILE | --tls-no-verify] [--tls-cert FILE --tls-key FILE] [--json] [--timeout-ms N] [--local ADDRESS]
 *   tsip probe src --listen HOST:PORT [--transport udp|tcp|tls --tls-cert FILE --tls-key FILE [--tls-ca FILE]]
 *                  [--json] [--calls N] [--timeout-ms N]
 * Prints one line per check (level, RFC section, id, reason) and a summary, or with --json the
 * result array; exits 0 only when no check FAILed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import type { ProbeReport } from '../../include-types/siprec-probe.js';
import { formatReport, probeSrs, srsTarget, startSrcProbe } from '../siprec/probe/index.js';
import { CliExit, type CliCommand } from './command.js';

/** Where the command writes (the process's streams, or buffers in tests). */
export interface ProbeIo {
  out(text: string): void;
  err(text: string): void;
  /** Called once `probe src` listens, with its URI (tests point an SRC at it). */
  listening?(uri: string): void;
  /** Resolves when the user wants `probe src` to stop early (default: SIGINT / SIGTERM). */
  interrupted?: Promise<void>;
  /** Where TSIP_PROBE_PASSWORD is read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

const HELP = `usage: tsip probe srs sip:HOST:PORT [--transport udp|tcp|tls] [--user NAME --password-file FILE]
                      [--tls-ca FILE | --tls-no-verify] [--tls-cert FILE --tls-key FILE] [--json] [--timeout-ms N] [--local ADDRESS]
       tsip probe src --listen HOST:PORT [--transport udp|tcp|tls --tls-cert FILE --tls-key FILE [--tls-ca FILE]]
                      [--json] [--calls N] [--timeout-ms N]

probe srs   act as a recording client (SRC) against any SRS and check it against RFC 7866/7865:
            OPTIONS, the SIPREC INVITE and its answer (+sip.srs, recvonly m-lines, labels, Require),
            RTP to the answered ports, metadata by re-INVITE and UPDATE, pause and resume, BYE,
            and the INVITEs it must refuse (unknown Require, no Require: siprec, no +sip.src,
            malformed metadata).
probe src   act as a recording server (SRS) on HOST:PORT, take --calls recording sessions from
            any SRC, answer 200 recvonly, and check its INVITE, labels, metadata, RTP,
            re-offers, stop-time metadata and BYE. Ctrl-C reports what was seen so far.

Options:
  --transport udp|tcp|tls  SIP transport (default udp, or the URI's transport parameter;
                        tls for sips: URIs)
  --json                print the result array as JSON instead of the table
  --timeout-ms N        longest wait for one response (srs, default 4000) or for the SRC's
                        next step (src, default 30000)
  --calls N             recording sessions to take (src, default 1)
  --local ADDRESS       local address for SIP and RTP (srs; default: the one routed to the SRS)

Authentication (srs; RFC 3261 §22, Digest per RFC 7616):
  --user NAME           answer the SRS's 401/407 challenges as NAME; first one INVITE is sent
                        with a wrong password (check auth-wrong-password: it must be refused),
                        then auth-challenge checks that the SRS challenged and accepted NAME
  --password-file FILE  the password (first line of FILE); or set TSIP_PROBE_PASSWORD. There is
                        no --password: a password on the command line shows in ps
  Without --user, an SRS that answers 401/407 gets one FAIL (auth-challenge) and the rest SKIP.

TLS (RFC 3261 §26; srs: --transport tls, sips: or ;transport=tls URIs; src: --transport tls):
  --tls-ca FILE         srs: CA (PEM) to verify the SRS's certificate with (default: the public
                        CAs); src: ask every SRC for a client certificate signed by it
  --tls-no-verify       srs: do not verify the SRS's certificate (reported as a WARN)
  --tls-cert FILE       our certificate (PEM): srs: client certificate (mutual TLS; needed for
                        sips: URIs); src: the server certificate (needed to listen on TLS)
  --tls-key FILE        the private key of --tls-cert
  (the same names as tsip record and tsip srs)

Each line: PASS/FAIL/WARN/SKIP, the RFC section, the check id and a short reason. A broken MUST
is a FAIL; a broken SHOULD, or a choice the RFC allows that peers may not expect, is a WARN.

exit codes: 0 no check failed, 1 at least one FAIL (or the probe could not run), 2 bad arguments
            (also an unreadable password, certificate, key or CA file).`;

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer (not ${v})`);
  return n;
}

function transportOf(v: string | undefined): 'udp' | 'tcp' | 'tls' | undefined {
  if (v === undefined) return undefined;
  const t = v.toLowerCase();
  if (t !== 'udp' && t !== 'tcp' && t !== 'tls') throw new RangeError(`--transport must be udp, tcp or tls (not ${v})`);
  return t;
}

/**
 * The password of --user: --password-file's first line, else TSIP_PROBE_PASSWORD. Never an
 * argument (it would show in ps).
 */
function passwordOf(file: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (file === undefined) {
    const v = env.TSIP_PROBE_PASSWORD;
    if (v === undefined || v === '') throw new RangeError('--user needs --password-file FILE (or TSIP_PROBE_PASSWORD in the environment)');
    return v;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RangeError(`--password-file ${file} cannot be read (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
  const line = text.split(/\r?\n/)[0];
  if (line === '') throw new RangeError(`--password-file ${file}: the first line is empty`);
  return line;
}

/** HOST:PORT, [v6]:PORT; the host must be an address (it goes into the SDP). */
export function parseListen(v: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(v) ?? /^([^:]+):(\d+)$/.exec(v);
  if (!m) throw new RangeError(`--listen must be HOST:PORT (not ${v})`);
  const port = Number(m[2]);
  if (!isIP(m[1])) throw new RangeError(`--listen needs an IP address (not ${m[1]})`);
  if (m[1] === '0.0.0.0' || m[1] === '::') throw new RangeError('--listen needs a concrete address: it is put in the SDP answer');
  if (port > 65535) throw new RangeError(`port out of range: ${port}`);
  return { host: m[1], port };
}

function print(report: ProbeReport, json: boolean, io: ProbeIo): number {
  io.out(json ? `${JSON.stringify(report.results, null, 2)}\n` : `${formatReport(report)}\n`);
  return report.ok ? CliExit.Ok : CliExit.Failed;
}

function signals(): { promise: Promise<void>; off(): void } {
  let fire!: () => void;
  const promise = new Promise<void>((r) => { fire = r; });
  const on = (): void => fire();
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return { promise, off: () => { process.off('SIGINT', on); process.off('SIGTERM', on); } };
}

/** Runs `tsip probe ...` with its arguments; resolves to the exit code. */
export async function runProbe(argv: readonly string[], io: ProbeIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], allowPositionals: true, strict: true,
      options: {
        transport: { type: 'string' }, json: { type: 'boolean', default: false }, 'timeout-ms': { type: 'string' },
        listen: { type: 'string' }, calls: { type: 'string' }, local: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
        user: { type: 'string' }, 'password-file': { type: 'string' }, 'tls-ca': { type: 'string' }, 'tls-no-verify': { type: 'boolean', default: false },
        'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${HELP}\n`);
    return CliExit.Usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${HELP}\n`);
    return CliExit.Ok;
  }
  const [role, ...rest] = positionals;
  try {
    const transport = transportOf(values.transport);
    const timeoutMs = positiveInt(values['timeout-ms'], '--timeout-ms');
    if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new RangeError('--tls-cert and --tls-key go together');
    if (role === 'srs') {
      if (rest.length !== 1) throw new RangeError('probe srs takes one SRS URI, e.g. sip:127.0.0.1:5090');
      if (values.listen !== undefined || values.calls !== undefined) throw new RangeError('--listen and --calls are for probe src');
      if (values.local !== undefined && !isIP(values.local)) throw new RangeError(`--local needs an IP address (not ${values.local})`);
      if (values['password-file'] !== undefined && values.user === undefined) throw new RangeError('--password-file goes with --user NAME');
      if (values.user === '') throw new RangeError('--user needs a name');
      if (values['tls-no-verify'] && values['tls-ca'] !== undefined) throw new RangeError('--tls-no-verify and --tls-ca contradict each other: give one');
      const tlsAsked = values['tls-ca'] !== undefined || values['tls-no-verify'] || values['tls-cert'] !== undefined;
      if (tlsAsked && srsTarget(rest[0], transport).transport !== 'tls') throw new RangeError('--tls-ca, --tls-no-verify, --tls-cert and --tls-key are for TLS (--transport tls, a sips: URI or ;transport=tls)');
      const credentials = values.user !== undefined ? { username: values.user, password: passwordOf(values['password-file'], io.env ?? process.env) } : undefined;
      const tls = {
        ...(values['tls-ca'] !== undefined ? { caFile: values['tls-ca'] } : {}), ...(values['tls-no-verify'] ? { verify: false } : {}),
        ...(values['tls-cert'] !== undefined ? { certFile: values['tls-cert'], keyFile: values['tls-key'] } : {}),
      };
      const report = await probeSrs(rest[0], {
        ...(transport ? { transport } : {}), ...(timeoutMs ? { timeoutMs } : {}), ...(values.local !== undefined ? { localAddress: values.local } : {}),
        ...(credentials ? { credentials } : {}), ...(Object.keys(tls).length > 0 ? { tls } : {}),
      });
      return print(report, values.json, io);
    }
    if (role === 'src') {
      if (rest.length !== 0) throw new RangeError(`probe src takes no positional argument (got ${rest.join(' ')})`);
      if (values.listen === undefined) throw new RangeError('probe src needs --listen HOST:PORT');
      if (values.local !== undefined) throw new RangeError('--local is for probe srs (probe src listens on --listen)');
      if (values.user !== undefined || values['password-file'] !== undefined || values['tls-no-verify']) throw new RangeError('--user, --password-file and --tls-no-verify are for probe srs');
      if (transport === 'tls' && values['tls-cert'] === undefined) throw new RangeError('probe src --transport tls needs --tls-cert FILE and --tls-key FILE');
      if (transport !== 'tls' && (values['tls-cert'] !== undefined || values['tls-ca'] !== undefined)) throw new RangeError('--tls-cert, --tls-key and --tls-ca are for probe src --transport tls');
      const tls = transport === 'tls'
        ? { certFile: values['tls-cert'], keyFile: values['tls-key'], ...(values['tls-ca'] !== undefined ? { caFile: values['tls-ca'], requireClientCertificate: true } : {}) }
        : undefined;
      const { host, port } = parseListen(values.listen);
      const calls = positiveInt(values.calls, '--calls');
      const h = await startSrcProbe({ host, port, ...(transport ? { transport } : {}), ...(calls ? { calls } : {}), ...(timeoutMs ? { timeoutMs } : {}), ...(tls ? { tls } : {}) });
      io.err(`probe src: listening as an SRS on ${h.uri}\n`);
      io.listening?.(h.uri);
      const sig = io.interrupted ? undefined : signals();
      const stopAsked = io.interrupted ?? sig!.promise;
      const report = await Promise.race([h.report, stopAsked.then(() => h.stop())]);
      sig?.off();
      return print(report, values.json, io);
    }
    throw new RangeError(role === undefined ? 'say what to probe: srs or src' : `unknown probe target "${role}" (srs or src)`);
  } catch (e) {
    if (e instanceof RangeError) {
      io.err(`${e.message}\n\n${HELP}\n`);
      return CliExit.Usage;
    }
    io.err(`probe failed: ${(e as Error).message}\n`);
    return CliExit.Failed;
  }
}

/** `tsip probe`. */
export const probeCommand: CliCommand = {
  name: 'probe',
  summary: 'SIPREC conformance probe: check any SRS or SRC against RFC 7866/7865',
  help: HELP,
  run: (argv) => runProbe(argv, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
};
