/**
 * A standalone NG9-1-1 Logging Service (NENA-STA-010.3): `POST /LogEvents` with a JWS-signed log
 * event, verified against the given public keys, stored as JSON lines, until SIGINT/SIGTERM.
 *
 *   npx tsx samples/log-event-server.ts --port 8443 --dir ./log-events --key src-pub.pem \
 *     [--cert server.pem --tls-key server.key] [--host 127.0.0.1] [--base-path /Logging/v1] \
 *     [--max-body 1048576] [--rate 1000]
 *
 * `--key` may be given several times: a PEM public key or certificate, or a JWK file (.json).
 * Point an SRC at it with `ng911.servers[].baseUrl` = the URL it prints.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogEventVerifyKey, PublicJwk } from '../include-types/ng911-logging.js';
import { startLogEventServer } from '../lib/siprec/ng911/index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8443' },
    dir: { type: 'string', default: './log-events' },
    key: { type: 'string', multiple: true },
    cert: { type: 'string' },
    'tls-key': { type: 'string' },
    'base-path': { type: 'string', default: '' },
    'max-body': { type: 'string', default: String(1024 * 1024) },
    rate: { type: 'string', default: '1000' },
  },
});

function fail(msg: string): never {
  console.error(msg);
  process.exit(2);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535 (not ${values.port})`);
const maxBodyBytes = Number(values['max-body']);
if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) fail('--max-body must be a positive integer');
const rate = Number(values.rate);
if (!(Number.isInteger(rate) && rate >= 0)) fail('--rate must be an integer >= 0 (0: no limit)');
if (!values.key?.length) fail('give at least one --key (PEM public key or certificate, or a JWK .json file)');
if ((values.cert === undefined) !== (values['tls-key'] === undefined)) fail('--cert and --tls-key go together');

const keys: LogEventVerifyKey[] = values.key.map((f) => {
  const text = readFileSync(f, 'utf8');
  return f.endsWith('.json') ? (JSON.parse(text) as PublicJwk) : text;
});
const dir = resolve(values.dir);
const server = await startLogEventServer({
  host: values.host, port, dir, keys, basePath: values['base-path'], maxBodyBytes, maxEventsPerSecond: rate,
  ...(values.cert !== undefined ? { tls: { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values['tls-key']!, 'utf8') } } : {}),
});
server.on('stored', (e) => console.log(`stored   ${e.logEventType} ${e.logEventId}`));
server.on('rejected', (e) => console.log(`rejected ${e.status} ${e.reason}${e.source ? ` from ${e.source}` : ''}`));

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down (${server.stats.accepted} events stored)`);
  const guard = setTimeout(() => process.exit(1), 10000);
  await server.close();
  clearTimeout(guard);
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
console.log(`Logging Service on ${server.url}/LogEvents; events in ${server.file}`);
