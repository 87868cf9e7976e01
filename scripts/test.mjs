/**
 * `npm test`: compiles the sources to `.tbuild/` (scripts/build-tests.mjs) and runs tap on the
 * compiled test files, so each test process starts on plain Node, without tsx's loader.
 *
 * The whole suite (no test file named) runs as scripts/test-plan.mjs arranges it: the unit,
 * conformance and most system files grouped, one process per folder (`.tbuild/grouped/*.test.js`,
 * every test and assertion of each file still runs and counts), the slowest files started first
 * (`.tbuild/first/`), the rest (interop, files that spawn programs or set process-wide state) one
 * process each. tap's 4 jobs run these side by side.
 *
 * `npm test -- test/unit/x.test.ts [more files or tap options]` runs the named test files (their
 * compiled twins), each in its own process; tap options pass through. TSIP_TEST_BUILD tells test
 * helpers the compiled tree exists, so the children they spawn (samples, the CLI) start from it too
 * (test/helpers/ts-entry.ts).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUT_DIR, buildTests } from './build-tests.mjs';
import { writeTestPlan } from './test-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const t0 = Date.now();
const count = await buildTests();
console.log(`# compiled ${count} TypeScript files to .tbuild/ in ${Date.now() - t0} ms`);

/** A test file named by its source path runs as its compiled twin; anything else passes through. */
const args = process.argv.slice(2).map((arg) => {
  if (arg.startsWith('-') || !/\.test\.ts$/.test(arg)) return arg;
  const rel = path.relative(root, path.resolve(arg));
  return path.join(path.relative(root, OUT_DIR), rel.replace(/\.ts$/, '.js'));
});

/** Something that names test files (a path or a glob), as opposed to a tap option or its value. */
const namesFiles = (arg) => !arg.startsWith('-') && /[/*]|\.[cm]?[jt]s$/.test(arg);
if (!args.some(namesFiles)) {
  // The whole suite: grouped unit files, slowest files first (scripts/test-plan.mjs).
  args.unshift(...(await writeTestPlan(root, OUT_DIR)));
}

const tapBin = path.join(root, 'node_modules', '.bin', 'tap');
const child = spawn(process.execPath, [tapBin, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TSIP_TEST_BUILD: OUT_DIR },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => { process.exitCode = code ?? (signal ? 1 : 0); });
