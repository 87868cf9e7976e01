/**
 * Parser + getters benchmark: tsip vs the npm `sip` package (its `parse`), measured in the same run.
 *
 * What each side does, per message (a Buffer, as a datagram arrives):
 * - tsip: `parseMessage(buf)`, then reads through the public getters what an application reads:
 *   method and Request-URI (user, host) or status and reason; top Via branch, host and port;
 *   From tag and URI host; To tag; Call-ID; CSeq number and method; first Contact's URI host;
 *   Content-Length; body length.
 * - sip: `sip.parse(buf)`, then reads the same fields from the object it returns: `method`, `uri`
 *   or `status`, `reason`; `headers.via[0].params.branch`, `.host`, `.port`; `headers.from.params.tag`
 *   and `.uri`; `headers.to.params.tag`; `headers['call-id']`; `headers.cseq.seq`, `.method`;
 *   `headers.contact[0].uri`; `headers['content-length']`; `content.length`.
 *
 * The comparison leans towards `sip`: it hands back the Request-URI, the From URI and the Contact URI
 * as unparsed strings, where tsip returns parsed URIs (escapes checked and decoded, parameters in a
 * map) and reads `.user`/`.host` from them; tsip also checks the grammar of every header it parses
 * and refuses what is malformed (400 reasons), which `sip` does not.
 *
 * Rates are messages per CPU-second of this process (user + system), so load from other processes
 * on a shared machine does not count against whichever side it happens to hit. Each round gives one
 * ratio: within it the two sides take turns in 50 short slices each (alternating which goes first),
 * so a change of machine load during the round hits both alike (why 50: see SLICES). Each kind is
 * warmed up first.
 * The verdict uses the minimum ratio over the rounds; the median is printed too.
 *
 * Run: `npx tsx bench/run.ts parser-getters` (env BENCH_ROUNDS, BENCH_ROUND_MS to change the rounds;
 * BENCH_KINDS=BYE,REGISTER measures only the kinds whose names hold one of those words).
 */
import { createRequire } from 'node:module';
import { NameAddr, SipUri, parseMessage } from '../lib/message/index.js';
import { COMPACT_BYE, INVITE, OK_200, REGISTER, SIPREC_INVITE } from './parser-fixtures.js';
import { runForCpu } from './lib/cpu-budget.js';

interface SipPkgAddr {
  uri: string;
  params: Record<string, string | null>;
}
interface SipPkgMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  content: string;
  headers: {
    via: Array<{ host: string; port?: number; params: Record<string, string | null> }>;
    cseq: { seq: number; method: string };
    'call-id': string;
    from: SipPkgAddr;
    to: SipPkgAddr;
    contact?: SipPkgAddr[] | '*';
    'content-length'?: number;
  };
}
const require = createRequire(import.meta.url);
const sipPkg = require('sip') as { parse(b: Buffer): SipPkgMessage | undefined };

let sink = 0;
function use(x: string | number | null | undefined): void {
  sink += x === undefined || x === null ? 1 : typeof x === 'number' ? x : x.length;
}

type Parse = (b: Buffer) => void;

function tsip(b: Buffer): void {
  const m = parseMessage(b);
  if (m.isRequest()) {
    use(m.method);
    const u = m.uri;
    if (u instanceof SipUri) {
      use(u.user);
      use(u.host);
    }
  } else {
    use(m.status);
    use(m.reason);
  }
  const via = m.topVia;
  use(via.branch);
  use(via.host);
  use(via.port);
  const from = m.from;
  use(from.tag);
  use((from.uri as SipUri).host);
  use(m.to.tag);
  use(m.callId);
  const cseq = m.cseq;
  use(cseq.seq);
  use(cseq.method);
  const contact = m.contact;
  if (contact.length > 0 && contact[0] instanceof NameAddr) use((contact[0].uri as SipUri).host);
  use(m.contentLength);
  use(m.body.length);
}

function sip(b: Buffer): void {
  const m = sipPkg.parse(b);
  if (m === undefined) throw new Error('sip failed');
  if (m.method !== undefined) {
    use(m.method);
    use(m.uri);
  } else {
    use(m.status);
    use(m.reason);
  }
  const h = m.headers;
  const via = h.via[0];
  use(via.params.branch);
  use(via.host);
  use(via.port);
  use(h.from.params.tag);
  use(h.from.uri);
  use(h.to.params.tag);
  use(h['call-id']);
  use(h.cseq.seq);
  use(h.cseq.method);
  const contact = h.contact;
  if (contact !== undefined && contact !== '*' && contact.length > 0) use(contact[0].uri);
  use(h['content-length']);
  use(m.content.length);
}

const SIDES: Array<[string, Parse]> = [
  ['tsip', tsip],
  ['sip', sip],
];


/** Runs `fn` on `b` for about `ms` ms of CPU; returns [messages, CPU microseconds]. */
function slice(fn: Parse, b: Buffer, ms: number): [number, number] {
  return runForCpu(fn, b, ms, 100);
}

/**
 * Slices per side in a round. The verdict takes the worst round, so a round's own noise decides it:
 * with 10 slices of 25 ms, the same build measured against itself in this alternation gave
 * per-round ratios of 0.83-1.15 (a GC pause or a migration landing in one side's slice moves a whole
 * round); with 50 slices of 5 ms, 0.94-1.07 (2026-12-07, quiet machine, 15 rounds of each), with the
 * same medians. Finer slices change no side's expected rate, only how much one unlucky slice weighs.
 */
const SLICES = 50;

/** One round: both sides in alternating slices; returns [tsip rate, sip rate] in messages per CPU-second. */
function round(b: Buffer, ms: number, sipFirst: boolean): [number, number] {
  let tn = 0;
  let tu = 0;
  let sn = 0;
  let su = 0;
  for (let k = 0; k < SLICES; k++) {
    const first = (k % 2 === 0) === sipFirst ? sip : tsip;
    const second = first === sip ? tsip : sip;
    for (const fn of [first, second]) {
      const [n, u] = slice(fn, b, ms / SLICES);
      if (fn === tsip) {
        tn += n;
        tu += u;
      } else {
        sn += n;
        su += u;
      }
    }
  }
  return [tn / (tu / 1e6), sn / (su / 1e6)];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The message kinds measured (the fixtures of the parser bench plus a response and compact forms). */
export const KINDS: ReadonlyArray<readonly [string, Buffer]> = [
  ['REGISTER', REGISTER],
  ['INVITE+SDP', INVITE],
  ['SIPREC INVITE', SIPREC_INVITE],
  ['200 OK+SDP', OK_200],
  ['compact BYE', COMPACT_BYE],
];

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * Measures both sides on every kind and prints, per kind, the median rates, the minimum and median
 * of the per-round ratios, and a verdict against 2x and 3x (printed only: `npm run bench` runs every bench).
 */
export async function run(options: { rounds?: number; roundMs?: number } = {}): Promise<void> {
  const rounds = options.rounds ?? (Number(process.env.BENCH_ROUNDS) || 7);
  const roundMs = options.roundMs ?? (Number(process.env.BENCH_ROUND_MS) || 250);
  // both sides must agree on what they read before anything is timed
  for (const [name, buf] of KINDS) {
    const m = sipPkg.parse(buf);
    const t = parseMessage(buf);
    if (m === undefined || m.headers['call-id'] !== t.callId || m.headers.to.params.tag !== t.to.tag || m.headers.via[0].params.branch !== t.topVia.branch) {
      throw new Error(`${name}: the two parsers disagree`);
    }
  }
  console.log(
    `\nparser + getters (msgs per CPU-second; ${rounds} rounds of ${roundMs} ms CPU per side in ${SLICES} alternating slices; ` +
      `ratio = tsip/sip within a round; Node ${process.version})`,
  );
  const rows: string[][] = [['message', 'bytes', 'tsip (med)', 'sip (med)', 'ratio min', 'ratio med', 'verdict']];
  const verdicts: string[] = [];
  const only = (process.env.BENCH_KINDS ?? '').split(',').filter((w) => w.length > 0);
  for (const [name, buf] of KINDS) {
    if (only.length > 0 && !only.some((w) => name.includes(w))) continue;
    for (const [, fn] of SIDES) slice(fn, buf, 400); // warm-up: let both reach optimised code
    const t: number[] = [];
    const s: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const [rt, rs] = round(buf, roundMs, r % 2 === 1);
      t.push(rt);
      s.push(rs);
      ratios.push(rt / rs);
    }
    const min = Math.min(...ratios);
    const med = median(ratios);
    const verdict = min >= 3 ? 'PASS 3x' : min >= 2 ? 'PASS 2x (below 3x)' : 'FAIL (below 2x)';
    rows.push([name, String(buf.length), fmt(median(t)), fmt(median(s)), min.toFixed(2) + 'x', med.toFixed(2) + 'x', verdict]);
    verdicts.push(`verdict ${name}: min ${min.toFixed(2)}x, median ${med.toFixed(2)}x over ${rounds} rounds: ${min >= 2 ? '>= 2x' : '< 2x'}, ${min >= 3 ? '>= 3x' : '< 3x'}`);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 2 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  for (const v of verdicts) console.log(v);
  if (sink === -1) console.log(sink);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
