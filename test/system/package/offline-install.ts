/**
 * Installing a packed tsip into an empty project without the registry.
 *
 * `npm install tsip-x.tgz --offline` alone asks for every dependency's packument, which npm's cache
 * may not hold (`npm ci` from a lockfile only fetches tarballs). So the dependencies tsip declares,
 * and everything they need, are packed from the repository's own node_modules (`npm pack DIR...`), and
 * the project gets a package-lock.json naming those local tarballs; `npm ci --offline` then installs
 * exactly that tree and never asks the network. What is installed is decided by tsip's package.json
 * `dependencies` only, so a module that dist/ imports but the package does not declare is missing,
 * as it would be for a user.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (this file is test/system/package/offline-install.ts). */
export const repoRoot = join(import.meta.dirname, '../../..');

/** How a child process ended, with its output. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * This process's environment without npm's `npm_*` variables: under `npm test` they describe the
 * repository's run (`npm_config_local_prefix`, `npm_package_json`, ...) and would leak into the npm
 * runs of the temp projects as configuration.
 */
export function envWithoutNpm(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

/** Runs a program to its end (killed after `timeoutMs`), collecting its output. */
export function run(cmd: string, args: readonly string[], opts: { cwd: string; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: envWithoutNpm(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

/** One entry of `npm pack --json`. */
export interface PackInfo {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: { path: string }[];
}

/** `npm pack --json` output, read past any lines npm scripts print before it. */
export function packJson(stdout: string): PackInfo[] {
  return JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1 || stdout.indexOf('['))) as PackInfo[];
}

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The lockfile paths (`node_modules/a`, `node_modules/a/node_modules/b`) of everything `deps` needs,
 * found the way Node resolves a package: the nearest node_modules up from the one asking.
 */
export function dependencyClosure(lock: Record<string, LockEntry>, deps: readonly string[]): string[] {
  const found = new Set<string>();
  const resolveFrom = (from: string, name: string): string | undefined => {
    for (let p = from; ; p = p.slice(0, Math.max(0, p.lastIndexOf('/node_modules/')))) {
      const at = `${p === '' ? '' : `${p}/`}node_modules/${name}`;
      if (lock[at] !== undefined) return at;
      if (p === '') return undefined;
    }
  };
  const visit = (from: string, names: readonly string[], optional: boolean): void => {
    for (const name of names) {
      const at = resolveFrom(from, name);
      if (at === undefined) {
        if (optional) continue;
        throw new Error(`${name} (needed by ${from || 'tsip'}) is not in package-lock.json: run npm ci`);
      }
      if (found.has(at)) continue;
      found.add(at);
      visit(at, Object.keys(lock[at].dependencies ?? {}), false);
      visit(at, Object.keys(lock[at].optionalDependencies ?? {}), true);
    }
  };
  visit('', deps, false);
  return [...found];
}

/** The dependencies of a project, packed from the repository's node_modules. */
export interface PackedDependencies {
  /** Lockfile paths (`node_modules/x`) of everything needed, with the repository lock's entries. */
  entries: Map<string, LockEntry>;
  /** The tarballs, by `name@version`. */
  tarballs: Map<string, PackInfo>;
}

/**
 * Packs `deps` (tsip's `dependencies` plus e.g. @types/node) and everything they need, as the
 * repository's package-lock.json places them, from its node_modules into `depsDir`.
 */
export async function packDependencies(deps: readonly string[], depsDir: string, timeoutMs: number): Promise<PackedDependencies> {
  const repoLock = (JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const paths = dependencyClosure(repoLock, deps);
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', depsDir, ...paths.map((p) => join(repoRoot, p))], { cwd: depsDir, timeoutMs });
  if (packed.code !== 0) throw new Error(`npm pack of the dependencies failed: ${packed.stderr}`);
  return {
    entries: new Map(paths.map((p) => [p, repoLock[p]])),
    tarballs: new Map(packJson(packed.stdout).map((p) => [`${p.name}@${p.version}`, p])),
  };
}

/** The package.json fields of tsip its lockfile entry repeats. */
export interface TsipManifest {
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  license?: string;
}

/**
 * package.json and package-lock.json of an empty project installing the tsip tarball (`tsipTarball`,
 * relative to the project) plus `extraRootDeps`, every dependency from the local tarballs of
 * {@link packDependencies} (in `depsDirFromProject`).
 */
export function offlineProject(opts: {
  tsip: PackInfo;
  tsipTarball: string;
  tsipManifest: TsipManifest;
  extraRootDeps: readonly string[];
  deps: PackedDependencies;
  depsDirFromProject: string;
}): { packageJson: object; lock: object } {
  const tarballOf = (at: string, version: string): PackInfo => {
    const name = at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const tgz = opts.deps.tarballs.get(`${name}@${version}`);
    if (tgz === undefined) throw new Error(`node_modules has ${name} at another version than package-lock.json says (${version}): run npm ci`);
    return tgz;
  };
  const packages: Record<string, object> = {};
  for (const [at, lockEntry] of opts.deps.entries) {
    // the project installs these as its own (not dev) dependencies, from the local tarballs
    const { dev: _dev, devOptional: _devOptional, peer: _peer, resolved: _resolved, integrity: _integrity, ...entry } = lockEntry;
    const tgz = tarballOf(at, entry.version);
    packages[at] = { ...entry, resolved: `file:${opts.depsDirFromProject}/${tgz.filename}`, integrity: tgz.integrity };
  }
  const rootDeps: Record<string, string> = { tsip: `file:${opts.tsipTarball}` };
  for (const name of opts.extraRootDeps) {
    const at = `node_modules/${name}`;
    const entry = opts.deps.entries.get(at);
    if (entry === undefined) throw new Error(`${name} was not packed`);
    rootDeps[name] = `file:${opts.depsDirFromProject}/${tarballOf(at, entry.version).filename}`;
  }
  const { dependencies, bin, engines, license } = opts.tsipManifest;
  const name = 'tsip-packed-app';
  const version = '1.0.0';
  return {
    packageJson: { name, version, private: true, type: 'module', dependencies: rootDeps },
    lock: {
      name,
      version,
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name, version, dependencies: rootDeps },
        'node_modules/tsip': { version: opts.tsip.version, resolved: `file:${opts.tsipTarball}`, integrity: opts.tsip.integrity, license, dependencies, bin, engines },
        ...packages,
      },
    },
  };
}
