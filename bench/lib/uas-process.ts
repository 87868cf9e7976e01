/**
 * Starts one of the answering UASes the uas benches drive, compiled, in its own process on a free
 * port, listening on UDP and TCP: tsip's samples/uas.js, Node's floor (node-floor-uas.ts, the
 * bare responder with no SIP stack), the npm `sip` package's UAS (sip-pkg-uas.ts), or tsip's
 * recording server (samples/srs.js, `tsip srs`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, freePort, waitListening } from '../../test/interop/lib/index.js';

/** Which answerer: tsip's UAS, the bare Node responder, the npm `sip` package's UAS, or tsip's SRS. */
export type UasKind = 'tsip' | 'node-floor' | 'sip-pkg' | 'tsip-srs';

/** A started answerer. */
export interface UasProcess {
  proc: ManagedProcess;
  port: number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `kind` from the compiled tree `build` and resolves once both its sockets listen.
 * `nodeArgs` and `uasArgs` (tsip and tsip-srs only; the SRS needs its `--dir`) go before and after the script.
 */
export async function startUas(build: string, kind: UasKind, nodeArgs: readonly string[] = [], uasArgs: readonly string[] = []): Promise<UasProcess> {
  const port = await freePort();
  const script = kind === 'tsip'
    ? [join(build, 'samples/uas.js'), '--transport', 'udp,tcp', '--host', '127.0.0.1', '--port', String(port), ...uasArgs]
    : kind === 'tsip-srs'
      ? [join(build, 'samples/srs.js'), '--host', '127.0.0.1', '--port', String(port), ...uasArgs]
      : [join(build, kind === 'sip-pkg' ? 'bench/lib/sip-pkg-uas.js' : 'bench/lib/node-floor-uas.js'), String(port)];
  const proc = new ManagedProcess(process.execPath, [...nodeArgs, ...script], { cwd: build });
  const stop = async (): Promise<void> => {
    proc.child.kill('SIGTERM');
    await proc.exited;
  };
  try {
    for (const protocol of ['udp', 'tcp'] as const) await waitListening(port, protocol, 15_000, () => (proc.exit ? `${kind} exited: ${proc.stderr}` : undefined));
  } catch (e) {
    await stop();
    throw e;
  }
  return { proc, port, stop };
}

/**
 * Runs `fn` against `tsip srs` of the tree `build` on a free port, its recordings in a new
 * temporary directory under `root` (default the OS temp dir), which is removed afterwards with the
 * process stopped. `srsArgs` go after `--dir`.
 */
export async function withTsipSrs<T>(build: string, srsArgs: readonly string[], fn: (srs: UasProcess) => Promise<T>, root: string = tmpdir()): Promise<T> {
  const dir = mkdtempSync(join(root, 'tsip-bench-srs-'));
  try {
    const srs = await startUas(build, 'tsip-srs', [], ['--dir', dir, ...srsArgs]);
    try {
      return await fn(srs);
    } finally {
      await srs.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
