/** Shared setup of the SIPREC over TLS system tests (tls.test.ts, tls-verify.test.ts). */
import type { Test } from 'tap';
import type { SrsEntrySettings, SrsSettings } from '../../../include-types/siprec.js';
import type { SrcManager } from '../../../lib/siprec/src/index.js';
import type { Srs } from '../../../lib/siprec/srs/index.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { entry, feed, startSrs, twoParty, waitFor, type Payload } from './helpers.js';

/** The test CA, a certificate for 127.0.0.1/::1/localhost it signed, and an unrelated CA. */
export const certs = testCerts();

/** An SRS on UDP and TLS only (no TCP): any SIP message over a stream is then over TLS. */
export function tlsSrs(t: Test, extra: Partial<SrsSettings> = {}): Promise<Srs> {
  return startSrs(t, { transports: ['udp', 'tls'], tls: { cert: certs.cert, key: certs.key }, ...extra });
}

/** An SRS entry towards `uri` offering SRTP (SDES). */
export function srtpEntry(uri: string, extra: Partial<SrsEntrySettings>): SrsEntrySettings {
  const e = entry([uri], extra);
  return { ...e, media: { ...e.media, srtp: 'AES_CM_128_HMAC_SHA1_80' } };
}

/** Records `ms` of the synthetic call, stops, and waits until the SRS has closed the files; the recordingStarted payload. */
export async function recordShortCall(m: SrcManager, srs: Srs, ms: number): Promise<Payload> {
  const call = twoParty();
  const startedP = waitFor(m, 'recordingStarted');
  const srsStarted = waitFor(srs, 'sessionStarted');
  const rec = m.startRecording(call);
  const started = await startedP;
  await srsStarted;
  await feed(rec, ms);
  const ended = waitFor(srs, 'sessionEnded');
  await m.stopRecording(call.callId);
  await ended;
  return started;
}
