/**
 * Finding the third-party SIP peers (SIPp, Kamailio) the interop tests and benchmarks run against.
 *
 * The tools come from Debian packages installed by `scripts/install-interop-tools.sh`
 * (`npm run test:interop` runs it). CI always installs them, so a missing tool is a broken
 * machine, not an optional feature: {@link requireTool} fails the test loudly instead of skipping.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The external programs the interop suite drives. */
export type ToolName = 'sipp' | 'kamailio' | 'baresip';

/** Where the Debian packages put them; searched before $PATH because /usr/sbin is often not on it. */
const KNOWN_PATHS: Record<ToolName, readonly string[]> = {
  sipp: ['/usr/bin/sipp'],
  kamailio: ['/usr/sbin/kamailio'],
  baresip: ['/usr/bin/baresip'],
};

/** Kamailio module directories of the Debian package (multiarch first), then upstream's default. */
const KAMAILIO_MODULE_DIRS = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib/kamailio/modules',
  '/usr/local/lib64/kamailio/modules',
  '/usr/local/lib/kamailio/modules',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Absolute path of `name`, or undefined when it is not installed. `TSIP_SIPP` / `TSIP_KAMAILIO`
 * point at another binary; `TSIP_INTEROP_HIDE=sipp,kamailio` makes the tools look missing (to
 * see, and test, what a machine without them reports).
 */
export function toolPath(name: ToolName): string | undefined {
  if ((process.env.TSIP_INTEROP_HIDE ?? '').split(',').includes(name)) return undefined;
  const env = process.env[`TSIP_${name.toUpperCase()}`];
  if (env && isExecutable(env)) return env;
  for (const p of KNOWN_PATHS[name]) if (isExecutable(p)) return p;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** True when the tool is installed and executable. */
export function hasTool(name: ToolName): boolean {
  return toolPath(name) !== undefined;
}

/** Directory holding Kamailio's `*.so` modules, or undefined. */
export function kamailioModuleDir(): string | undefined {
  const env = process.env.TSIP_KAMAILIO_MODULES;
  if (env && existsSync(join(env, 'tm.so'))) return env;
  return KAMAILIO_MODULE_DIRS.find((d) => existsSync(join(d, 'tm.so')));
}

/** The message a test prints when a tool is missing: says exactly how to fix it. */
export function missingToolMessage(name: ToolName): string {
  if (name === 'baresip') {
    return (
      `INTEROP TOOL MISSING: 'baresip' is not installed. The recording B2BUA interop test drives two ` +
      `baresip phones: \`apt-get install baresip-core\` (scripts/install-interop-tools.sh installs it).`
    );
  }
  return (
    `INTEROP TOOL MISSING: '${name}' is not installed. The interop tests need SIPp and Kamailio ` +
    `(Debian packages sip-tester, kamailio, kamailio-presence-modules). Run \`npm run test:interop\` ` +
    `(it runs scripts/install-interop-tools.sh as root, then the interop tests), or ` +
    `\`sudo bash scripts/install-interop-tools.sh\` and then \`npm test\`.`
  );
}

/** The smallest slice of a tap `Test` that {@link requireTool} needs (keeps this file tap-agnostic). */
export interface FailingTest {
  fail(message: string): unknown;
}

/**
 * Asserts the tool is installed. When it is not, the test FAILS with a loud message (never a silent
 * skip: a skipped interop suite looks green on CI while proving nothing). Returns whether the
 * caller can go on, so a test body reads `if (!requireTool(t, 'sipp')) return;`.
 */
export function requireTool(t: FailingTest, name: ToolName): boolean {
  if (hasTool(name)) {
    if (name === 'kamailio' && kamailioModuleDir() === undefined) {
      t.fail(`${missingToolMessage(name)} (kamailio binary found but no module directory with tm.so)`);
      return false;
    }
    return true;
  }
  const msg = missingToolMessage(name);
  console.error(`\n*** ${msg}\n`);
  t.fail(msg);
  return false;
}

/**
 * Asserts Kamailio and the named modules (e.g. `presence`, which ships in the separate Debian
 * package kamailio-presence-modules) are installed; fails loudly like {@link requireTool}.
 */
export function requireKamailioModules(t: FailingTest, modules: readonly string[]): boolean {
  if (!requireTool(t, 'kamailio')) return false;
  const dir = kamailioModuleDir() as string;
  const missing = modules.filter((m) => !existsSync(join(dir, `${m}.so`)));
  if (missing.length === 0) return true;
  const msg = `${missingToolMessage('kamailio')} Missing Kamailio modules in ${dir}: ${missing.join(', ')}.`;
  console.error(`\n*** ${msg}\n`);
  t.fail(msg);
  return false;
}
