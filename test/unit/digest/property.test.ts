/** Property tests: quoting round trips and client ↔ server agreement over random inputs. */
import t from 'tap';
import fc from 'fast-check';
import { formatAuthParams, parseAuthHeaderValue, quoteString } from '../../../lib/stack/digest/auth-params.js';
import { DigestCredentialStore } from '../../../lib/stack/digest/credential-store.js';
import { DigestServer } from '../../../lib/stack/digest/server.js';
import type { DigestAlgorithm } from '../../../lib/stack/digest/algorithms.js';
import { parseChallenges } from '../../../lib/stack/digest/challenge.js';
import { parseDigestCredentials } from '../../../lib/stack/digest/authorization.js';

const algorithms: DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'];
const text = fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme' });

t.test('quoted values survive format → parse, whatever they hold', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('realm', 'nonce', 'opaque', 'domain'), fc.string({ maxLength: 30 })), { minLength: 1, maxLength: 4 }), (pairs) => {
      const unique = new Map(pairs);
      const value = formatAuthParams('Digest', [...unique], new Set(unique.keys()));
      const [parsed] = parseAuthHeaderValue(value + ', Digest realm=' + quoteString('second'));
      for (const [k, v] of unique) if (parsed.params.get(k) !== v) return false;
      return parsed.scheme === 'Digest';
    }),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('client and server agree for any user, password, realm, URI, method and algorithm', async (t) => {
  fc.assert(
    fc.property(text, text, text, fc.webUrl(), fc.constantFrom('INVITE', 'REGISTER', 'BYE', 'MESSAGE'), fc.constantFrom(...algorithms), fc.constantFrom<Array<'auth' | 'auth-int'>>(['auth'], ['auth-int'], []), fc.boolean(), (user, password, realm, uri, method, algorithm, qop, userhash) => {
      const clock = { now: () => 1 };
      const server = new DigestServer({ realm, clock, algorithms: [algorithm], qop, opaque: realm });
      const store = new DigestCredentialStore({ preferAuthInt: true });
      store.setCredentials(realm, { username: user, secret: { password } });
      const request = { method, uri, body: 'body' };
      const a = store.answer({ wwwAuthenticate: server.createChallenge({ userhash }) }, request);
      if (a.kind !== 'retry') return false;
      const lookup = (u: string) => (u === user ? { password } : undefined);
      const ok = server.verifyAuthorization(a.authorization[0], { ...request, lookup, knownUsers: () => [user] });
      const wrong = server.verifyAuthorization(a.authorization[0], { ...request, lookup: () => ({ password: password + 'x' }), knownUsers: () => [user] });
      return ok.result === 'ok' && ok.username === user && wrong.result === 'bad';
    }),
    { numRuns: 200 },
  );
  t.pass();
});

t.test('the parsers never throw on junk', async (t) => {
  const junk = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80, unit: 'binary' }), fc.array(fc.constantFrom('Digest', ' ', ',', '=', '"', '\\', 'realm', 'nonce', 'a'), { maxLength: 30 }).map((a) => a.join('')));
  fc.assert(
    fc.property(junk, (s) => {
      parseAuthHeaderValue(s);
      parseChallenges({ wwwAuthenticate: [s], proxyAuthenticate: [s] });
      parseDigestCredentials(s);
      return true;
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

t.test('challenges parse the same whatever the order, spacing, name case and quoting', async (t) => {
  const ws = fc.constantFrom('', ' ', '  ', '\t');
  const caseOf = (s: string, upper: boolean[]): string => [...s].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');
  fc.assert(
    fc.property(
      fc.shuffledSubarray(['opaque', 'stale', 'algorithm', 'qop'], { minLength: 0, maxLength: 4 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
      ws,
      ws,
      fc.boolean(),
      fc.integer({ min: 0, max: 4 }),
      (extra, upper, w1, w2, quoteTokens, realmAt) => {
        const values: Record<string, string> = { realm: 'atlanta.com', nonce: 'n/o+n=ce', opaque: 'op', stale: 'TRUE', algorithm: 'SHA-256', qop: 'auth-int,auth' };
        const quotedAlways = new Set(['realm', 'nonce', 'opaque', 'qop']);
        const names = ['nonce', ...extra];
        names.splice(Math.min(realmAt, names.length), 0, 'realm');
        const parts = names.map((n) => `${caseOf(n, upper)}${w1}=${w2}${quotedAlways.has(n) || quoteTokens ? '"' + values[n] + '"' : values[n]}`);
        const text = `Digest ${parts.join(`${w1},${w2}`)}`;
        const { supported } = parseChallenges({ wwwAuthenticate: [text] });
        if (supported.length !== 1) return false;
        const c = supported[0];
        return (
          c.realm === 'atlanta.com' &&
          c.nonce === 'n/o+n=ce' &&
          c.algorithm === (extra.includes('algorithm') ? 'SHA-256' : 'MD5') &&
          c.stale === extra.includes('stale') &&
          c.opaque === (extra.includes('opaque') ? 'op' : undefined) &&
          JSON.stringify(c.qop) === (extra.includes('qop') ? '["auth-int","auth"]' : '[]')
        );
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});
