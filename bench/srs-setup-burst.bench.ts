/**
 * SRS set-up burst: how long the SRS's event loop stalls while N recording sessions are set up
 * at once (what the RTP of the live sessions would wait for), and how long the burst takes.
 *
 * - One tsip Srs in this process (TCP signalling, recordings under TSIP_BENCH_DIR, default the
 *   OS temp dir: a real disk, where an fsync costs what it costs), and a lean SIP client in this
 *   process too (tsip SipClient: SIPREC INVITEs with a two-stream SDP offer and RFC 7865
 *   metadata), so the client's own parsing is part of both runs alike.
 * - N INVITEs (TSIP_BENCH_BURST, default 400) are sent in batches of TSIP_BENCH_BATCH (default
 *   20) every 10 ms (a batch of N: all in one turn, where building and parsing 400 INVITEs alone
 *   stalls the loop for 0.5 s or more, whatever the storage does); the SRS's loop delay is sampled (perf_hooks monitorEventLoopDelay, 1 ms resolution) from the first INVITE
 *   to the last 200 OK. Reported: max and p99 of the delay, the time until every 200 arrived,
 *   and the same delay measured for 2 s idle beforehand (the machine's own noise).
 * - Then every session is ended (BYE) and the SRS shut down. Rounds: TSIP_BENCH_ROUNDS (default
 *   2), the first after a warm-up burst of 20. Bounded: each round is refused to wait more than
 *   60 s for its 200s.
 * Comparing two trees (e.g. before/after a change) means running this same file in each, in
 * turn, in one shell command: the machine is shared, so only figures of one run compare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ConnectionState } from '../include-types/states.js';
import { InviteDialogAssoc, MessageElements, SipClient, SipConnection, type ClientTransaction } from '../lib/siprec/common/api.js';
import { ObserverBase } from '../lib/siprec/common/observer.js';
import { buildOfferSdp, buildRecordingBody } from '../lib/siprec/body/index.js';
import { MetadataBuilder } from '../lib/siprec/metadata/index.js';
import { Srs } from '../lib/siprec/srs/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Client {
  invite(uri: string, i: number): { assoc: InviteDialogAssoc; final: Promise<ClientTransaction> };
  close(): void;
}

async function startClient(): Promise<Client> {
  const client = new SipClient({
    uid: `burst-${process.pid}`, observer: { incomingRequest: (_i, tx) => tx.dispose(), timedOut: () => undefined },
    settings: { iaps: [{ id: 'x', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }] }] },
  });
  const waiters = new Map<ClientTransaction, (tx: ClientTransaction) => void>();
  const conn = await new Promise<SipConnection>((resolve) => {
    const c: SipConnection = new SipConnection(client, 'x', new (class extends ObserverBase {
      override connectionStateChanged(s: ConnectionState): void { if (s === ConnectionState.Active) resolve(c); }
      override incomingResponseInDialog(tx: ClientTransaction): void {
        if ((tx.responseElements?.statusCode ?? 0) < 200) return;
        waiters.get(tx)?.(tx);
        waiters.delete(tx);
      }
    })());
  });
  const port = client.stack.boundAddresses('x').find((x) => x.protocol === 'tcp')!.port;
  return {
    invite(uri, i) {
      const xml = new MetadataBuilder({
        callId: `cs-burst-${i}@bench`, participants: [{ key: 'a', aor: `sip:a${i}@example.com` }, { key: 'b', aor: `sip:b${i}@example.com` }],
        streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
      }).completeXml();
      const b = buildRecordingBody(buildOfferSdp([{ label: '1', port: 31000 }, { label: '2', port: 31002 }], { address: '127.0.0.1', sessionId: i, version: 1 }), xml);
      const assoc = InviteDialogAssoc.create(conn, { to: `<${uri}>`, remoteUri: uri, contact: `<sip:src@127.0.0.1:${port};transport=tcp>;+sip.src` });
      const tx = assoc.sendInvite(new MessageElements({ headers: [['Require', 'siprec']], content: b.body, contentType: b.contentType }));
      return { assoc, final: new Promise((resolve) => waiters.set(tx, resolve)) };
    },
    close: () => client.close(),
  };
}

/** ms of a histogram value in ns. */
const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

interface Round { n: number; ok: number; idleMax: number; idleP99: number; max: number; p99: number; mean: number; burstMs: number }

async function round(n: number, batch: number, dir: string, portBase: number): Promise<Round> {
  const srs = new Srs({ host: '127.0.0.1', port: 0, dir, rtpPortMin: portBase, rtpPortMax: portBase + 4 * n + 40, maxSessions: n + 10, maxUnconfirmedSessions: n + 10 });
  await srs.start();
  const client = await startClient();
  let ended = 0;
  srs.on('sessionEnded', () => { ended++; });
  try {
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await sleep(2000);
    idle.disable();
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const t0 = performance.now();
    const calls: ReturnType<Client['invite']>[] = [];
    while (calls.length < n) {
      for (let k = 0; k < batch && calls.length < n; k++) calls.push(client.invite(srs.uri('tcp'), calls.length));
      if (calls.length < n) await sleep(10);
    }
    const finals = await Promise.race([Promise.all(calls.map((c) => c.final)), sleep(60_000).then(() => undefined)]);
    const burstMs = performance.now() - t0;
    h.disable();
    const ok = finals?.filter((tx) => tx.responseElements?.statusCode === 200).length ?? 0;
    for (const [i, c] of calls.entries()) {
      const tx = finals?.[i];
      if (tx?.responseElements?.statusCode === 200) { c.assoc.sendAck(tx, new MessageElements()); c.assoc.sendBye(); }
    }
    for (const end = Date.now() + 30_000; ended < ok && Date.now() < end;) await sleep(50);
    return { n, ok, idleMax: ms(idle.max), idleP99: ms(idle.percentile(99)), max: ms(h.max), p99: ms(h.percentile(99)), mean: ms(h.mean), burstMs: Math.round(burstMs) };
  } finally {
    client.close();
    await srs.shutdown();
  }
}

/** Runs the bench (see the module comment). */
export async function run(): Promise<void> {
  const n = Number(process.env.TSIP_BENCH_BURST ?? 400);
  const rounds = Number(process.env.TSIP_BENCH_ROUNDS ?? 2);
  const batch = Math.max(1, Number(process.env.TSIP_BENCH_BATCH ?? 20));
  const dir = mkdtempSync(join(process.env.TSIP_BENCH_DIR ?? tmpdir(), 'tsip-burst-'));
  const portBase = 20000 + (process.pid % 20) * 200;
  try {
    await round(20, batch, dir, portBase); // warm-up (JIT, first directory)
    for (let r = 0; r < rounds; r++) {
      const x = await round(n, batch, dir, portBase + 100 * (r % 2));
      console.log(`srs-setup-burst N=${x.n} batch=${batch}/10ms ok=${x.ok} loopDelay max=${x.max} ms p99=${x.p99} ms mean=${x.mean} ms | idle max=${x.idleMax} ms p99=${x.idleP99} ms | all 200s in ${x.burstMs} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
