/**
 * samples/recording-b2bua.ts as a command: started with --listen/--to/--srs, it carries a call
 * from one tsip phone to another and records it to tsip's Srs; SIGTERM ends it with exit code 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { listRecordings, Srs } from '../../../lib/siprec/srs/index.js';
import { ManagedProcess } from '../../interop/lib/child.js';
import { freePort, freePorts } from '../../interop/lib/ports.js';
import { party } from '../../unit/api/party.js';
import { phoneSdp, response, sdpElements, until } from './rig.js';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

t.test('the sample B2BUA relays and records a call', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-b2bua-sample-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const srs = new Srs({ host: '127.0.0.1', port: 0, dir });
  await srs.start();
  const alice = await party('alice');
  const bob = await party('bob');
  t.teardown(async () => { await alice.close(); await bob.close(); await srs.shutdown(); });
  const bobPort = /:(\d+)$/.exec(bob.uri('x'))![1];
  const port = await freePort();
  const rtp = await freePorts(1);
  const proc = new ManagedProcess(process.execPath, [...nodeArgsFor('samples/recording-b2bua.ts'), '--listen', `127.0.0.1:${port}`,
    '--to', `sip:127.0.0.1:${bobPort}`, '--srs', srs.uri('udp'), '--rtp-ports', `${rtp}-${rtp + 49}`]);
  t.teardown(() => proc.stop());
  t.ok(await until(() => proc.stdout.toString().includes('recording B2BUA on'), 20_000), 'the sample started');

  const assoc = InviteDialogAssoc.create(alice.conn, { to: `<sip:bob@127.0.0.1:${port}>`, from: '<sip:alice@example.com>' });
  const invite = assoc.sendInvite(sdpElements(phoneSdp(40000)));
  const inTx = (await bob.rec.wait('incomingRequest', (x: ServerTransaction) => x.type === 'INVITE', 10_000)).args[0] as ServerTransaction;
  t.equal(inTx.requestElements.remoteUri.startsWith('sip:bob@127.0.0.1:'), true, 'the callee leg keeps the Request-URI user');
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  inTx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(40002)) }));
  const ok = await response(alice, invite, 200, 10_000);
  assoc.sendAck(ok);
  t.ok(await until(() => proc.stdout.toString().includes('started on'), 10_000), 'the recording started');
  assoc.sendBye();
  const bye = (await bob.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'BYE', 10_000)).args[0] as ServerTransaction;
  bye.sendResponse(new ResponseElements({ statusCode: 200 }));
  t.ok(await until(() => listRecordings(dir).some((r) => r.index.callIds.includes(ok.request.callId)), 10_000), 'the SRS stored the call under its Call-ID');
  uas.dispose();
  proc.signal('SIGTERM');
  const exit = await proc.exited;
  t.equal(exit.code, 0, 'SIGTERM ends it cleanly');
  t.match(proc.stdout.toString(), /ended: hangup-caller/, 'it printed how the call ended');
});
