/** lib/cli/args.ts and lib/cli/run.ts in-process: strict options, usage errors → 2, help, version. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { choiceOption, CliUsageError, numberOption, parseCommandArgs } from '../../../lib/cli/args.js';
import { CliExit, type CliCommand } from '../../../lib/cli/command.js';
import { commands } from '../../../lib/cli/commands.js';
import { runCli, usage } from '../../../lib/cli/run.js';
import { TSIP_VERSION } from '../../../lib/stack/index.js';

/** Runs `fn` with console.log / console.error captured. */
async function captured(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const log = console.log;
  const error = console.error;
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => { out += a.join(' ') + '\n'; };
  console.error = (...a: unknown[]) => { err += a.join(' ') + '\n'; };
  try {
    return { code: await fn(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

t.test('parseCommandArgs is strict', async (t) => {
  const opts = { seconds: { type: 'string', default: '10' }, verbose: { type: 'boolean' } } as const;
  const { values, positionals } = parseCommandArgs(['--seconds', '3', 'f.sip'], opts, { min: 1, max: 1 });
  t.equal(values.seconds, '3');
  t.same(positionals, ['f.sip']);
  t.throws(() => parseCommandArgs(['--nope'], opts), CliUsageError, 'unknown option');
  t.throws(() => parseCommandArgs(['--seconds'], opts), CliUsageError, 'missing value');
  t.throws(() => parseCommandArgs([], opts, { min: 1, max: 1 }), { message: 'expected 1 argument, got 0' });
  t.throws(() => parseCommandArgs(['a', 'b'], opts, { min: 1, max: 1 }), CliUsageError);
  t.throws(() => parseCommandArgs(['a'], opts), { message: "unexpected argument 'a'" });
});

t.test('numberOption and choiceOption', async (t) => {
  t.equal(numberOption('seconds', '2.5', { min: 0, minExclusive: true, max: 3600 }), 2.5);
  t.equal(numberOption('seconds', undefined), undefined);
  t.throws(() => numberOption('seconds', '0', { min: 0, minExclusive: true, max: 3600 }), { message: '--seconds must be a number in (0, 3600] (not 0)' });
  t.throws(() => numberOption('seconds', 'ten', { min: 0 }), CliUsageError);
  t.throws(() => numberOption('seconds', '', { min: 0 }), CliUsageError);
  t.throws(() => numberOption('n', '1.5', { integer: true }), { message: /whole number/ });
  t.equal(choiceOption('codec', 'PCMA', ['pcmu', 'pcma']), 'pcma');
  t.throws(() => choiceOption('codec', 'gsm', ['pcmu', 'pcma']), { message: '--codec must be pcmu or pcma (not gsm)' });
});

const echo: CliCommand = {
  name: 'echo',
  summary: 'prints its arguments',
  help: 'usage: tsip echo [--fail] ARGS\n\nexit codes:\n  0 ok\n  1 --fail\n  2 bad arguments',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { fail: { type: 'boolean' }, boom: { type: 'boolean' } }, { max: 9 });
    if (values.boom) throw new Error('kaboom');
    console.log(positionals.join(' '));
    return values.fail ? CliExit.Failed : CliExit.Ok;
  },
};

t.test('runCli', async (t) => {
  const list = [echo];
  t.same(await captured(() => runCli(['echo', 'a', 'b'], list)), { code: 0, out: 'a b\n', err: '' });
  t.equal((await captured(() => runCli(['echo', '--fail'], list))).code, 1);
  const help = await captured(() => runCli(['echo', 'x', '--help'], list));
  t.same(help, { code: 0, out: echo.help + '\n', err: '' }, '--help anywhere before -- prints the help');
  t.same(await captured(() => runCli(['echo', '--', '--help'], list)), { code: 0, out: '--help\n', err: '' }, 'after -- it is an argument');
  t.same((await captured(() => runCli(['help', 'echo'], list))).out, echo.help + '\n');
  const bad = await captured(() => runCli(['echo', '--nope'], list));
  t.equal(bad.code, 2);
  t.match(bad.err, /^tsip echo: Unknown option '--nope'.*\nrun 'tsip echo --help' for the options\n$/s);
  const boom = await captured(() => runCli(['echo', '--boom'], list));
  t.same(boom, { code: 1, out: '', err: 'tsip echo: kaboom\n' }, 'an unexpected error: exit 1 with its message');
  const none = await captured(() => runCli([], list));
  t.equal(none.code, 2);
  t.match(none.err, /no command given/);
  t.same(await captured(() => runCli(['--version'], list)), { code: 0, out: TSIP_VERSION + '\n', err: '' });
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  t.equal(TSIP_VERSION, pkg.version, '--version prints the package version');
  t.equal((await captured(() => runCli(['help'], list))).code, 0);
});

t.test('the real command list: unique names, help with exit codes', async (t) => {
  const names = commands.map((c) => c.name);
  t.same([...new Set(names)], names, 'unique names');
  for (const c of commands) {
    t.match(c.name, /^[a-z][a-z0-9-]*$/);
    t.notMatch(c.summary, /\n/, `${c.name}: one-line summary`);
    t.match(c.help, /^usage: tsip /, `${c.name}: help starts with usage`);
    t.match(c.help, /exit codes:[\s\S]*\b0\b[\s\S]*\b1\b[\s\S]*\b2\b/, `${c.name}: help documents exit codes 0, 1, 2`);
    t.match(usage(commands), c.summary);
  }
});
