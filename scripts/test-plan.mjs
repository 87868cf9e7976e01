/**
 * What a plain `npm test` hands to tap: the compiled test files of `.tbuild/test/`, arranged so the
 * suite fits a 2-core machine.
 *
 * Why: tap runs every file in its own Node process, and each process pays before its first test:
 * tap's process-info hook (@tapjs/processinfo, a module-hooks thread, always preloaded: ~0.7–0.9 s
 * of CPU), loading tap (~0.3 s) and loading the library (~0.6 s). The unit and conformance files are
 * pure: no process-wide state (env, signal handlers, exit codes, globals, console), no real waits,
 * sockets only on ephemeral loopback ports; so are most system files (ALONE lists the others). So
 * the files of each folder run as a *group*: one generated file that imports them in order, in one
 * process, under tap's one root test. Every `t.test` and every assertion of every file still runs
 * and is counted (tap's summary counts assertions, not files; each group adds one: all its files
 * loaded); a failure fails the group and names the test's source file and line.
 *
 * The few files that take the longest (measured, see LONG_FIRST) are started first through a
 * one-line proxy under `.tbuild/first/`: tap starts files in sorted path order, and a 60–90 s file
 * started last would leave the other jobs idle at the end.
 *
 * Everything else (interop, ALONE) runs as before, one process per file.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The folders (relative to test/) whose files run grouped, with the most files in one group: it keeps
 * a group's wall time well under tap's per-process timeout (system files do real I/O and take longer).
 */
const GROUPED_ROOTS = { unit: 16, conformance: 16, system: 8 };

/**
 * Files of the grouped folders that keep a process of their own: they set process-wide state
 * (process.env, console, the root test's timeout), start browsers, or spawn child processes (the
 * samples, the CLI, npm), which makes them the slow ones that should run next to the groups. A new
 * unit or system test file that does any of this must be added here.
 */
const ALONE = new Set([
  'system/api/samples.test.js',
  'system/b2bua/b2bua-calls.test.js',
  'system/b2bua/sample.test.js',
  'system/cli/tls-cli.test.js',
  'system/cli/tsip-cli.test.js',
  'system/package/packed-install.test.js',
  'system/samples/parse-siprec-invite.test.js',
  'system/samples/status-page.test.js',
  'system/siprec/live-levels-sample.test.js',
  'system/siprec/record-demo.test.js',
  'system/siprec/src-metrics.test.js',
  'system/siprec/srs-sample.test.js',
  'system/siprec/srs-service.test.js',
  'system/siprec/status-page-browser.test.js',
]);

/**
 * A group's bound (tap's `timeout`, 180 s, is per process and meant for one file). Grouped files take
 * 10–95 s per group on the 2-core machine under a load of ~30; a hang still ends the group.
 */
const GROUP_TIMEOUT_MS = 300_000;

/**
 * The slowest files, started first so the jobs finish together (wall seconds of a full run on the
 * 2-core machine under a load of ~25: packed-install 313, tsip-cli 181, api/samples 122, interop
 * api-samples 99, srs-cluster-kill 55, b2bua-baresip 39, srs-cluster-drain 36, browser-jssip 36;
 * b2bua-calls hung in that run and was killed at the timeout). Paths relative to test/.
 */
export const LONG_FIRST = [
  'system/package/packed-install.test.js',
  'system/cli/tsip-cli.test.js',
  'system/api/samples.test.js',
  'interop/api-samples.test.js',
  'interop/srs-cluster-kill.test.js',
  'interop/b2bua-baresip.test.js',
  'interop/srs-cluster-drain.test.js',
  'interop/browser-jssip.test.js',
];

async function listTests(dir) {
  const out = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listTests(full)));
    else if (entry.name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

/**
 * Folders in order, consecutive small ones of one root packed together up to its group size, a larger one split
 * evenly. A group is named after its folders (`unit-api+architecture`, `unit-siprec-1`).
 */
function packGroups(byFolder) {
  const groups = [];
  let current = null;
  const label = (folder) => folder.replace(/\//g, '-');
  for (const [folder, members] of byFolder) {
    const max = GROUPED_ROOTS[folder.split('/')[0]];
    if (members.length > max) {
      const chunks = Math.ceil(members.length / max);
      const size = Math.ceil(members.length / chunks);
      for (let i = 0; i < chunks; i++) {
        groups.push({ name: `${label(folder)}-${i + 1}`, files: members.slice(i * size, (i + 1) * size) });
      }
      current = null;
    } else if (current && current.max === max && current.files.length + members.length <= max) {
      current.files.push(...members);
      current.name += `+${label(folder).replace(/^(unit|system)-/, '')}`;
    } else {
      current = { name: label(folder), files: [...members], max };
      groups.push(current);
    }
  }
  return groups;
}

/**
 * The generated file of one group. Its first root subtest holds the root test until every file is
 * loaded: tap ends the root by itself once it is idle and some file added a root `t.teardown`, and
 * the tests of files still loading at that moment would be lost without a failure. Held, each file's
 * tests queue up and then run in order. The holder asserts that every file loaded.
 */
function groupFile(imports) {
  return `// generated by scripts/test-plan.mjs: these compiled test files run in this one process, in order;
// their tests all join this process's root test (a failure names its test file and line).
import t from 'tap';

t.setTimeout(${GROUP_TIMEOUT_MS});
const files = ${JSON.stringify(imports, null, 2)};
let loaded;
const loading = new Promise((resolve) => (loaded = resolve));
t.test(\`load the \${files.length} test files of this group\`, async (t) => {
  t.same(await loading, [], 'every file loaded');
});
const failed = [];
for (const file of files) {
  try {
    await import(file);
  } catch (e) {
    failed.push(\`\${file}: \${e instanceof Error ? e.stack : String(e)}\`);
  }
}
loaded(failed);
`;
}

/** `a/b/c.test.js` relative to test/ → posix path string. */
const posix = (p) => p.split(path.sep).join('/');

/**
 * Writes the group files and the first-proxies under `outDir` (the compiled tree) and returns the
 * test files tap should run, relative to `root`.
 */
export async function writeTestPlan(root, outDir) {
  const testDir = path.join(outDir, 'test');
  const all = (await listTests(testDir)).map((f) => posix(path.relative(testDir, f)));
  const grouped = new Map();
  const alone = [];
  for (const rel of all) {
    const top = rel.split('/')[0];
    if (!(top in GROUPED_ROOTS) || ALONE.has(rel)) {
      alone.push(rel);
      continue;
    }
    const folder = path.posix.dirname(rel);
    if (!grouped.has(folder)) grouped.set(folder, []);
    grouped.get(folder).push(rel);
  }

  const files = [];
  for (const rel of alone) {
    if (LONG_FIRST.includes(rel)) {
      // first/<rank>/<path>: tap sorts by path, so the rank keeps LONG_FIRST's order
      const rank = String(LONG_FIRST.indexOf(rel) + 1).padStart(2, '0');
      const proxy = path.join(outDir, 'first', rank, rel);
      await mkdir(path.dirname(proxy), { recursive: true });
      const target = posix(path.relative(path.dirname(proxy), path.join(testDir, rel)));
      await writeFile(proxy, `// generated by scripts/test-plan.mjs: started first, it is one of the slowest files\nimport '${target}';\n`);
      files.push(proxy);
    } else {
      files.push(path.join(testDir, rel));
    }
  }

  const groupDir = path.join(outDir, 'grouped');
  await mkdir(groupDir, { recursive: true });
  for (const group of packGroups(grouped)) {
    const file = path.join(groupDir, `${group.name}.test.js`);
    await writeFile(file, groupFile(group.files.map((rel) => `../test/${rel}`)));
    files.push(file);
  }
  return files.map((f) => posix(path.relative(root, f)));
}
