/**
 * Registers an address-of-record (answering the digest challenge), refreshes the registration
 * once early, and deregisters, printing each step. Exit code 0 only if all three got a 2xx.
 *
 *   npx tsx samples/register.ts --registrar sip:127.0.0.1:5080 --aor sip:alice@tsip.test --user alice --password secret
 */
import { parseArgs } from 'node:util';
import {
  type ClientTransaction,
  ConnectionState,
  DefaultConnectionObserver,
  DefaultSipObserver,
  HttpDigest,
  RegistrationBinding,
  SipClient,
  SipConnection,
} from '../lib/index.js';

const { values } = parseArgs({
  options: {
    registrar: { type: 'string' },
    aor: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    expires: { type: 'string', default: '300' },
  },
});
if (values.registrar === undefined || values.aor === undefined || values.user === undefined || values.password === undefined) {
  console.error('usage: register.ts --registrar sip:host:port --aor sip:user@domain --user name --password secret');
  process.exit(2);
}
const { registrar, aor, user, password } = values;

/** Resolves the pending step with each REGISTER's final response (or failure). */
let settle: ((status: number | string) => void) | undefined;
const observer = new (class extends DefaultConnectionObserver {
  override connectionStateChanged(state: ConnectionState): void {
    if (state === ConnectionState.Active) ready();
  }
  override incomingResponseForRegistration(tx: ClientTransaction): void {
    const r = tx.responseElements;
    if (r !== undefined && r.statusCode >= 200) settle?.(r.statusCode);
  }
  override errorOccurredInRegistration(error: { code: string }): void {
    settle?.(error.code);
  }
})();

const client = new SipClient({ uid: 'tsip-register-sample', observer: new DefaultSipObserver() });
let ready: () => void = () => undefined;
const active = new Promise<void>((r) => (ready = r));
const connection = new SipConnection(client, 'default', observer);
// The challenge observer learns the realm from the 401 and answers with the given credentials.
const digest = new HttpDigest(client, {
  challengeReceived(tx) {
    const realm = /realm="([^"]*)"/.exec(tx.responseElements?.messageElements.header('WWW-Authenticate') ?? tx.responseElements?.messageElements.header('Proxy-Authenticate') ?? '')?.[1] ?? '';
    console.log(`  challenge for realm "${realm}": answering as ${user}`);
    digest.setCredentialsFor(tx, realm, user, password);
  },
  challengeReceivedInRefresh(refresh) {
    console.log('  challenge in a refresh: ignored');
    digest.ignoreChallengeInRefresh(refresh);
  },
});

async function step(name: string, send: () => ClientTransaction): Promise<boolean> {
  const done = new Promise<number | string>((r) => (settle = r));
  const tx = send();
  const outcome = await Promise.race([done, new Promise<string>((r) => setTimeout(() => r('no answer'), 35_000))]);
  console.log(`${name}: ${typeof outcome === 'number' ? `${outcome} ${tx.responseElements?.reasonPhrase ?? ''}` : outcome}`);
  if (tx.state === 'Terminated' || tx.state === 'Completed' || typeof outcome === 'string') tx.dispose();
  return typeof outcome === 'number' && outcome >= 200 && outcome < 300;
}

let ok = false;
try {
  await active;
  const binding = new RegistrationBinding(connection, { aor: `<${aor}>`, registrar, expires: Number(values.expires) });
  const registered = await step('REGISTER', () => binding.register());
  console.log(`  registered contact: ${binding.registeredContact ?? '-'} (expires ${binding.expires ?? '-'} s)`);
  const refreshed = registered && (await step('REGISTER (early refresh)', () => binding.update({})));
  const deregistered = refreshed && (await step('REGISTER (deregister)', () => binding.deregister()));
  ok = registered && refreshed && deregistered;
} catch (e) {
  console.error(`failed: ${String(e)}`);
}
await client.close();
process.exit(ok ? 0 : 1);
