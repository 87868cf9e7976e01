/**
 * samples/register.ts, samples/message.ts and samples/subscribe.ts run as programs against
 * Kamailio (registrar.cfg, presence.cfg) on loopback, with their exit codes.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PRESENCE_TABLES, requireKamailioModules, requireTool, startKamailio } from './lib/index.js';
import { kamailioConfig } from './lib/paths.js';
import { nodeArgsFor } from '../helpers/ts-entry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgsFor(args[0]!), ...args.slice(1)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

t.test('register.ts and message.ts against the registrar', async (t) => {
  if (!requireTool(t, 'kamailio')) return;
  const k = await startKamailio({ config: kamailioConfig('registrar.cfg') });
  t.teardown(() => k.stop());
  const good = await run(['samples/register.ts', '--registrar', `sip:${k.host}:${k.port}`, '--aor', 'sip:alice@tsip.test', '--user', 'alice', '--password', 'secret']);
  t.equal(good.code, 0, good.out);
  t.match(good.out, /REGISTER: 200[\s\S]*early refresh\): 200[\s\S]*deregister\): 200/);
  const bad = await run(['samples/register.ts', '--registrar', `sip:${k.host}:${k.port}`, '--aor', 'sip:alice@tsip.test', '--user', 'alice', '--password', 'nope']);
  t.equal(bad.code, 1, 'wrong password: exit 1');
  t.match(bad.out, /REGISTER: 401/);
  const msg = await run(['samples/message.ts', '--to', `sip:carol@${k.host}:${k.port}`, '--text', 'hi']);
  t.equal(msg.code, 0, msg.out);
  t.match(msg.out, /← 200/);
});

t.test('subscribe.ts against the presence server', async (t) => {
  if (!requireTool(t, 'kamailio') || !requireKamailioModules(t, ['presence', 'presence_xml', 'db_text'])) return;
  const k = await startKamailio({ config: kamailioConfig('presence.cfg'), dbTextTables: PRESENCE_TABLES });
  t.teardown(() => k.stop());
  const r = await run(['samples/subscribe.ts', '--to', `sip:alice@${k.host}:${k.port}`, '--seconds', '1']);
  t.equal(r.code, 0, r.out);
  t.match(r.out, /NOTIFY ← active[\s\S]*NOTIFY ← terminated/);
});
