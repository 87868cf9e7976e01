/**
 * Who may record at the SRS (RFC 7866 §12: recordings are sensitive; SIPREC-NOTES SRS-9): an
 * allow-list of SRC addresses (single addresses or CIDR prefixes, IPv4 and IPv6, checked against
 * the packet's source, not its Via), and HTTP Digest authentication of the SRC's INVITE (RFC 3261
 * §22.1/§22.2, RFC 7616; stateless self-verifying nonces from the stack's DigestServer).
 * @module
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { SrsAuthSettings } from '../../../include-types/siprec.js';
import { DigestServer, type ServerTransaction } from '../common/api.js';

/** What the checks decided for one request. */
export type AccessVerdict =
  | { ok: true; username?: string }
  | { ok: false; status: 401 | 403; reason: string; headers: [string, string][] };

/** Reads an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports IPv4) as IPv4. */
function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

/**
 * Builds the allow-list from entries like `192.0.2.10`, `198.51.100.0/24`, `2001:db8::/32`.
 * @throws SipError(InvalidArgument) naming the entry that is not an address or prefix
 */
export function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits, extra] = entry.trim().split('/');
    const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : undefined;
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 'ipv4' ? 32 : 128;
    if (family === undefined || extra !== undefined || (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > max))) {
      throw new SipError(SipErrorCode.InvalidArgument, `SrsSettings.allowedSources: "${entry}" is not an IP address or CIDR prefix`);
    }
    if (prefix === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, prefix, family);
  }
  return list;
}

/** The SRS's access checks, made once from its settings. */
export class SrsAccess {
  private readonly allowed: BlockList | undefined;
  private readonly digest: DigestServer | undefined;

  constructor(
    allowedSources: readonly string[] | undefined,
    private readonly auth: SrsAuthSettings | undefined,
    now: () => number = Date.now,
  ) {
    this.allowed = allowedSources === undefined ? undefined : allowList(allowedSources);
    this.digest = auth === undefined ? undefined : new DigestServer({
      realm: auth.realm, clock: { now }, // nonce timestamps (epoch ms) on the SRS's clock
      ...(auth.nonceLifetimeMs !== undefined ? { nonceLifetimeMs: auth.nonceLifetimeMs } : {}),
    });
  }

  /** True when a new recording session must pass {@link check}. */
  get active(): boolean {
    return this.allowed !== undefined || this.digest !== undefined;
  }

  /** Checks a new INVITE: its source against the allow-list, then its credentials. */
  check(tx: ServerTransaction): AccessVerdict {
    if (this.allowed !== undefined) {
      const remote = tx.remote;
      const address = remote === undefined ? undefined : plainAddress(remote.address);
      const family = address === undefined ? undefined : isIPv4(address) ? 'ipv4' : 'ipv6';
      // RFC 3261 §21.4.4: 403, and no point in credentials from a source we never serve
      if (address === undefined || !this.allowed.check(address, family)) return { ok: false, status: 403, reason: 'Source not allowed', headers: [] };
    }
    if (this.digest === undefined || this.auth === undefined) return { ok: true };
    const challenge = (stale: boolean): AccessVerdict => ({
      ok: false, status: 401, reason: 'Unauthorized',
      headers: this.digest!.createChallenge(stale ? { stale: true } : {}).map((v): [string, string] => ['WWW-Authenticate', v]),
    });
    const req = tx.requestElements;
    const value = req.messageElements.header('Authorization');
    // RFC 3261 §22.1: no credentials yet → 401 with the challenge
    if (value === undefined) return challenge(false);
    const lookup = this.auth.lookup;
    const r = this.digest.verifyAuthorization(value, { method: req.method, uri: req.remoteUri, lookup, ...(req.messageElements.content !== undefined ? { body: req.messageElements.content } : {}) });
    if (r.result === 'ok') return { ok: true, username: r.username };
    // RFC 7616 §3.3: a right digest over an expired nonce → stale=true, the client retries silently.
    // Wrong credentials get the challenge again (RFC 3261 §22.2), so a UA may ask its user anew.
    return challenge(r.result === 'stale');
  }
}
