/**
 * Parser benchmark: tsip vs the npm `sip` package vs SIP.js, measured in the same run.
 * Each parser parses the message and the same fields are read: top Via branch, CSeq number and
 * method, Call-ID, From tag and To tag. Datagrams arrive as Buffers, so decoding the Buffer is
 * part of every parser's cost (SIP.js's Parser takes a string; it is given `buf.toString()`).
 */
import { createRequire } from 'node:module';
import { LoggerFactory, Parser } from 'sip.js/lib/core/index.js';
import { parseMessage } from '../lib/message/index.js';
import { INVITE, REGISTER, SIPREC_INVITE } from './parser-fixtures.js';
import { runForCpu } from './lib/cpu-budget.js';

interface SipPkgMessage {
  headers: {
    via: Array<{ params: Record<string, string> }>;
    cseq: { seq: number; method: string };
    'call-id': string;
    from: { params: Record<string, string> };
    to: { params: Record<string, string> };
  };
}
const require = createRequire(import.meta.url);
const sipPkg = require('sip') as { parse(b: Buffer): SipPkgMessage | undefined };
const logger = new LoggerFactory().getLogger('bench');

let sink = 0;
function use(...xs: Array<string | number | undefined>): void {
  for (const x of xs) sink += x === undefined ? 0 : typeof x === 'number' ? x : x.length;
}

type Parse = (b: Buffer) => void;

const PARSERS: Record<string, Parse> = {
  tsip: (b) => {
    const m = parseMessage(b);
    const cseq = m.cseq;
    use(m.topVia.branch, cseq.seq, cseq.method, m.callId, m.from.tag, m.to.tag);
  },
  sip: (b) => {
    const m = sipPkg.parse(b);
    if (m === undefined) throw new Error('sip failed');
    const h = m.headers;
    use(h.via[0].params.branch, h.cseq.seq, h.cseq.method, h['call-id'], h.from.params.tag, h.to.params.tag);
  },
  'SIP.js': (b) => {
    const m = Parser.parseMessage(b.toString(), logger);
    if (m === undefined) throw new Error('SIP.js failed');
    use(m.viaBranch, m.cseq, m.method, m.callId, m.fromTag, m.toTag);
  },
};

/**
 * Messages per second of CPU time: the process's user+system CPU is measured rather than wall
 * time, so other load on a shared machine does not count against whichever parser it hits.
 */
function rate(fn: Parse, b: Buffer, ms: number): number {
  const [n, used] = runForCpu(fn, b, ms, 200);
  return n / (used / 1e6);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Measures every parser on every message and prints a table (messages per second, median of rounds). */
export async function run(options: { rounds?: number; roundMs?: number } = {}): Promise<void> {
  const rounds = options.rounds ?? 7;
  const roundMs = options.roundMs ?? 300;
  const messages: Array<[string, Buffer]> = [
    ['REGISTER', REGISTER],
    ['INVITE+SDP', INVITE],
    ['SIPREC INVITE', SIPREC_INVITE],
  ];
  console.log(`\nparser benchmark (msgs per CPU-second, median of ${rounds} interleaved rounds of ${roundMs} ms CPU, Node ${process.version})`);
  const rows: string[][] = [['message', 'bytes', 'tsip', 'sip', 'SIP.js', 'tsip/sip', 'tsip/SIP.js']];
  for (const [name, buf] of messages) {
    const results: Record<string, number[]> = {};
    for (const p of Object.keys(PARSERS)) {
      rate(PARSERS[p], buf, 300); // warm-up
      results[p] = [];
    }
    // interleave rounds so drift in machine load hits every parser alike
    for (let r = 0; r < rounds; r++) for (const p of Object.keys(PARSERS)) results[p].push(rate(PARSERS[p], buf, roundMs));
    const med = (p: string) => median(results[p]);
    rows.push([
      name,
      String(buf.length),
      Math.round(med('tsip')).toLocaleString('en-US'),
      Math.round(med('sip')).toLocaleString('en-US'),
      Math.round(med('SIP.js')).toLocaleString('en-US'),
      (med('tsip') / med('sip')).toFixed(2) + 'x',
      (med('tsip') / med('SIP.js')).toFixed(2) + 'x',
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  if (sink === -1) console.log(sink);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
