/**
 * `tsip uas` arguments: bad ones exit 2 with the help, conflicting stream ports are refused, and
 * the command is listed in lib/cli/commands.ts.
 */
import t from 'tap';
import { commands } from '../../../lib/cli/commands.js';
import { uasCommand } from '../../../lib/cli/uas.js';
import { CliExit } from '../../../lib/cli/command.js';
import { readFileSync } from 'node:fs';

async function usage(argv: string[]): Promise<{ code: number; err: string }> {
  const original = console.error;
  let err = '';
  console.error = (...a: unknown[]) => void (err += a.join(' '));
  try {
    return { code: await uasCommand.run(argv), err };
  } finally {
    console.error = original;
  }
}

t.test('bad arguments exit with Usage and say why', async (t) => {
  t.match(await usage(['--transport', 'sctp']), { code: CliExit.Usage, err: /udp, tcp, tls, ws, wss/ });
  t.match(await usage(['--port', '70000']), { code: CliExit.Usage, err: /--port must be 0\.\.65535/ });
  t.match(await usage(['--transport', 'tcp,ws', '--port', '5070']), { code: CliExit.Usage, err: /different ports/ });
  t.match(await usage(['--transport', 'wss']), { code: CliExit.Usage, err: /--tls-cert/ });
  t.match(await usage(['--hangup-after', 'soon']), { code: CliExit.Usage, err: /--hangup-after/ });
  t.match(await usage(['--bogus']), { code: CliExit.Usage, err: /usage: tsip uas/ });
  t.match(await usage(['--limit', 'maxCalls=5']), { code: CliExit.Usage, err: /no limit named maxCalls \(one of maxServerTransactions, .*unacknowledgedGiveUpAfter/ });
  t.match(await usage(['--limit', 'maxDialogs']), { code: CliExit.Usage, err: /--limit maxDialogs needs a number/ });
  t.match(await usage(['--limit', 'maxDialogs=lots']), { code: CliExit.Usage, err: /--limit maxDialogs needs a number/ });
});

t.test('--limit: a value the stack refuses is a start failure with its reason', async (t) => {
  t.match(await usage(['--port', '0', '--limit', 'unacknowledgedGiveUpAfter=-1']), { code: CliExit.Failed, err: /cannot start: unacknowledgedGiveUpAfter must be a whole number/ });
});

t.test('uas is a listed tsip command with help', async (t) => {
  t.ok(commands.includes(uasCommand));
  t.equal(uasCommand.name, 'uas');
  t.match(uasCommand.help, /--transport LIST/);
  t.match(uasCommand.help, /ws, wss/);
});

t.test('--limit takes the transport limits too: a UDP receive buffer the OS caps is a warning on stderr', { skip: process.platform !== 'linux' && 'the cap is read from Linux sysctls' }, async (t) => {
  const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  let code: number;
  try {
    const running = uasCommand.run(['--host', '127.0.0.1', '--port', '0', '--transport', 'udp', '--limit', `udpReceiveBufferSize=${rmemMax * 2}`]);
    for (let i = 0; i < 200 && !out.some((l) => l.includes('listening')); i++) await new Promise((r) => setTimeout(r, 10));
    process.emit('SIGTERM');
    code = await running;
  } finally {
    console.log = log;
    console.error = error;
  }
  t.equal(code, CliExit.Ok);
  const warning = err.find((l) => l.startsWith('warn: transport: the OS granted a UDP socket less receive buffer'));
  t.ok(warning, 'the stack\'s warning is printed', { err });
  t.match(warning, `"asked":${rmemMax * 2},"granted":${rmemMax}`);
  t.match(out.at(-1), /udpKernelDrops=0$/, 'the final report says what the OS dropped');
  t.match(await usage(['--port', '0', '--limit', 'udpReceiveBufferSize=-1']), { code: CliExit.Failed, err: /cannot start: limit udpReceiveBufferSize must be a non-negative integer/ });
});
