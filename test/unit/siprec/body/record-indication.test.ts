/** a=record / a=recordpref in the CS SDP (RFC 7866 §7.1.2, §7.1.3, §11.5) and the record-aware option tag (§11.1.2). */
import t from 'tap';
import {
  RECORD_AWARE_SUPPORTED, callRecordingPreference, indicationForState, isRecordAware, parseRecordIndication, parseRecordPreference,
  readRecordAttributes, recordIndicationOf, recordPreferenceOf, setRecordIndication, setRecordPreference, withRecordAware,
} from '../../../../lib/siprec/body/index.js';
import { parseSdp } from '../../../../lib/message/index.js';

const base = [
  'v=0', 'o=alice 2890844526 2890844526 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0',
  'm=audio 49170 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv',
  'm=video 51372 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=sendrecv',
].join('\r\n') + '\r\n';

t.test('record-aware option tag in Supported', async (t) => {
  t.ok(isRecordAware('timer, record-aware, 100rel'));
  t.ok(isRecordAware(['timer', ' Record-Aware ']), 'several values, case-insensitive');
  t.notOk(isRecordAware('timer, record-awareness'));
  t.notOk(isRecordAware(undefined));
  t.notOk(isRecordAware(''));
  t.equal(withRecordAware(), 'record-aware');
  t.equal(withRecordAware('timer, 100rel'), 'timer, 100rel, record-aware');
  t.equal(withRecordAware('record-aware, timer'), 'record-aware, timer', 'added once');
  t.same(RECORD_AWARE_SUPPORTED, { name: 'Supported', value: 'record-aware' });
});

t.test('indication for a recording state', async (t) => {
  t.equal(indicationForState('started'), 'on');
  t.equal(indicationForState('resumed'), 'on');
  t.equal(indicationForState('recording'), 'on');
  t.equal(indicationForState('paused'), 'paused');
  t.equal(indicationForState('stopped'), 'off');
  t.equal(indicationForState('failed'), 'off');
  t.equal(indicationForState('none'), 'off');
});

t.test('values: registered ones only, case-insensitive, unknown tolerated', async (t) => {
  t.equal(parseRecordIndication('on'), 'on');
  t.equal(parseRecordIndication(' PAUSED '), 'paused');
  t.equal(parseRecordIndication('pause'), undefined, 'pause is a recordpref value, not a record one');
  t.equal(parseRecordIndication(undefined), undefined);
  t.equal(parseRecordPreference('nopreference'), 'nopreference');
  t.equal(parseRecordPreference('Pause'), 'pause');
  t.equal(parseRecordPreference('paused'), undefined);
  t.equal(parseRecordPreference('maybe'), undefined);
});

t.test('no attributes', async (t) => {
  t.same(readRecordAttributes(base), { session: {}, media: [{}, {}] });
  t.equal(recordIndicationOf(base), undefined);
  t.equal(recordIndicationOf(base, 0), undefined);
  t.equal(recordPreferenceOf(base, 1), undefined);
  t.equal(callRecordingPreference(base), undefined);
});

t.test('session level applies to every m-line; media level overrides it', async (t) => {
  const sdp = base
    .replace('t=0 0\r\n', 't=0 0\r\na=record:on\r\na=recordpref:nopreference\r\n')
    .replace('a=rtpmap:96 H264/90000\r\n', 'a=rtpmap:96 H264/90000\r\na=record:paused\r\na=recordpref:off\r\n');
  t.same(readRecordAttributes(sdp), {
    session: { record: 'on', recordpref: 'nopreference' },
    media: [{}, { record: 'paused', recordpref: 'off' }],
  });
  t.equal(recordIndicationOf(sdp), 'on', 'session level');
  t.equal(recordIndicationOf(sdp, 0), 'on', 'inherited');
  t.equal(recordIndicationOf(sdp, 1), 'paused', 'overridden');
  t.equal(recordPreferenceOf(sdp, 0), 'nopreference');
  t.equal(recordPreferenceOf(sdp, 1), 'off');
  t.equal(recordIndicationOf(sdp, 5), undefined, 'no such m-line');
  t.equal(callRecordingPreference(sdp), 'off', 'the most restrictive for the whole call');
});

t.test('unknown values are ignored: the session level holds', async (t) => {
  const sdp = base
    .replace('t=0 0\r\n', 't=0 0\r\na=record:on\r\na=recordpref:pause\r\n')
    .replace('a=rtpmap:0 PCMU/8000\r\n', 'a=rtpmap:0 PCMU/8000\r\na=record:sometimes\r\na=recordpref\r\na=recordfoo:x\r\n');
  t.same(readRecordAttributes(sdp).media[0], { record: 'sometimes', recordpref: '' }, 'raw values kept, other names left alone');
  t.equal(recordIndicationOf(sdp, 0), 'on');
  t.equal(recordPreferenceOf(sdp, 0), 'pause');
  const onlyUnknown = base.replace('t=0 0\r\n', 't=0 0\r\na=record:maybe\r\n');
  t.equal(recordIndicationOf(onlyUnknown), undefined);
  t.equal(recordIndicationOf(onlyUnknown, 1), undefined);
  t.doesNotThrow(() => setRecordIndication(onlyUnknown, 'off'));
});

t.test('session-level preference only, no m-line', async (t) => {
  const sdp = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\na=recordpref:pause\r\n';
  t.equal(callRecordingPreference(sdp), 'pause');
});

t.test('write and read back', async (t) => {
  const on = setRecordIndication(base, 'on');
  t.match(on, /\r\na=record:on\r\nm=audio/, 'session level, before the first m-line');
  t.equal(recordIndicationOf(on), 'on');
  t.same(readRecordAttributes(on).media, [{}, {}]);
  const paused = setRecordIndication(on, 'paused');
  t.equal(paused.match(/a=record:/g)?.length, 1, 'replaced, not added');
  t.equal(recordIndicationOf(paused, 1), 'paused');

  const perMedia = setRecordIndication(paused, 'off', { mediaIndex: 1 });
  t.equal(recordIndicationOf(perMedia, 0), 'paused');
  t.equal(recordIndicationOf(perMedia, 1), 'off');
  const session = setRecordIndication(perMedia, 'on');
  t.same(readRecordAttributes(session), { session: { record: 'on' }, media: [{}, {}] }, 'a session-level write clears media-level ones');

  const cleared = setRecordIndication(session, undefined);
  t.same(readRecordAttributes(cleared), { session: {}, media: [{}, {}] });

  const pref = setRecordPreference(setRecordIndication(base, 'on'), 'pause', { mediaIndex: 0 });
  t.equal(recordPreferenceOf(pref, 0), 'pause');
  t.equal(recordIndicationOf(pref, 0), 'on', 'the other attribute is kept');

  // The rest of the SDP survives.
  const a = parseSdp(base);
  const b = parseSdp(pref);
  t.same(b.media.map((m) => [m.type, m.port, m.direction, m.rtp]), a.media.map((m) => [m.type, m.port, m.direction, m.rtp]));
  t.same(b.origin, a.origin, 'o= untouched by default');
  t.throws(() => setRecordIndication(base, 'on', { mediaIndex: 2 }), RangeError);
});

t.test('o= version incremented on request (RFC 3264 §8), big versions too', async (t) => {
  t.equal(parseSdp(setRecordIndication(base, 'paused', { incrementVersion: true })).origin?.sessionVersion, 2890844527);
  const big = base.replace('2890844526 2890844526', '3806485312 18446744073709551615');
  t.match(setRecordIndication(big, 'on', { incrementVersion: true }), /^o=alice 3806485312 18446744073709551616 IN IP4 192\.0\.2\.10\r$/m);
  const webrtc = base.replace('o=alice 2890844526 2890844526', 'o=- 4611731400430051336 2');
  t.match(setRecordPreference(webrtc, 'off'), /^o=- 4611731400430051336 2 IN IP4 192\.0\.2\.10\r$/m, 'a 64-bit session id kept as written');
});
