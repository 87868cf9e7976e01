/**
 * RFC 4028 §7.2/§10 at the SRC: the refresh timer runs from every 2xx that carries
 * Session-Expires, the refresh's own included, so a recording is refreshed for as long as it
 * lasts, not once. A fake session host and fake transactions stand in for the dialog.
 */
import t from 'tap';
import { RecordingEndReason } from '../../../../include-types/siprec.js';
import type { ClientTransaction, InviteDialogAssoc, MessageElements } from '../../../../lib/siprec/common/api.js';
import { SessionRequests, type SessionRequestHost } from '../../../../lib/siprec/src/session-requests.js';

/** A client transaction whose final response the test sets. */
function fakeTx(type: 'INVITE' | 'UPDATE'): ClientTransaction & { answer(status: number, sessionExpires?: string): void } {
  const tx = {
    type,
    responseElements: undefined as unknown,
    dispose() { /* nothing held */ },
    answer(status: number, sessionExpires?: string) {
      tx.responseElements = {
        statusCode: status,
        isSuccess: status >= 200 && status < 300,
        messageElements: { header: (n: string) => (n === 'Session-Expires' ? sessionExpires : undefined), headerValues: () => [] },
      };
    },
  };
  return tx as unknown as ClientTransaction & { answer(status: number, sessionExpires?: string): void };
}

function setup(): { requests: SessionRequests; sent: ReturnType<typeof fakeTx>[]; lost: RecordingEndReason[] } {
  const sent: ReturnType<typeof fakeTx>[] = [];
  const lost: RecordingEndReason[] = [];
  const assoc = {
    sendInvite: () => { const tx = fakeTx('INVITE'); sent.push(tx); return tx; },
    sendUpdate: () => { const tx = fakeTx('UPDATE'); sent.push(tx); return tx; },
  } as unknown as InviteDialogAssoc;
  const host: SessionRequestHost = {
    assoc, updateMethod: 'update',
    usable: () => true, pausedChanges: () => false, bumpVersion: () => undefined,
    elements: () => ({}) as MessageElements,
    sent: () => undefined, readAnswer: () => undefined, ack: () => undefined, holdInvite: () => undefined,
    lost: (r) => lost.push(r),
  };
  return { requests: new SessionRequests(host), sent, lost };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('each refresh 2xx with Session-Expires arms the next refresh', async (t) => {
  const { requests, sent } = setup();
  let refreshes = 0;
  const refresh = (): void => {
    refreshes++;
    // what the session does when the refresh is due: a re-INVITE, answered with the interval
    const done = requests.send(false, undefined, false);
    const tx = sent[sent.length - 1];
    tx.answer(200, '1;refresher=uac');
    requests.onResponse(tx);
    void done;
  };
  const initial = fakeTx('INVITE');
  initial.answer(200, '1;refresher=uac'); // 1 s: a refresh every 500 ms
  requests.armRefresh(initial, refresh);
  await sleep(1700);
  t.ok(refreshes >= 3, `refreshed ${refreshes} times in 1.7 s at a 1 s interval, not once`);
  requests.stopRefreshing();
  const after = refreshes;
  await sleep(700);
  t.equal(refreshes, after, 'none after the session ended');
});

t.test('a 2xx without Session-Expires (a metadata UPDATE) leaves the timer as it was; refresher=uas stops ours', async (t) => {
  const { requests, sent } = setup();
  let refreshes = 0;
  const initial = fakeTx('INVITE');
  initial.answer(200, '1;refresher=uac');
  requests.armRefresh(initial, () => { refreshes++; });
  // a metadata update by UPDATE, answered without the timer headers
  const upd = requests.send(false, '<recording/>', false);
  const u = sent[sent.length - 1];
  t.equal(u.type, 'UPDATE');
  u.answer(200);
  requests.onResponse(u);
  t.equal(await upd, true);
  await sleep(650);
  t.equal(refreshes, 1, 'the timer armed by the INVITE still fired');
  // the SRS takes the refresher role in a later 2xx: we stop refreshing
  const re = requests.send(false, undefined, true);
  const r = sent[sent.length - 1];
  r.answer(200, '1;refresher=uas');
  requests.onResponse(r);
  await re;
  await sleep(700);
  t.equal(refreshes, 1, 'no refresh of ours once the SRS refreshes');
  requests.stopRefreshing();
});
