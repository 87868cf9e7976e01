/**
 * Kamailio 5.6 interop: each config in test/interop/kamailio/ starts on loopback and behaves as
 * its header says, proven by SIPp driving it. These are the peers tsip is tested and benchmarked
 * against, so they are tested first with a third party (SIPp) on both sides.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  PRESENCE_TABLES,
  describeSipp,
  freePort,
  hasIpv6Loopback,
  kamailioModuleDir,
  probeSip,
  renderTemplate,
  requireKamailioModules,
  requireTool,
  runSipp,
  startKamailio,
  startSipp,
  toolPath,
  type FailingTest,
  type KamailioInstance,
  type SippTransport,
} from './lib/index.js';
import { kamailioConfig, scenarioPath } from './lib/paths.js';

/** IPv6 loopback may be disabled in a container: then the ::1 tests skip, saying why. */
const ipv6Skip = (await hasIpv6Loopback()) ? false : '::1 cannot be bound on this machine (IPv6 disabled)';

const TRANSPORTS: readonly SippTransport[] = ['u1', 't1'];

/** Fails (never skips) when a tool is missing; see lib/tools.ts. */
function toolsPresent(t: FailingTest): boolean {
  const sipp = requireTool(t, 'sipp');
  const kam = requireTool(t, 'kamailio');
  return sipp && kam;
}

t.test('every config renders with its defaults and passes kamailio -c', async (t) => {
  if (!toolsPresent(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tsip-kamailio-check-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const vars = { HOST: '127.0.0.1', HOST_IP: '127.0.0.1', IP_VER: 4, PORT: 5999, MPATH: kamailioModuleDir() as string, WORKDIR: dir, CHILDREN: 1, DB_URL: `text://${dir}` };
  for (const name of ['uas.cfg', 'registrar.cfg', 'presence.cfg']) {
    const file = join(dir, name);
    writeFileSync(file, renderTemplate(readFileSync(kamailioConfig(name), 'utf8'), vars));
    // -c parses the config and loads the modules without opening sockets or starting workers.
    const r = spawnSync(toolPath('kamailio') as string, ['-c', '-f', file, '-L', vars.MPATH], { encoding: 'utf8', timeout: 15_000 });
    t.equal(r.status, 0, `${name}: kamailio -c accepts it`, { output: `${r.stdout}${r.stderr}`.slice(-2000) });
  }
});

t.test('uas.cfg: answers INVITE/ACK/BYE from SIPp (stateful, 200 with SDP)', async (t) => {
  if (!toolsPresent(t)) return;
  const k = await startKamailio({ config: kamailioConfig('uas.cfg') });
  t.teardown(() => k.stop());
  for (const transport of TRANSPORTS) {
    const r = await runSipp({ scenario: 'uac', target: k, transport, calls: 20, rate: 50, timeoutSeconds: 20 });
    t.equal(r.successful, 20, `${transport}: 20 calls succeed`, { sipp: describeSipp(r) });
    t.equal(r.failed, 0, `${transport}: no failed call`, { sipp: describeSipp(r) });
    t.equal(r.exitCode, 0, `${transport}: sipp exits 0`);
  }
  const options = await probeSip({ host: k.host, port: k.port, timeoutMs: 2000 });
  t.match(options, /^SIP\/2\.0 200 /, 'OPTIONS is answered 200');
});

t.test('uas.cfg on IPv6 loopback (::1)', { skip: ipv6Skip }, async (t) => {
  if (!toolsPresent(t)) return;
  const k = await startKamailio({ config: kamailioConfig('uas.cfg'), host: '::1' });
  t.teardown(() => k.stop());
  for (const transport of TRANSPORTS) {
    const r = await runSipp({ scenario: 'uac', target: k, localHost: '::1', transport, calls: 10, rate: 50, timeoutSeconds: 15 });
    t.equal(r.successful, 10, `${transport}: 10 calls over [::1]`, { sipp: describeSipp(r) });
    t.equal(r.failed, 0, `${transport}: no failed call`);
  }
});

t.test('registrar.cfg: digest REGISTER, proxied call, MESSAGE', async (t) => {
  if (!toolsPresent(t)) return;
  const k: KamailioInstance = await startKamailio({
    config: kamailioConfig('registrar.cfg'),
    vars: { USER1: 'alice', PASSWORD1: 'secret', USER2: 'bob', PASSWORD2: 'bobsecret' },
  });
  t.teardown(() => k.stop());
  const target = { host: k.host, port: k.port };
  const register = (user: string, password: string, contactPort: number, transport: SippTransport = 'u1') =>
    runSipp({
      scenario: scenarioPath('register-auth.xml'),
      target,
      transport,
      calls: 1,
      timeoutSeconds: 10,
      service: user,
      auth: { username: user, password },
      keys: { contact_port: contactPort, expires: 120 },
    });

  t.match(await probeSip({ ...target, timeoutMs: 2000 }), /^SIP\/2\.0 200 /, 'OPTIONS to the server: 200');

  t.test('REGISTER: 401 challenge, then 200 with the binding', async (t) => {
    const r = await register('alice', 'secret', 5999);
    t.equal(r.successful, 1, 'registered after the challenge', { sipp: describeSipp(r) });
    const bad = await register('alice', 'wrong', 5999);
    t.equal(bad.failed, 1, 'a wrong password is not accepted');
    t.match(bad.errorsTail, /401 Unauthorized/, 'it is challenged again (401)');
    const un = await runSipp({
      scenario: scenarioPath('unregister-auth.xml'),
      target,
      calls: 1,
      timeoutSeconds: 10,
      service: 'alice',
      auth: { username: 'alice', password: 'secret' },
      keys: { contact_port: 5999 },
    });
    t.equal(un.successful, 1, 'de-REGISTER with digest: 200', { sipp: describeSipp(un) });
  });

  for (const transport of TRANSPORTS) {
    t.test(`${transport}: a call from a SIPp UAC to a registered SIPp UAS goes through the proxy`, async (t) => {
      const bob = await startSipp({ scenario: scenarioPath('call-uas-rr.xml'), transport, calls: 1, timeoutSeconds: 20 });
      t.teardown(() => bob.stop());
      await bob.ready;
      const reg = await register('bob', 'bobsecret', bob.localPort, transport);
      t.equal(reg.successful, 1, 'bob registered', { sipp: describeSipp(reg) });
      // The caller is registered too, at the port it will call from: two registered UAs.
      const callerPort = await freePort();
      t.equal((await register('alice', 'secret', callerPort, transport)).successful, 1, 'alice registered');
      const call = await runSipp({
        scenario: scenarioPath('call-uac-rr.xml'),
        target,
        localPort: callerPort,
        transport,
        calls: 1,
        timeoutSeconds: 15,
        service: 'bob',
        extraArgs: ['-d', '200'],
      });
      t.equal(call.successful, 1, 'caller: INVITE/200/ACK/BYE/200 via Record-Route', { sipp: describeSipp(call) });
      const callee = await bob.result;
      t.equal(callee.successful, 1, 'callee saw INVITE, ACK and BYE through the proxy', { sipp: describeSipp(callee) });
    });
  }

  t.test('TCP keep-alive: a double-CRLF ping gets a CRLF pong (RFC 5626 §4.4.1)', async (t) => {
    // The peer behaviour tsip's flow keep-alive (transport keepAliveTimeout) relies on.
    const pong = await new Promise<string>((resolve, reject) => {
      const sock = connect(k.port, k.host, () => sock.write('\r\n\r\n'));
      let buf = '';
      const timer = setTimeout(() => {
        sock.destroy();
        resolve(buf);
      }, 3000);
      sock.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        if (buf.includes('\r\n')) {
          clearTimeout(timer);
          sock.destroy();
          resolve(buf);
        }
      });
      sock.on('error', reject);
    });
    t.equal(pong, '\r\n', 'pong is exactly CRLF');
  });

  t.test('MESSAGE: relayed to a registered user, 200 for an unregistered one', async (t) => {
    const none = await runSipp({ scenario: scenarioPath('message-uac.xml'), target, calls: 1, timeoutSeconds: 10, service: 'carol' });
    t.equal(none.successful, 1, 'unregistered user: 200 from the server', { sipp: describeSipp(none) });
    const rx = await startSipp({ scenario: scenarioPath('message-uas.xml'), calls: 1, timeoutSeconds: 15 });
    t.teardown(() => rx.stop());
    await rx.ready;
    t.equal((await register('alice', 'secret', rx.localPort)).successful, 1, 'alice registered at the receiver');
    const sent = await runSipp({ scenario: scenarioPath('message-uac.xml'), target, calls: 1, timeoutSeconds: 10, service: 'alice' });
    t.equal(sent.successful, 1, 'sender got 200', { sipp: describeSipp(sent) });
    const got = await rx.result;
    t.equal(got.successful, 1, 'receiver got the MESSAGE with its body', { sipp: describeSipp(got) });
  });
});

t.test('registrar.cfg with AUTH_CALLS=1: INVITE challenged with 407, then proxied', async (t) => {
  if (!toolsPresent(t)) return;
  const k = await startKamailio({ config: kamailioConfig('registrar.cfg'), vars: { AUTH_CALLS: 1 } });
  t.teardown(() => k.stop());
  const bob = await startSipp({ scenario: scenarioPath('call-uas-rr.xml'), calls: 1, timeoutSeconds: 20 });
  t.teardown(() => bob.stop());
  await bob.ready;
  const reg = await runSipp({
    scenario: scenarioPath('register-auth.xml'),
    target: k,
    calls: 1,
    timeoutSeconds: 10,
    service: 'bob',
    auth: { username: 'bob', password: 'secret' },
    keys: { contact_port: bob.localPort, expires: 60 },
  });
  t.equal(reg.successful, 1, 'bob registered (default credentials bob/secret)', { sipp: describeSipp(reg) });

  const unauth = await runSipp({ scenario: scenarioPath('message-uac.xml'), target: k, calls: 1, timeoutSeconds: 10, service: 'bob' });
  t.equal(unauth.successful, 0, 'a MESSAGE without credentials does not pass');
  t.match(unauth.errorsTail, /407 Proxy Authentication Required/, 'it is challenged with 407');

  const bad = await runSipp({
    scenario: scenarioPath('uac-digest.xml'),
    target: k,
    calls: 1,
    timeoutSeconds: 10,
    service: 'bob',
    auth: { username: 'alice', password: 'wrong' },
  });
  t.equal(bad.successful, 0, 'wrong proxy credentials: no call');

  const call = await runSipp({
    scenario: scenarioPath('uac-digest.xml'),
    target: k,
    calls: 1,
    timeoutSeconds: 15,
    service: 'bob',
    auth: { username: 'alice', password: 'secret' },
  });
  t.equal(call.successful, 1, 'INVITE, 407, ACK, INVITE with Proxy-Authorization, 200, ACK, BYE', { sipp: describeSipp(call) });
  const callee = await bob.result;
  t.equal(callee.successful, 1, 'callee got the authenticated call through the proxy', { sipp: describeSipp(callee) });
});

t.test('presence.cfg: SUBSCRIBE, PUBLISH and NOTIFYs with presence on db_text', async (t) => {
  if (!toolsPresent(t) || !requireKamailioModules(t, ['presence', 'presence_xml', 'db_text'])) return;
  const k = await startKamailio({ config: kamailioConfig('presence.cfg'), dbTextTables: PRESENCE_TABLES });
  t.teardown(() => k.stop());
  for (const transport of TRANSPORTS) {
    const r = await runSipp({
      scenario: scenarioPath('presence-watcher.xml'),
      target: k,
      transport,
      calls: 1,
      timeoutSeconds: 15,
      service: `alice-${transport}`,
    });
    t.equal(r.successful, 1, `${transport}: subscribed, saw "open" after PUBLISH, unsubscribed`, { sipp: describeSipp(r) });
    t.equal(r.failed, 0, `${transport}: no failure`);
  }
});
