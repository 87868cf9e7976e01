/**
 * RFC 4475 torture messages: every row of test/conformance/rfc4475/MANIFEST.tsv (copied from the RFC's archive with SHA256SUMS).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  SipParseError,
  type SipRequest,
  type SipResponse,
  parseMessage,
  serializeMessage,
  validateRequest,
} from '../../lib/message/index.js';
import { matches, parseChecks, resolvePath } from './checks.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, 'rfc4475');

if (!existsSync(path.join(dir, 'MANIFEST.tsv'))) {
  // fail loudly: the conformance data is part of the repository (test/conformance/rfc4475)
  throw new Error(`RFC 4475 conformance data not found at ${dir}`);
}

const manifest = readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .slice(1)
  .map((l) => {
    const [file, section, title, expect, answer, checks] = l.split('\t');
    return { file, section, title, expect, answer, checks: checks ?? '' };
  });

t.test('SHA256SUMS match every file', async (t) => {
  const sums = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
  const listed = new Set<string>();
  for (const line of sums) {
    const [hash, name] = line.split(/\s+\*?/);
    listed.add(name);
    const actual = createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex');
    t.equal(actual, hash, name);
  }
  for (const row of manifest) t.ok(listed.has(row.file), `${row.file} has a checksum`);
  t.equal(manifest.length, 49, '49 torture messages');
});

function wellFormedRequestLine(text: string): boolean {
  const line = text.slice(0, text.indexOf('\r\n'));
  return /^[^ <>]+ [^ <>]+ SIP\/\d+\.\d+$/.test(line);
}

t.test('RFC 4475 messages', async (t) => {
  for (const row of manifest) {
    t.test(`${row.file} §${row.section} ${row.title} (${row.expect})`, async (t) => {
      const data = readFileSync(path.join(dir, row.file));
      if (row.expect === 'reject') {
        try {
          parseMessage(data);
          t.fail('parsed, but must be rejected');
        } catch (e) {
          t.type(e, SipParseError, 'throws SipParseError');
          const err = e as SipParseError;
          t.ok(err.reason.length > 0 && !/[\r\n]/.test(err.reason), `reason fit for a 400: ${err.reason}`);
        }
        return;
      }
      let msg: SipRequest | SipResponse;
      try {
        msg = parseMessage(data);
      } catch (e) {
        t.type(e, SipParseError, 'only SipParseError may be thrown');
        if (row.expect === 'parse') t.fail(`must parse: ${(e as Error).message}`);
        else t.pass(`lenient row rejected: ${(e as SipParseError).reason}`);
        return;
      }
      if (row.expect === 'lenient') {
        const out = serializeMessage(msg);
        const again = parseMessage(out);
        const text = out.toString('utf8');
        if (msg.isRequest()) t.ok(wellFormedRequestLine(text), 'request line well formed after serialization');
        t.equal(again.headers.size, msg.headers.size, 'reparsed header count');
        t.same(again.body, msg.body, 'reparsed body');
        // where the RFC names one status, validation must produce it
        if (/^\d{3}$/.test(row.answer) && msg.isRequest()) {
          let status = 0;
          try {
            validateRequest(msg);
          } catch (e) {
            status = e instanceof SipParseError ? e.status : -1;
          }
          t.equal(status, Number(row.answer), `validateRequest answers ${row.answer}`);
        }
      }
      for (const check of parseChecks(row.checks)) {
        let actual;
        try {
          actual = resolvePath(msg, check.path);
        } catch (e) {
          t.fail(`${check.path}: ${(e as Error).message}`);
          continue;
        }
        t.ok(matches(check.expected, actual), `${check.path}=${check.expected}`, { actual, expected: check.expected });
      }
    });
  }
});
