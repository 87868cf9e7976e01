/**
 * OPTIONS keep-alive marks an SRS down and up (srsStateChanged) and the failover skips a down SRS;
 * shutdown with live recordings ends each with BYE; NG9-1-1 log events reach a log server.
 */
import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { freeSipPort } from '../../../lib/siprec/common/ports.js';
import { Srs, listRecordings } from '../../../lib/siprec/srs/index.js';
import { startLogServer } from '../../unit/siprec/ng911/log-server.js';
import { entry, feed, portRange, startManager, startSrs, tempDir, twoParty, waitFor } from './helpers.js';

t.test('keep-alive: SRS down then back; a down SRS is skipped', async (t) => {
  const port = await freeSipPort('127.0.0.1');
  const dir = tempDir(t);
  const r = portRange();
  const mk = () => new Srs({ host: '127.0.0.1', port, dir, rtpPortMin: r.min, rtpPortMax: r.max });
  let srs = mk();
  await srs.start();
  const backup = await startSrs(t);
  const uri = `sip:srs@127.0.0.1:${port}`;
  const m = await startManager(t, [entry([uri, backup.uri()], { optionsIntervalSeconds: 0.3 })]);
  const down = waitFor(m, 'srsStateChanged', (e) => !e.up, 15000);
  await srs.shutdown();
  const d = await down;
  t.equal(d.srs, uri);
  t.equal(d.srsName, 'e1');
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(twoParty());
  const started = await p;
  t.same(started.attempts.map((a: { outcome: string }) => a.outcome), ['Down', 'Accepted'], 'down SRS not tried');
  t.equal(started.srs, backup.uri());
  const up = waitFor(m, 'srsStateChanged', (e) => e.up, 15000);
  srs = mk();
  await srs.start();
  t.teardown(() => srs.shutdown());
  const u = await up;
  t.equal(u.statusCode, 200, 'OPTIONS answered 200');
  const p2 = waitFor(m, 'recordingStarted', (e) => e.srs === uri);
  m.startRecording(twoParty());
  await p2;
  t.equal(srs.activeSessions, 1, 'back in the rotation');
});

t.test('shutdown with recordings live: BYE for each, files complete, nothing left running', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const calls = [twoParty(), twoParty(), twoParty()];
  const started = Promise.all(calls.map((c) => waitFor(m, 'recordingStarted', (e) => e.callId === c.callId)));
  const recs = calls.map((c) => m.startRecording(c));
  await started;
  await Promise.all(recs.map((r) => feed(r, 300)));
  const stops: { reason: string; byeStatusCode?: number }[] = [];
  m.on('recordingStopped', (e) => stops.push(e));
  // A recording at the SRS is final at its sessionEnded (files close after the 200 to the BYE).
  let endedAtSrs = 0;
  const allEnded = new Promise<void>((resolve) => srs.on('sessionEnded', () => { if (++endedAtSrs === 3) resolve(); }));
  await m.shutdown();
  t.equal(stops.length, 3);
  t.ok(stops.every((s) => s.reason === 'Shutdown' && s.byeStatusCode === 200), 'each ended with a 200 to its BYE');
  await allEnded;
  t.equal(srs.activeSessions, 0);
  const all = listRecordings(srs.settings.dir);
  t.equal(all.length, 3);
  t.ok(all.every((r) => r.index.state === 'complete'));
  t.throws(() => m.startRecording(twoParty()), /not running/);
  for (const ua of m.userAgents) t.equal(ua.activeRecordings, 0);
});

t.test('NG9-1-1: recording log events signed and delivered, logEvent emitted', async (t) => {
  const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const log = await startLogServer(kp.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  t.teardown(() => log.close());
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])], {
    ng911: {
      elementId: 'src.psap.example', agencyId: 'psap.example',
      servers: [{ name: 'logger', baseUrl: log.baseUrl, retryDelayMs: 50 }],
      signing: { alg: 'ES256', privateKeyPem: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    },
  });
  const emitted: string[] = [];
  m.on('logEvent', (e) => emitted.push(e.logEventType));
  const call = twoParty({ emergencyCallId: 'urn:emergency:uid:callid:a1:bcf.example', emergencyIncidentId: 'urn:emergency:uid:incidentid:b2:bcf.example' });
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  await p;
  await m.stopRecording(call.callId);
  await m.shutdown();
  const types = log.events.map((e) => e.logEventType);
  for (const ty of ['RecCallStartLogEvent', 'RecMediaStartLogEvent', 'RecMediaEndLogEvent', 'RecCallEndLogEvent', 'CallSignalingMessageLogEvent']) {
    t.ok(types.includes(ty), `${ty} delivered`);
  }
  t.same(emitted.filter((x) => x !== 'CallSignalingMessageLogEvent'), ['RecCallStartLogEvent', 'RecMediaStartLogEvent', 'RecMediaEndLogEvent', 'RecCallEndLogEvent']);
  t.equal(log.badSignatures, 0, 'every JWS verified');
  const start = log.events.find((e) => e.logEventType === 'RecCallStartLogEvent')!;
  t.equal(start.callIdSip, call.callId);
  t.equal(start.callId, call.emergencyCallId);
  t.equal(start.incidentId, call.emergencyIncidentId);
  const media = log.events.find((e) => e.logEventType === 'RecMediaStartLogEvent')!;
  t.same(media.mediaLabel, ['1', '2']);
  const invite = log.events.find((e) => e.logEventType === 'CallSignalingMessageLogEvent' && String(e.text).startsWith('INVITE'));
  t.match(String(invite?.text), /Require: siprec/);
  t.match(String(invite?.text), /purpose=emergency-CallId/);
});
