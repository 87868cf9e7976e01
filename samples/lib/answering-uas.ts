/**
 * The answering UAS now lives in lib/cli/answering-uas.ts (the `tsip uas` command); this path is
 * kept for the tests and benchmarks that import it.
 */
export * from '../../lib/cli/answering-uas.js';
