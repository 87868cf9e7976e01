/** RecordingPolicy verdicts ('any' / 'all') and the SRS request checks, without any SIP. */
import t from 'tap';
import type { RecordingEndReason, RecordingPolicyBrokenEvent, RecordingPolicySatisfiedEvent } from '../../../../include-types/siprec.js';
import { RecordingPolicy, checkRequirement } from '../../../../lib/siprec/src/recording-policy.js';
import { checkSrsRequest } from '../../../../lib/siprec/src/session-srs-request.js';

function rig() {
  const out: string[] = [];
  const broken: RecordingPolicyBrokenEvent[] = [];
  const satisfied: RecordingPolicySatisfiedEvent[] = [];
  const p = new RecordingPolicy({
    broken: (e) => { broken.push(e); out.push(`broken:${e.phase}:${e.failed.map((f) => f.srsName).join(',')}`); },
    satisfied: (e) => { satisfied.push(e); out.push(`satisfied:${e.active.join(',')}`); },
  });
  const ev = (srsName: string) => ({ callId: 'c1', recordingId: 'r', srsName, srs: 'sip:x', sessionId: 's' });
  const end = (srsName: string, reason: RecordingEndReason, statusCode?: number) => p.ended({ ...ev(srsName), reason, ...(statusCode ? { statusCode } : {}) });
  return { p, out, broken, satisfied, ev, end };
}

t.test("'any': satisfied by the first, broken only when none is left", async (t) => {
  const { p, out, ev, end } = rig();
  p.expect('c1', ['a', 'b'], 'any');
  end('b', 'AllSrsFailed', 503);
  t.same(out, [], 'one of two failed: still pending');
  p.started(ev('a'));
  end('a', 'RemoteBye');
  t.same(out, ['satisfied:a', 'broken:live:a,b'], 'failures in the order the entries were asked for');
});

t.test("'all': broken by one failure, satisfied once all record; stops, shutdown and preference off are no failures", async (t) => {
  const { p, out, ev, end, broken } = rig();
  p.expect('c1', ['a', 'b'], 'all');
  p.started(ev('a'));
  t.same(out, []);
  end('b', 'PreferenceOff');
  p.started(ev('b'));
  t.same(out, ['satisfied:a,b']);
  end('a', 'Stopped');
  end('a', 'Shutdown');
  t.equal(broken.length, 0);
  end('b', 'SessionRefreshFailed');
  t.same(out, ['satisfied:a,b', 'broken:live:b']);
  t.same(broken[0].failed, [{ srsName: 'b', reason: 'SessionRefreshFailed' }]);
  t.same(broken[0].active, ['a']);
});

t.test('release, replace, none, entries not asked for', async (t) => {
  const { p, out, ev, end } = rig();
  p.expect('c1', ['a', 'b'], 'all');
  p.started(ev('a'));
  p.release('c1', ['b']); // the app stopped b: 'all' over what is left holds
  t.same(out, ['satisfied:a']);
  end('z', 'AllSrsFailed'); // never asked: ignored
  t.same(out, ['satisfied:a']);
  p.expect('c1', [], 'none');
  end('a', 'RemoteBye');
  t.same(out, ['satisfied:a'], "'none' tracks nothing");
  p.expect('c2', ['a'], undefined);
  p.clear();
  t.doesNotThrow(() => checkRequirement(undefined));
  t.throws(() => checkRequirement('maybe'), RangeError);
});

t.test('checkSrsRequest', async (t) => {
  for (const method of ['INFO', 'MESSAGE', 'OPTIONS', 'X-CUSTOM', 'update']) t.doesNotThrow(() => checkSrsRequest({ srs: 'a', method }), method);
  for (const method of ['INVITE', 'ack', 'BYE', 'CANCEL', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'REGISTER']) {
    t.throws(() => checkSrsRequest({ srs: 'a', method }), { code: 'MethodNotAllowed' }, method);
  }
  t.throws(() => checkSrsRequest({ srs: 'a', method: 'UPDATE', body: 'v=0', contentType: 'application/sdp' }), { code: 'MethodNotAllowed' });
  const multi = '--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b--\r\n';
  t.throws(() => checkSrsRequest({ srs: 'a', method: 'UPDATE', body: multi, contentType: 'multipart/mixed;boundary=b' }), { code: 'MethodNotAllowed' });
  t.doesNotThrow(() => checkSrsRequest({ srs: 'a', method: 'UPDATE', body: '<recording/>', contentType: 'application/rs-metadata+xml' }));
  t.throws(() => checkSrsRequest({ srs: 'a', method: 'INFO', body: 'x' }), { code: 'InvalidArgument' });
  t.throws(() => checkSrsRequest({ srs: 'a', method: 'IN FO' }), { code: 'InvalidArgument' });
});
