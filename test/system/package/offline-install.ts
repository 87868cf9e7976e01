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

/** Runs a program to its end (killed after `timeoutMs`), collecting its output. */
export function run(cmd: string, args: readonly string[], opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** What {@link prepareOfflineProject} writes. */
export interface OfflineProject {
  /** package.json of the project. */
  packageJson: object;
  /** package-lock.json of the project. */
  lock: object;
}

/**
 * Packs what the project needs besides tsip from the repository's node_modules into `depsDir`, and
 * returns the project's package.json and package-lock.json installing `tsipTarball` (relative to
 * the project dir) plus `extraRootDeps` (e.g. @types/node).
 */
export async function prepareOfflineProject(opts: {
  tsip: PackInfo;
  tsipTarball: string;
  tsipPackageJson: { dependencies?: Record<string, string>; bin?: Record<string, string>; engines?: Record<string, string>; license?: string };
  extraRootDeps: readonly string[];
  depsDir: string;
  depsDirFromProject: string;
  timeoutMs: number;
}): Promise<OfflineProject> {
  const repoLock = (JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const tsipDeps = Object.keys(opts.tsipPackageJson.dependencies ?? {});
  const paths = dependencyClosure(repoLock, [...tsipDeps, ...opts.extraRootDeps]);
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', opts.depsDir, ...paths.map((p) => join(repoRoot, p))], { cwd: opts.depsDir, timeoutMs: opts.timeoutMs });
  if (packed.code !== 0) throw new Error(`npm pack of the dependencies failed: ${packed.stderr}`);
  const byId = new Map(packJson(packed.stdout).map((p) => [`${p.name}@${p.version}`, p]));
  const packages: Record<string, object> = {};
  for (const at of paths) {
    const name = at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const { dev: _dev, devOptional: _devOptional, peer: _peer, resolved: _resolved, integrity: _integrity, ...entry } = repoLock[at];
    const tgz = byId.get(`${name}@${entry.version}`);
    if (tgz === undefined) throw new Error(`node_modules has ${name} at another version than package-lock.json says (${entry.version}): run npm ci`);
    packages[at] = { ...entry, resolved: `file:${opts.depsDirFromProject}/${tgz.filename}`, integrity: tgz.integrity };
  }
  const rootDeps: Record<string, string> = { tsip: `file:${opts.tsipTarball}` };
  for (const name of opts.extraRootDeps) rootDeps[name] = `file:${opts.depsDirFromProject}/${byId.get(`${name}@${repoLock[`node_modules/${name}`].version}`)?.filename}`;
  const { dependencies, bin, engines, license } = opts.tsipPackageJson;
  const packageJson = { name: 'tsip-packed-app', version: '1.0.0', private: true, type: 'module', dependencies: rootDeps };
  const lock = {
    name: packageJson.name,
    version: packageJson.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: packageJson.name, version: packageJson.version, dependencies: rootDeps },
      'node_modules/tsip': { version: opts.tsip.version, resolved: `file:${opts.tsipTarball}`, integrity: opts.tsip.integrity, license, dependencies, bin, engines },
      ...packages,
    },
  };
  return { packageJson, lock };
}
