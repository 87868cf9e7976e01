/**
 * Transaction identifiers and Message-IDs (RFC 4975 §7.1, §7.1.1, §9: both are `ident`, 4 to 32
 * characters from alphanumerics and `.-+%=`, starting with an alphanumeric). A transact-id must
 * be unique on its connection and hard to guess (§14.5: it marks the end of the content), and a
 * Message-ID unique to the sender; both get 48 random bits after a counter.
 */
import { randomBytes } from 'node:crypto';

let counter = 0;

/** A fresh transact-id, e.g. `t1a4f09c2e71d` (`prefix`: one alphanumeric, default `t`). */
export function newTransactionId(prefix = 't'): string {
  return `${prefix}${(++counter).toString(36)}${randomBytes(6).toString('hex')}`;
}

/** A fresh Message-ID (RFC 4975 §7.1.1: every chunk of one message carries the same one). */
export function newMessageId(): string {
  return `m${(++counter).toString(36)}${randomBytes(6).toString('hex')}`;
}

/** A fresh session-id for an MSRP URI (RFC 4975 §6: unique and hard to guess; 72 random bits). */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

/** True when `s` is a valid ident (transact-id or Message-ID). */
export function isIdent(s: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}$/.test(s);
}
