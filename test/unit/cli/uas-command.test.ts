/**
 * `tsip uas` arguments: bad ones exit 2 with the help, conflicting stream ports are refused, and
 * the command is listed in lib/cli/commands.ts.
 */
import t from 'tap';
import { commands } from '../../../lib/cli/commands.js';
import { uasCommand } from '../../../lib/cli/uas.js';
import { CliExit } from '../../../lib/cli/command.js';

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
