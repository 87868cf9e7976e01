/**
 * Metadata updates by UPDATE (RFC 3311) when no SDP changes: metadataUpdateMethod 'auto' (the
 * default) uses UPDATE when the SRS's 2xx allows it, re-INVITE otherwise; 'reinvite' and 'update'
 * force one; stream changes still go by re-INVITE; the tsip Srs stores an UPDATE's metadata.
 */
import t, { type Test } from 'tap';
import type { SrcSettings } from '../../../include-types/siprec.js';
import { SrcManager } from '../../../lib/siprec/src/index.js';
import { ApiSrs, testPorts, waitEvent } from './api-srs.js';
import { startSrs, waitFor } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ev = any;

async function setup(t: Test, srsUri: string, extra: Partial<SrcSettings> = {}): Promise<SrcManager> {
  const r = testPorts();
  const m = new SrcManager({ t1: 100, srs: [{ name: 'e1', srsUris: [srsUri], localAddress: '127.0.0.1', media: { portMin: r.min, portMax: r.max } }], ...extra });
  await m.start();
  t.teardown(() => m.shutdown());
  return m;
}

async function record(m: SrcManager, tag: string): Promise<string> {
  const callId = `${tag}-${process.pid}@test`;
  const started = waitEvent<Ev>(m, 'recordingStarted');
  m.startRecording({ callId, participants: [{ key: 'a', aor: 'sip:a@example.com' }, { key: 'b', aor: 'sip:b@example.com' }], streams: [{ label: '1', sender: 'a' }] });
  await started;
  return callId;
}

const joined = { participantsJoined: [{ key: 'c', aor: 'sip:carol@example.org' }] };

t.test("auto, SRS allows UPDATE: participants by UPDATE (metadata only), streams by re-INVITE, stop-time by UPDATE", async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const m = await setup(t, srs.uri);
  const callId = await record(m, 'upd-auto');
  t.ok(await m.updateRecording(callId, joined));
  const upd = srs.requests('UPDATE');
  t.equal(upd.length, 1, 'one UPDATE');
  t.equal(srs.requests('INVITE').length, 1, 'no re-INVITE');
  t.match(upd[0].body, /sip:carol@example\.org/, 'the partial metadata');
  t.match(upd[0].body, /Content-Disposition: recording-session/);
  t.notMatch(upd[0].body, /application\/sdp/, 'no SDP in it');
  t.ok(await m.updateRecording(callId, { streamsAdded: [{ label: '2', sender: 'b' }] }));
  t.equal(srs.requests('INVITE').length, 2, 'a new stream: re-INVITE');
  t.match(srs.requests('INVITE')[1].body, /a=label:2/);
  await m.stopRecording(callId);
  t.equal(srs.requests('UPDATE').length, 2, 'stop-time metadata by UPDATE');
  t.match(srs.requests('UPDATE')[1].body, /stop-time|disassociate-time/);
  t.equal(srs.requests('BYE').length, 1);
});

t.test('auto, SRS without UPDATE in Allow: re-INVITE', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts(), allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS' });
  t.teardown(() => srs.close());
  const m = await setup(t, srs.uri);
  const callId = await record(m, 'upd-noallow');
  t.ok(await m.updateRecording(callId, joined));
  t.equal(srs.requests('UPDATE').length, 0);
  t.equal(srs.requests('INVITE').length, 2);
  t.match(srs.requests('INVITE')[1].body, /sip:carol@example\.org/);
});

t.test("'reinvite' forces re-INVITE; 'update' forces UPDATE", async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts(), allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS' });
  t.teardown(() => srs.close());
  const re = await setup(t, srs.uri, { metadataUpdateMethod: 'reinvite' });
  const c1 = await record(re, 'upd-re');
  t.ok(await re.updateRecording(c1, joined));
  t.equal(srs.requests('UPDATE').length, 0);
  const up = await setup(t, srs.uri, { metadataUpdateMethod: 'update' });
  const c2 = await record(up, 'upd-up');
  t.ok(await up.updateRecording(c2, joined), 'the API SRS takes the UPDATE though it did not list it');
  t.equal(srs.requests('UPDATE').length, 1);
});

t.test("an UPDATE refused with 405 goes again as re-INVITE, and later updates go by re-INVITE", async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts(), refuseUpdate: true });
  t.teardown(() => srs.close());
  const m = await setup(t, srs.uri, { metadataUpdateMethod: 'update' });
  const callId = await record(m, 'upd-405');
  t.ok(await m.updateRecording(callId, joined));
  t.equal(srs.requests('UPDATE').length, 1);
  t.equal(srs.requests('INVITE').length, 2, 'the same update as re-INVITE');
  t.match(srs.requests('INVITE')[1].body, /sip:carol@example\.org/);
  t.ok(await m.updateRecording(callId, { hold: [{ key: 'a', onHold: true }] }));
  t.equal(srs.requests('UPDATE').length, 1, 'no second UPDATE');
  t.equal(srs.requests('INVITE').length, 3);
});

t.test('the tsip Srs stores the metadata of an UPDATE', async (t) => {
  const srs = await startSrs(t);
  const m = await setup(t, srs.uri());
  const callId = await record(m, 'upd-srs');
  const updated = waitFor(srs, 'sessionUpdated');
  t.ok(await m.updateRecording(callId, joined));
  const u = await updated;
  t.equal(u.metadataUpdated, true);
  t.equal(u.pauseChanged, false);
  await m.stopRecording(callId);
});
