/** The B2BUA call state machine: the allowed moves. */
import t from 'tap';
import { B2buaCallState as S, canMove, isUnanswered } from '../../../lib/b2bua/index.js';

t.test('moves', async (t) => {
  t.ok(canMove(S.Calling, S.Early));
  t.ok(canMove(S.Early, S.Connected));
  t.ok(canMove(S.Early, S.Answering), 'recordingRequired holds the answer');
  t.ok(canMove(S.Answering, S.Connected));
  t.ok(canMove(S.Connected, S.Ending));
  t.ok(canMove(S.Ending, S.Ended));
  t.notOk(canMove(S.Connected, S.Early), 'no way back to ringing');
  t.notOk(canMove(S.Ended, S.Connected), 'Ended is final');
  t.notOk(canMove(S.Connected, S.Answering));
  t.same(Object.values(S).filter(isUnanswered), ['Calling', 'Early', 'Answering']);
});

t.test('the package entry exports the B2BUA', async (t) => {
  const tsip = await import('../../../lib/index.js');
  t.equal(typeof tsip.B2bua, 'function');
  t.equal(tsip.B2buaCallState.Connected, 'Connected');
  t.equal(tsip.RECORDING_UNAVAILABLE_STATUS, 503);
});
