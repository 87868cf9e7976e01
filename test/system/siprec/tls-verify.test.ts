/**
 * SIPREC over TLS, the SRS's certificate checked by the SRC (RFC 3261 §26.3.1, RFC 5922 §7.2):
 * one from an untrusted CA, or for another name, fails the attempt with a TransportError whose
 * message says the certificate verification failed, and nothing reaches or starts at the SRS;
 * `verify: false` takes the same certificate and records.
 */
import { readdirSync } from 'node:fs';
import t from 'tap';
import type { SrsEntrySettings } from '../../../include-types/siprec.js';
import { inspectRecording, listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, startManager, twoParty, waitFor } from './helpers.js';
import { certs, recordShortCall, srtpEntry, tlsSrs } from './tls-helpers.js';

const refusals: Array<[string, SrsEntrySettings['tls'], RegExp]> = [
  ['a server certificate from an untrusted CA', { ca: certs.otherCa }, /TLS certificate verification failed/],
  ['a server certificate for another host name', { ca: certs.ca, servername: 'srs.wrong.example' }, /TLS certificate verification failed.*ERR_TLS_CERT_ALTNAME_INVALID/],
];
for (const [what, tls, message] of refusals) {
  t.test(`${what}: TransportError saying so, nothing started at the SRS`, async (t) => {
    const srs = await tlsSrs(t);
    let started = 0;
    srs.on('sessionStarted', () => started++);
    const m = await startManager(t, [entry([srs.uri('tls')], { tls })]);
    const failed = waitFor(m, 'recordingFailed');
    m.startRecording(twoParty());
    const f = await failed;
    t.equal(f.reason, 'AllSrsFailed');
    t.equal(f.attempts.length, 1);
    t.equal(f.attempts[0].outcome, 'TransportError');
    t.match(f.attempts[0].message, message);
    t.equal(started, 0, 'no sessionStarted');
    t.same(readdirSync(srs.settings.dir), [], 'no session directory');
    t.equal(srs.stats().setupAttempts, 0, 'no INVITE reached the SRS');
  });
}

t.test('verify: false takes the untrusted certificate (and the wrong name)', async (t) => {
  const srs = await tlsSrs(t);
  const m = await startManager(t, [srtpEntry(srs.uri('tls'), { tls: { ca: certs.otherCa, servername: 'srs.wrong.example', verify: false } })]);
  await recordShortCall(m, srs, 500);
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.equal(inspectRecording(r, [440, 1000])[0].dominantHz, 440);
});
