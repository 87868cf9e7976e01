/**
 * `probe srs`: getting in. TLS to the SRS (RFC 3261 §26.2, RFC 5922 §7.2: its certificate
 * verified, or a WARN when the user turned verification off) and HTTP Digest authentication
 * (RFC 3261 §22, RFC 7616): with credentials, one SIPREC INVITE answered with a wrong password
 * must not be accepted (`auth-wrong-password`), and the SRS's challenge must accept the user's
 * (`auth-challenge`); without credentials a 401/407 ends the run with one clear line instead of
 * every later check failing on it.
 */
import { bodyElements, inviteHeaders } from './srs-offer.js';
import { statusText, type SrsProbeContext } from './srs-context.js';
import { challengeOf, type Outcome } from './probe-ua.js';

const AUTH_RFC = 'RFC 3261 §22.2, RFC 7616';
const TLS_RFC = 'RFC 3261 §26.2, RFC 5922 §7.2';

function isChallenge(status: number): boolean {
  return status === 401 || status === 407;
}

function realmText(o: Outcome): string {
  const me = o.response?.messageElements;
  const v = me?.headerValues(o.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate')[0] ?? '';
  const { scheme, realm } = challengeOf(v);
  return `${scheme || 'no'} challenge${realm !== undefined ? `, realm "${realm}"` : ''}`;
}

/**
 * The first request's transport outcome over TLS: a certificate that does not verify, or no TLS
 * connection at all, is one FAIL (false: nothing else can run); otherwise PASS (verified) or WARN
 * (verification turned off). Not TLS: nothing reported, true.
 */
export function checkTlsOutcome(ctx: SrsProbeContext, o: Outcome): boolean {
  if (ctx.ua.opts.transport !== 'tls') return true;
  const r = ctx.results;
  if (o.status === 0 && /TLS certificate verification failed/i.test(o.reason)) {
    r.fail('tls-certificate', TLS_RFC, `the SRS's certificate did not verify (${o.reason.replace(/^.*TLS certificate verification failed:\s*/i, '')}): trust the CA that signed it (tls.ca, --tls-ca FILE), or test without verification (--tls-no-verify)`);
    return false;
  }
  if (o.status === 0 && /TransportError/.test(o.reason)) {
    // A refused or unreachable port is no handshake problem; a handshake cut short may be an SRS
    // that wants a client certificate (mutual TLS).
    const unreachable = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ResolveFailed/.test(o.reason);
    const hint = unreachable || ctx.ua.opts.tls?.listener ? '' : '; an SRS that requires a client certificate needs tls.cert/tls.key (--tls-cert, --tls-key)';
    r.fail('tls-connect', 'RFC 3261 §26.2', `no TLS connection to the SRS (${o.reason})${hint}`);
    return false;
  }
  if (o.status === 0) return true; // no answer at all: the checks say so
  if (ctx.tlsVerified) r.pass('tls-certificate', TLS_RFC, 'TLS connection up, the SRS\'s certificate verified');
  else r.warn('tls-certificate', TLS_RFC, 'the SRS\'s certificate was NOT verified (--tls-no-verify): encrypted, but the SRS is not authenticated');
  return true;
}

/**
 * With credentials: one SIPREC INVITE whose challenge is answered with a wrong password. It must
 * not be accepted (RFC 3261 §22.2: a server that fails to verify credentials answers 401 again,
 * or 403). An INVITE never challenged is left to `auth-challenge`. Returns the outcome.
 */
export async function checkWrongPassword(ctx: SrsProbeContext): Promise<Outcome> {
  const r = ctx.results;
  ctx.ua.useWrongPassword(true);
  const me = bodyElements(inviteHeaders(), ctx.session.sdp(false, false), ctx.session.completeXml());
  const { outcome, assoc } = await ctx.ua.invite({ remoteUri: ctx.target, from: ctx.from, contact: ctx.contact(true), elements: me });
  if (assoc) await ctx.ua.bye(assoc);
  ctx.ua.useWrongPassword(false);
  const c = outcome.challenge;
  if (outcome.status === 0) {
    r.skip('auth-wrong-password', AUTH_RFC, `SIPREC INVITE with a wrong password not answered: ${outcome.reason}`);
  } else if (!c) {
    r.skip('auth-wrong-password', AUTH_RFC, `SIPREC INVITE not challenged (answered ${statusText(outcome)}): no password to get wrong`);
  } else if (outcome.status >= 200 && outcome.status < 300) {
    r.fail('auth-wrong-password', AUTH_RFC, `challenged (${c.status}, realm "${c.realm}"), then ACCEPTED a wrong password (${statusText(outcome)}): anyone who knows the user name can record`);
  } else if (isChallenge(outcome.status) || outcome.status === 403) {
    r.pass('auth-wrong-password', AUTH_RFC, `a wrong password was refused ${statusText(outcome)}`);
  } else {
    r.warn('auth-wrong-password', AUTH_RFC, `a wrong password was answered ${statusText(outcome)} (401, 407 or 403 expected)`);
  }
  return outcome;
}

/**
 * What the recording INVITE's outcome says about authentication. Without credentials a 401/407
 * is one FAIL naming what to give; with them, PASS when the SRS challenged and then accepted, FAIL
 * when it refused the user's credentials, WARN when it never challenged. True when the run
 * cannot go on (every later request would meet the same refusal).
 */
export function checkAuthOutcome(ctx: SrsProbeContext, o: Outcome): boolean {
  const r = ctx.results;
  const creds = ctx.ua.opts.credentials;
  if (!creds) {
    if (!isChallenge(o.status)) return false;
    r.fail('auth-challenge', AUTH_RFC, `the SRS requires authentication (${statusText(o)}, ${realmText(o)}): give credentials (tsip probe: --user NAME --password-file FILE)`);
    return true;
  }
  const challenged = ctx.ua.challenges;
  const right = challenged.filter((c) => c.answeredWith === 'right');
  const first = right[0] ?? challenged[0];
  if (o.status === 0) return false;
  if (isChallenge(o.status) || (o.status === 403 && right.length > 0)) {
    r.fail('auth-challenge', AUTH_RFC, right.length > 0
      ? `the SRS refused the credentials of user "${creds.username}" (${statusText(o)}, realm "${right[0].realm}"): check the user name and the password file`
      : `SIPREC INVITE answered ${statusText(o)} (${realmText(o)}) and the challenge could not be answered`);
    return true;
  }
  if (first) {
    r.pass('auth-challenge', AUTH_RFC, `challenged (${first.status} ${first.method}, realm "${first.realm}") and accepted the credentials of user "${creds.username}"${o.status >= 300 ? ` (the INVITE itself then answered ${statusText(o)})` : ''}`);
  } else {
    r.warn('auth-challenge', AUTH_RFC, `never challenged although credentials were given (--user): the SRS records without authentication (RFC 7866 §12: recordings are sensitive)`);
  }
  return false;
}
