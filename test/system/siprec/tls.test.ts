/**
 * SIP over TLS on the recording leg (RFC 3261 §26, RFC 5630): an SrcManager records to the tsip
 * Srs over TLS with SRTP (SDES keys, RFC 4568, only ever on the encrypted signalling), the SRS
 * decrypts and stores; a `sips:` SRS URI with mutual TLS (the SRS's BYE reaches the SRC over
 * TLS at its sips Contact); mutual TLS refusing an SRC without a certificate.
 * tls-verify.test.ts: certificates that do not verify, and `verify: false`.
 */
import { readdirSync } from 'node:fs';
import t from 'tap';
import { inspectRecording, listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, feed, startManager, startSrs, twoParty, waitFor, type Payload } from './helpers.js';
import { certs, recordShortCall, srtpEntry, tlsSrs } from './tls-helpers.js';

t.test(';transport=tls with SRTP: signalling only over TLS, the recording stored and decrypted', async (t) => {
  const srs = await tlsSrs(t);
  const uri = srs.uri('tls');
  t.match(uri, /;transport=tls$/);
  const m = await startManager(t, [srtpEntry(uri, { tls: { ca: certs.ca } })]);
  t.match(m.userAgents[0].contact, /^<sip:src@127\.0\.0\.1:\d+;transport=tcp>/, 'no client certificate: no TLS listener, the Contact names TCP, never UDP');
  const started = await recordShortCall(m, srs, 1200); // bob talks from 1 s on
  t.same(started.attempts.map((a: Payload) => a.outcome), ['Accepted']);
  t.same(started.streams.map((s: Payload) => s.accepted), [true, true], 'both streams taken as SRTP');

  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.same(r.index.streams.map((s: Payload) => s.srtp?.suite), ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80'], 'stored from SRTP');
  t.same(r.index.streams.map((s: Payload) => s.srtp?.authFailures), [0, 0]);
  const audio = inspectRecording(r, [440, 1000]);
  t.equal(audio[0].dominantHz, 440, 'stream 1 decrypts and decodes to alice');
  t.equal(audio[1].dominantHz, 1000, 'stream 2 to bob');

  const sip = srs.sipStats()!.transport;
  t.equal(sip.datagramsIn, 0, 'no SIP datagram reached the SRS');
  t.ok(sip.streamMessagesIn >= 3, `INVITE, ACK and BYE came over TLS (${sip.streamMessagesIn} messages)`);
});

t.test('sips: URI with mutual TLS: sips Contacts both ways, the SRS reaches the SRC over TLS', async (t) => {
  // TLS only at the SRS: the SRC's in-dialog requests can only reach it through its sips Contact.
  const srs = await startSrs(t, { transports: ['tls'], tls: { cert: certs.cert, key: certs.key, ca: certs.ca, requireClientCertificate: true } });
  const uri = srs.uri('tls', 'sips');
  t.match(uri, /^sips:srs@127\.0\.0\.1:\d+$/);
  const m = await startManager(t, [srtpEntry(uri, { tls: { ca: certs.ca, cert: certs.cert, key: certs.key } })]);
  t.match(m.userAgents[0].contact, /^<sips:src@127\.0\.0\.1:\d+>;\+sip\.src$/, 'RFC 5630: a sips request carries a sips Contact');

  const call = twoParty();
  const startedP = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  await startedP;
  await feed(rec, 400);
  const stoppedP = waitFor(m, 'recordingStopped');
  const ended = waitFor(srs, 'sessionEnded');
  await srs.shutdown(); // the SRS's BYE goes to the SRC's sips Contact
  t.equal((await ended).reason, 'shutdown');
  t.equal((await stoppedP).reason, 'RemoteBye', 'the BYE reached the SRC over TLS');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.ok(r.index.streams.every((s: Payload) => s.packets > 0), 'media stored');
});

t.test('mutual TLS: an SRC without a client certificate is refused in the handshake', async (t) => {
  const srs = await tlsSrs(t, { tls: { cert: certs.cert, key: certs.key, ca: certs.ca, requireClientCertificate: true } });
  const m = await startManager(t, [entry([srs.uri('tls')], { tls: { ca: certs.ca } })]);
  let started = 0;
  srs.on('sessionStarted', () => started++);
  const failed = waitFor(m, 'recordingFailed');
  m.startRecording(twoParty());
  const f = await failed;
  t.equal(f.attempts[0].outcome, 'TransportError');
  t.equal(started, 0);
  t.same(readdirSync(srs.settings.dir), [], 'no session directory');
});

