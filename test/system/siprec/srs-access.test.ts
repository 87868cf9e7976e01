/**
 * Who may record at the SRS (RFC 7866 §12): an allow-list of SRC addresses (403 for others) and
 * HTTP Digest authentication of the SRC's INVITE (RFC 3261 §22, RFC 7616: 401 with the
 * challenge, the SRC's retry with credentials records), over loopback with a lean SRC on the API.
 */
import t from 'tap';
import { SipErrorCode } from '../../../include-types/errors.js';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { listRecordings, Srs } from '../../../lib/siprec/srs/index.js';
import { entry, startManager, startSrs, tempDir, twoParty, waitFor } from './helpers.js';
import { startLeanSrc } from './lean-src.js';

function recordingBody(): { content: Buffer; contentType: string } {
  const sdp = buildOfferSdp([{ label: '1', port: 30000 }, { label: '2', port: 30002 }], { address: '127.0.0.1', sessionId: 1, version: 1 });
  const xml = new MetadataBuilder({
    callId: `access-${Math.random()}@test`,
    participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.net' }],
    streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
  }).completeXml();
  const b = buildRecordingBody(sdp, xml);
  return { content: Buffer.from(b.body), contentType: b.contentType };
}

t.test('allowedSources: an SRC outside the list gets 403 and nothing is stored; inside, it records', async (t) => {
  const closed = await startSrs(t, { allowedSources: ['192.0.2.0/24', '2001:db8::/32'] });
  const src = await startLeanSrc(t);
  const rejected = waitFor(closed, 'sessionRejected');
  const { tx } = await src.invite(closed.uri('tcp'), recordingBody());
  t.equal(tx.responseElements?.statusCode, 403, 'RFC 3261 §21.4.4 Forbidden');
  t.match(await rejected, { statusCode: 403, reason: 'Source not allowed' });
  t.same(listRecordings(closed.settings.dir), [], 'nothing on disk');

  const open = await startSrs(t, { allowedSources: ['192.0.2.10', '127.0.0.0/8'] });
  const { assoc, tx: ok } = await src.invite(open.uri('tcp'), recordingBody());
  t.equal(ok.responseElements?.statusCode, 200, 'a source in a listed prefix records');
  src.ack(assoc, ok);
  const ended = waitFor(open, 'sessionEnded');
  assoc.sendBye();
  await ended;
  t.equal(listRecordings(open.settings.dir).length, 1);
});

t.test('a malformed allow-list entry is a typed error at construction', async (t) => {
  for (const bad of ['not-an-ip', '10.0.0.0/33', '2001:db8::/129', '10.0.0.1/8/1']) {
    t.throws(() => new Srs({ host: '127.0.0.1', port: 0, dir: tempDir(t), allowedSources: [bad] }), { code: SipErrorCode.InvalidArgument }, bad);
  }
});

t.test('auth: no credentials → 401 with a Digest challenge; wrong ones → 401 again; right ones record', async (t) => {
  const users: Record<string, string> = { src1: 'recording-secret' };
  const srs = await startSrs(t, { auth: { realm: 'srs.example', lookup: (u) => (users[u] !== undefined ? { password: users[u] } : undefined) } });

  const anonymous = await startLeanSrc(t);
  const { tx: challenged } = await anonymous.invite(srs.uri('tcp'), recordingBody());
  t.equal(challenged.responseElements?.statusCode, 401);
  const www = challenged.responseElements?.messageElements.headerValues('WWW-Authenticate') ?? [];
  t.ok(www.length >= 1, 'WWW-Authenticate present');
  t.match(www[0], /^Digest realm="srs\.example", nonce="[^"]+".*qop="auth"/, 'a Digest challenge for the realm (RFC 7616 §3.3)');

  const wrong = await startLeanSrc(t, undefined, { credentials: { realm: 'srs.example', username: 'src1', password: 'guess' } });
  const { tx: refused } = await wrong.invite(srs.uri('tcp'), recordingBody());
  t.equal(refused.responseElements?.statusCode, 401, 'wrong password: challenged again, never recorded');

  const right = await startLeanSrc(t, undefined, { credentials: { realm: 'srs.example', username: 'src1', password: 'recording-secret' } });
  const { assoc, tx } = await right.invite(srs.uri('tcp'), recordingBody());
  t.equal(tx.responseElements?.statusCode, 200, 'the retry with credentials is recorded');
  right.ack(assoc, tx);
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  await ended;
  t.equal(listRecordings(srs.settings.dir).length, 1, 'only the authenticated SRC recorded');
});

t.test('SrcManager with credentials records to an authenticating Srs; without them the attempt fails on the 401', async (t) => {
  const srs = await startSrs(t, { auth: { realm: 'srs.example', lookup: (u) => (u === 'src1' ? { password: 'recording-secret' } : undefined) } });
  const call = twoParty();
  const withCreds = await startManager(t, [entry([srs.uri()], { credentials: { realm: 'srs.example', username: 'src1', password: 'recording-secret' } })]);
  const started = waitFor(withCreds, 'recordingStarted');
  withCreds.startRecording(call);
  t.same((await started).streams.map((s: { accepted: boolean }) => s.accepted), [true, true], 'challenged, answered, recording');
  const stopped = waitFor(withCreds, 'recordingStopped');
  await withCreds.stopRecording(call.callId);
  t.equal((await stopped).byeStatusCode, 200);

  const without = await startManager(t, [entry([srs.uri()])]);
  const failed = waitFor(without, 'recordingFailed');
  without.startRecording({ ...twoParty(), callId: `${call.callId}-2` });
  const f = await failed;
  t.match(f.attempts, [{ statusCode: 401 }], 'the SRS said 401 and nothing was recorded');
});
