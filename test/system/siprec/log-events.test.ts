/**
 * NG9-1-1 log events end to end: SrcManager records a call to an Srs and sends its five log event
 * types (NENA-STA-010.3) over HTTPS (a test CA) to tsip's Logging Service, which verifies and
 * stores them. The service is down when the recording starts and comes back: the client's queue
 * retries and nothing is lost. With a key the service does not know, every event gets 434.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { LogEventEmitted } from '../../../include-types/siprec.js';
import type { StoredLogEvent } from '../../../include-types/ng911-logging.js';
import { startLogEventServer, type LogEventServer } from '../../../lib/siprec/ng911/index.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { entry, startManager, startSrs, tempDir, twoParty, waitFor } from './helpers.js';

const FIVE = ['RecCallStartLogEvent', 'RecMediaStartLogEvent', 'CallSignalingMessageLogEvent', 'RecMediaEndLogEvent', 'RecCallEndLogEvent'];

function keyPair(): { priv: string; pub: string } {
  const k = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { priv: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pub: k.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function stored(file: string): StoredLogEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredLogEvent);
}

async function until(what: string, cond: () => boolean, ms = 15000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('SrcManager → Logging Service over HTTPS: down at first, back later, all five types stored, none lost', async (t) => {
  const certs = testCerts();
  const key = keyPair();
  const dir = tempDir(t);
  const settings = { host: '127.0.0.1', dir, keys: [key.pub], tls: { cert: certs.cert, key: certs.key } };
  // Learn a free port, then take the service down before anything is sent.
  const probe = await startLogEventServer({ ...settings, port: 0 });
  const port = probe.address.port;
  await probe.close();

  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])], {
    ng911: {
      elementId: 'src.example.net', agencyId: 'psap.example.net',
      servers: [{ name: 'ls', baseUrl: `https://127.0.0.1:${port}`, ca: certs.ca, retryDelayMs: 100, maxRetryDelayMs: 300, maxRetries: 100 }],
      signing: { alg: 'ES256', privateKeyPem: key.priv, kid: 'src-1' },
    },
  });
  const emitted: LogEventEmitted[] = [];
  m.on('logEvent', (e) => emitted.push(e));
  const call = twoParty({ emergencyCallId: 'urn:emergency:uid:callid:1a2b:src.example.net' });
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  await started;
  await new Promise((r) => setTimeout(r, 1200)); // the service is down: the client keeps retrying
  t.ok(emitted.length >= 3, `events queued while down (${emitted.length})`);
  const upAt = Date.now();
  let server: LogEventServer | undefined;
  t.teardown(() => server?.close());
  server = await startLogEventServer({ ...settings, port });
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  await stopped;
  await until('every event stored', () => emitted.some((e) => e.logEventType === 'RecCallEndLogEvent') && stored(server!.file).length >= emitted.length);

  const got = stored(server.file);
  t.equal(got.length, emitted.length, 'every event the SRC produced is stored once');
  t.same([...new Set(got.map((e) => e.logEventType))].sort(), [...FIVE].sort(), 'all five event types');
  t.same(got.map((e) => e.logEventType), emitted.map((e) => e.logEventType), 'in the order produced');
  t.equal(got[0].logEventType, 'CallSignalingMessageLogEvent', 'the INVITE is logged first');
  t.ok(Date.parse(got[0].receivedAt) >= upAt, 'the first event was delivered by a retry once the service was back');
  t.ok(got.every((e) => e.kid === 'src-1' && e.alg === 'ES256'));
  t.ok(got.every((e) => e.event.callIdSip === call.callId && e.event.callId === call.emergencyCallId), 'call ids carried');
  const media = got.find((e) => e.logEventType === 'RecMediaStartLogEvent')!;
  t.same(media.event.mediaLabel, ['1', '2']);
  t.match(media.event.sdp, /m=audio/);
  t.match(got.find((e) => e.logEventType === 'CallSignalingMessageLogEvent')!.event.text, /^INVITE sip:/);
  t.equal(server.stats.rejected[434], undefined);
});

t.test('a key the Logging Service does not trust: every event refused with 434, nothing stored, not retried', async (t) => {
  const certs = testCerts();
  const trusted = keyPair();
  const wrong = keyPair();
  const server = await startLogEventServer({ host: '127.0.0.1', port: 0, dir: tempDir(t), keys: [trusted.pub], tls: { cert: certs.cert, key: certs.key } });
  t.teardown(() => server.close());
  const refused: number[] = [];
  server.on('rejected', (e) => refused.push(e.status));
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])], {
    ng911: {
      elementId: 'src.example.net', agencyId: 'psap.example.net', logSignaling: false,
      servers: [{ name: 'ls', baseUrl: server.url, ca: certs.ca, retryDelayMs: 50 }],
      signing: { alg: 'ES256', privateKeyPem: wrong.priv },
    },
  });
  let produced = 0;
  m.on('logEvent', () => produced++);
  const call = twoParty();
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  await started;
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  await stopped;
  await until('four refusals', () => refused.length >= 4);
  await new Promise((r) => setTimeout(r, 300)); // a retry, if there were one, would come now
  t.equal(produced, 4, 'call start/end, media start/end');
  t.same(refused, [434, 434, 434, 434], 'each refused once with 434 Signature Verification Failure');
  t.equal(server.stats.accepted, 0);
  t.same(stored(server.file), []);
});
