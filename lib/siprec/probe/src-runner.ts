/**
 * `probeSrc` / `startSrcProbe`: the probe listens as an SRS, takes `calls` recording sessions
 * from whatever SRC calls it, checks each (src-session.ts) and reports. Sessions past `calls` are
 * refused 486. No INVITE within `timeoutMs` is a FAIL of `src-invite`.
 */
import type { TimerHandle } from '../../../include-types/settings.js';
import { defaultSiprecClock } from '../common/timers.js';
import type { Dialog } from '../../../include-types/api.js';
import type { ProbeReport, ProbeSrcOptions } from '../../../include-types/siprec-probe.js';
import { MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import { ProbeUa, probeListener, probeTlsMaterial, type ProbeUaTls } from './probe-ua.js';
import { ProbeResults, summarize } from './results.js';
import { SrcProbeSession } from './src-session.js';

/** A running `probe src`. */
export interface SrcProbeHandle {
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** A SIP URI an SRC can record to. */
  readonly uri: string;
  /** Resolves with the report once every call ended (or the wait for one ran out). */
  readonly report: Promise<ProbeReport>;
  /** Stops waiting: sessions still live are ended with BYE and reported. */
  stop(): Promise<ProbeReport>;
}

/**
 * The TLS listener of `probe src` (RFC 3261 §26.2): certificate and key, and with `ca` and
 * `requireClientCertificate` mutual TLS.
 * @throws RangeError without certificate and key, or for unusable material
 */
function listenerTls(options: ProbeSrcOptions): ProbeUaTls | undefined {
  if (options.transport !== 'tls') return undefined;
  const s = options.tls ?? {};
  const m = probeTlsMaterial(s, 'ProbeSrcOptions.tls');
  const own = probeListener(m);
  if (own === undefined) throw new RangeError('listening on TLS needs a certificate and key (tls.cert/tls.key; --tls-cert, --tls-key)');
  if (s.requireClientCertificate && m.ca === undefined) throw new RangeError('requiring client certificates needs the CA they chain to (tls.ca; --tls-ca)');
  const listener = { ...own, ...(s.requireClientCertificate ? { requireClientCertificate: true } : {}) };
  return { client: listener, listener };
}

/**
 * Starts the SRS-side probe and returns once it listens.
 * @throws Error when the address cannot be bound; RangeError for unusable TLS settings
 */
export async function startSrcProbe(options: ProbeSrcOptions): Promise<SrcProbeHandle> {
  const tls = listenerTls(options);
  const calls = Math.max(1, options.calls ?? 1);
  const timeoutMs = options.timeoutMs ?? 30000;
  const sessions: SrcProbeSession[] = [];
  const byDialog = new Map<Dialog, SrcProbeSession>();
  const head = new ProbeResults();
  let settle!: (r: ProbeReport) => void;
  const report = new Promise<ProbeReport>((r) => { settle = r; });
  let waitTimer: TimerHandle | undefined;
  const clock = options.clock ?? defaultSiprecClock();
  const clearWait = (): void => { if (waitTimer !== undefined) clock.clearTimer(waitTimer); waitTimer = undefined; };
  let finished = false;
  let ua: ProbeUa;

  const finish = async (): Promise<ProbeReport> => {
    if (!finished) {
      finished = true;
      clearWait();
      const all = [...head.all, ...sessions.flatMap((s) => s.results.all)];
      const summary = summarize(all);
      await ua.close();
      settle({ role: 'src', target: uri, results: all, summary, ok: summary.fail === 0 });
    }
    return report;
  };
  const armWait = (): void => {
    clearWait();
    waitTimer = clock.setTimer(() => {
      waitTimer = undefined;
      head.call = calls > 1 ? sessions.length + 1 : undefined;
      head.fail('src-invite', 'RFC 7866 §6.1.1', `no recording INVITE within ${timeoutMs} ms`);
      void Promise.all(sessions.map((s) => s.done)).then(finish);
    }, timeoutMs);
  };

  const onInvite = (tx: ServerTransaction): void => {
    if (finished || sessions.length >= calls) {
      try { tx.sendResponse(new ResponseElements({ statusCode: 486, reasonPhrase: 'Probe takes no more calls', messageElements: new MessageElements() })); } catch { /* ended */ }
      tx.dispose();
      return;
    }
    const s = new SrcProbeSession(ua, calls > 1 ? sessions.length + 1 : undefined, timeoutMs);
    sessions.push(s);
    if (sessions.length < calls) armWait();
    else clearWait();
    void s.start(tx).then(() => { if (s.assoc) byDialog.set(s.assoc.dialog, s); });
    void s.done.then(() => {
      if (sessions.length >= calls) void Promise.all(sessions.map((x) => x.done)).then(finish);
    });
  };
  const onInDialog = (tx: ServerTransaction, dialog: Dialog): void => {
    const s = byDialog.get(dialog);
    if (s) s.onRequest(tx);
    else tx.dispose();
  };

  ua = await ProbeUa.start({
    host: options.host, port: options.port, transport: options.transport ?? 'udp', t1: options.t1 ?? 500, timeoutMs: 4000, clock, onInvite, onInDialog,
    ...(tls ? { tls } : {}),
  });
  const uri = ua.uri('srs');
  armWait();
  return {
    host: ua.address.host, port: ua.address.port, uri, report,
    stop: async () => {
      clearWait();
      await Promise.all(sessions.map((s) => s.stop()));
      return finish();
    },
  };
}

/** Listens as an SRS, takes `calls` recording sessions and resolves with the report. */
export async function probeSrc(options: ProbeSrcOptions): Promise<ProbeReport> {
  const h = await startSrcProbe(options);
  return h.report;
}
