/**
 * The SRS status page to look at: an embedded Srs on loopback with its status page
 * (`srsStatusRoutes` on `startOperatorHttp`), and a few synthetic two-party calls recorded into it,
 * overlapping, each paused for a while in the middle, so the page shows live, paused and finished
 * recordings with players. Serves until SIGINT/SIGTERM.
 *
 *   npx tsx samples/status-page.ts                       (http://127.0.0.1:8080/)
 *   npx tsx samples/status-page.ts --http-port 0 --calls 5 --seconds 12 --dir ./recordings
 *   npx tsx samples/status-page.ts --calls 0 --dir ./recordings   (just browse what is there)
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOperatorHttp } from '../lib/siprec/common/operator-http.js';
import { syntheticCall } from '../lib/siprec/media/index.js';
import { SrcManager } from '../lib/siprec/src/index.js';
import { Srs } from '../lib/siprec/srs/index.js';
import { srsStatusRoutes } from '../lib/siprec/srs/status/index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    'http-port': { type: 'string', default: '8080' },
    dir: { type: 'string', default: './recordings' },
    calls: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
  },
});
const httpPort = Number(values['http-port']);
const calls = Number(values.calls);
const seconds = Number(values.seconds);
if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) throw new Error('--http-port must be 0..65535');
if (!Number.isInteger(calls) || calls < 0 || calls > 50) throw new Error('--calls must be 0..50');
if (!(seconds >= 2 && seconds <= 600)) throw new Error('--seconds must be in [2, 600]');

const PEOPLE = [['Alice Anders', 'sip:alice@example.com'], ['Bob Brown', 'sip:bob@example.net'], ['Carol Chen', 'sip:carol@example.org'],
  ['Dave Diaz', 'sip:+15551230000@example.org'], ['Erin Evans', 'sip:erin@example.com'], ['Frank Fox', 'sip:frank@example.net']];

const srs = new Srs({ host: values.host, port: 0, dir: resolve(values.dir) });
await srs.start();
const http = await startOperatorHttp({ host: values.host, port: httpPort }, srsStatusRoutes(srs));
console.log(`status page: ${http.url}/   (SRS ${srs.uri('udp')}, recordings in ${srs.settings.dir})`);
const src = new SrcManager({ srs: [{ name: 'demo', srsUris: [srs.uri('udp')], localAddress: values.host }] });
await src.start();

/** One call: talks, pauses for a fifth of its length in the middle, talks, hangs up. */
async function call(n: number): Promise<void> {
  const [a, b] = [PEOPLE[(2 * n) % PEOPLE.length], PEOPLE[(2 * n + 1) % PEOPLE.length]];
  const callId = `demo-${n}-${Date.now()}@pbx.example`;
  const rec = src.startRecording({
    callId, participants: [{ key: 'a', aor: a[1], name: a[0] }, { key: 'b', aor: b[1], name: b[0] }],
    streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
  });
  const ms = seconds * 1000;
  const pending: Promise<unknown>[] = [];
  let paused = false;
  let resumed = false;
  for await (const p of syntheticCall({ durationMs: ms, realtime: true })) {
    if (!paused && p.timeMs >= ms * 0.4) { paused = true; pending.push(src.pauseRecording(callId)); }
    if (!resumed && p.timeMs >= ms * 0.6) { resumed = true; pending.push(src.resumeRecording(callId)); }
    rec.forward(p.party === 0 ? '1' : '2', p.bytes);
  }
  await Promise.all(pending);
  await src.stopRecording(callId);
}

const running = Array.from({ length: calls }, (_, n) => sleep(n * (seconds * 300)).then(() => call(n)));
void Promise.all(running).then(() => console.log(`${calls} demo call(s) recorded; serving until Ctrl-C`));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await src.shutdown();
  await srs.shutdown();
  await http.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
