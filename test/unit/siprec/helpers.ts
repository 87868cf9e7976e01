/** Shared assertions for the siprec unit tests. */
import type { Test } from 'tap';
import { MetadataError } from '../../../lib/siprec/metadata/index.js';

/** Asserts that `fn` throws a MetadataError with `code` and a reason fit for a SIP reason phrase. */
export function expectCode(t: Test, fn: () => unknown, code: string, label: string): void {
  try {
    fn();
    t.fail(`${label}: no error thrown`);
  } catch (e) {
    t.ok(e instanceof MetadataError, `${label}: MetadataError`);
    const err = e as MetadataError;
    t.equal(err.code, code, `${label}: code ${code}`);
    t.ok(err.reason.length > 0 && !/[\r\n]/.test(err.reason), `${label}: reason phrase-safe`);
  }
}

/** Asserts that `fn` throws an instance of `cls` whose `code` is `code`. */
export function expectError(t: Test, fn: () => unknown, cls: new (...a: never[]) => Error, code: string, label: string): void {
  try {
    fn();
    t.fail(`${label}: no error thrown`);
  } catch (e) {
    t.ok(e instanceof cls, `${label}: ${cls.name}`);
    t.equal((e as { code?: unknown }).code, code, `${label}: code ${code}`);
  }
}
