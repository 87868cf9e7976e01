/**
 * tsip as a user gets it: `npm pack` (whose prepack script builds dist/) on a copy of the sources,
 * `npm ci --offline` of the tarball into an empty project (dependencies from local tarballs, see
 * offline-install.ts), then a program importing 'tsip' and 'tsip/include-types' type-checks under
 * strict tsc (skipLibCheck off, so the published .d.ts must compile) and records a call, and the
 * installed `tsip` bin answers. Also: what the tarball holds, and that `@internal` stays out of it.
 *
 * Nothing is written into the repository: the build runs in a temp copy.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';
import { offlineProject, packDependencies, packJson, repoRoot, run, type PackInfo, type TsipManifest } from './offline-install.js';

/** Generous bounds for a loaded 2-core machine; the whole test takes ~30 s there. */
const PACK_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 60_000;

/** What `npm run build` needs, copied to the staging dir (the rest of the repo is not packed anyway). */
const BUILD_INPUTS = ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'lib', 'include-types'];

/** Files npm always packs besides those `files` lists (npm docs, package.json "files"). */
const ALWAYS_PACKED = /^(package\.json|README(\.md)?|LICEN[CS]E(\.md)?)$/i;

// The build is most of the time (~10 s CPU); on a loaded shared machine the wall time can pass tap's
// default, so this file gets its own bound.
t.setTimeout(300_000);

const root = mkdtempSync(join(tmpdir(), 'tsip-pack-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const stage = join(root, 'stage');
const app = join(root, 'app');
const deps = join(root, 'deps');
for (const d of [stage, app, deps]) mkdirSync(d);

const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
const EXTRA_ROOT_DEPS = ['@types/node'];

for (const name of BUILD_INPUTS) {
  if (existsSync(join(repoRoot, name))) cpSync(join(repoRoot, name), join(stage, name), { recursive: true });
}
symlinkSync(join(repoRoot, 'node_modules'), join(stage, 'node_modules'), 'dir');
const manifest = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) as TsipManifest;

// The three npm runs are independent: start them together (the build is the long one).
// --ignore-scripts on the repository: no build into it; dist/ may or may not exist there.
const repoDryRun = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, timeoutMs: STEP_TIMEOUT_MS });
// prepack (clean + build) runs in the staged copy: a tarball without dist/ fails every check below
const packStarted = Date.now();
const stagePack = run('npm', ['pack', '--json', '--pack-destination', root], { cwd: stage, timeoutMs: PACK_TIMEOUT_MS })
  .then((r) => ({ ...r, seconds: (Date.now() - packStarted) / 1000 }));
const depsPack = packDependencies([...Object.keys(manifest.dependencies ?? {}), ...EXTRA_ROOT_DEPS], deps, STEP_TIMEOUT_MS);
// handled here too, so a failure is reported by the test that awaits it, not as an unhandled rejection
for (const p of [repoDryRun, stagePack, depsPack]) p.catch(() => undefined);

t.test('the repository packs only dist/, README and package.json (files)', async (t) => {
  const r = await repoDryRun;
  t.equal(r.code, 0, r.stderr);
  const files = packJson(r.stdout)[0].files.map((f) => f.path);
  t.same(files.filter((f) => !f.startsWith('dist/') && !ALWAYS_PACKED.test(f)), [], 'nothing outside dist/ but README, LICENSE, package.json');
  t.ok(files.includes('README.md'), 'README.md is packed');
});

t.test('packed, installed offline, type-checked and run', async (t) => {
  const packed = await stagePack;
  t.equal(packed.code, 0, 'npm pack (with its prepack build)', { stderr: packed.stderr });
  if (packed.code !== 0) return;
  t.comment(`npm pack incl. build: ${packed.seconds.toFixed(1)} s`);
  const tsip: PackInfo = packJson(packed.stdout)[0];
  const files = tsip.files.map((f) => f.path);

  t.test('tarball contents', async (t) => {
    for (const f of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/include-types/index.js', 'dist/include-types/index.d.ts', 'dist/lib/cli/main.js', 'README.md', 'LICENSE', 'package.json']) {
      t.ok(files.includes(f), `has ${f}`);
    }
    t.same(files.filter((f) => !f.startsWith('dist/') && !ALWAYS_PACKED.test(f)), [], 'nothing but dist/, README, LICENSE, package.json');
    t.same(files.filter((f) => /(^|\/)(test|samples|bench)\//.test(f) || /\.test\./.test(f)), [], 'no tests, samples or benchmarks');
    t.same(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), [], 'no TypeScript sources');
    t.same(files.filter((f) => f.endsWith('.map')), [], 'no source maps pointing at sources that are not shipped');
  });

  const project = offlineProject({ tsip, tsipTarball: `../${tsip.filename}`, tsipManifest: manifest, extraRootDeps: EXTRA_ROOT_DEPS, deps: await depsPack, depsDirFromProject: '../deps' });
  writeFileSync(join(app, 'package.json'), JSON.stringify(project.packageJson, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(project.lock, null, 2));
  const installStarted = Date.now();
  const installed = await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app, timeoutMs: STEP_TIMEOUT_MS });
  t.equal(installed.code, 0, 'npm ci --offline', { stderr: installed.stderr });
  if (installed.code !== 0) return;
  t.comment(`npm ci --offline: ${((Date.now() - installStarted) / 1000).toFixed(1)} s`);
  const pkgDir = join(app, 'node_modules/tsip');

  t.test('no @internal declaration is published', async (t) => {
    const dts = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? dts(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []);
    const all = dts(join(pkgDir, 'dist'));
    t.ok(all.length > 50, `${all.length} declaration files`);
    t.same(all.filter((f) => readFileSync(f, 'utf8').includes('@internal')).map((f) => relative(pkgDir, f)), [], 'stripInternal removed them');
    // a known internal member: the stack's transport callback
    t.notMatch(readFileSync(join(pkgDir, 'dist/lib/stack/sip-stack.d.ts'), 'utf8'), /onParseError/);
  });

  t.test('a strict TypeScript program imports tsip and tsip/include-types and records a call', async (t) => {
    mkdirSync(join(app, 'src'));
    cpSync(join(import.meta.dirname, 'app/main.ts'), join(app, 'src/main.ts'));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2022', 'ESNext.Disposable'], module: 'NodeNext', moduleResolution: 'NodeNext',
        strict: true, skipLibCheck: false, types: ['node'], outDir: 'out', rootDir: 'src',
      },
      include: ['src'],
    }, null, 2));
    const checkStarted = Date.now();
    const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, timeoutMs: STEP_TIMEOUT_MS });
    t.equal(checked.code, 0, 'tsc (strict, skipLibCheck false) passes', { stdout: checked.stdout });
    t.comment(`tsc of the program: ${((Date.now() - checkStarted) / 1000).toFixed(1)} s`);
    if (checked.code !== 0) return;
    const ran = await run(process.execPath, ['out/main.js'], { cwd: app, timeoutMs: STEP_TIMEOUT_MS });
    t.equal(ran.code, 0, 'the program exits 0', { stdout: ran.stdout, stderr: ran.stderr });
    t.match(ran.stdout, /end Stopped, BYE 200, state complete, packets \d+,\d+/);
    t.match(ran.stdout, /packed recording complete/);
  });

  t.test('the installed tsip bin', async (t) => {
    const bin = join(app, 'node_modules/.bin/tsip');
    t.match(readFileSync(join(pkgDir, 'dist/lib/cli/main.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/, 'shebang kept by the build');
    const help = await run(bin, ['--help'], { cwd: app, timeoutMs: STEP_TIMEOUT_MS });
    t.equal(help.code, 0, help.stderr);
    t.match(help.stdout, /^usage: tsip <command>/);
    t.match(help.stdout, /\n {2}record {2}/);
    t.match(help.stdout, /\n {2}parse {3}/);
    const version = await run(bin, ['--version'], { cwd: app, timeoutMs: STEP_TIMEOUT_MS });
    t.equal(version.stdout.trim(), tsip.version, '--version is the package version');
    const unknown = await run(bin, ['no-such-command'], { cwd: app, timeoutMs: STEP_TIMEOUT_MS });
    t.equal(unknown.code, 2, 'unknown command: exit 2');
    const parsed = await run(bin, ['parse', join(repoRoot, 'test/conformance/rfc4475/mpart01.dat')], { cwd: app, timeoutMs: STEP_TIMEOUT_MS });
    t.equal(parsed.code, 0, parsed.stderr);
    t.match(parsed.stdout, /^MESSAGE sip:kumiko@example\.org SIP\/2\.0/);
    t.match(parsed.stdout, /part text\/plain/);
  });
});
