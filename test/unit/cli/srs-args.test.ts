/** `tsip srs` options that set SRS limits (lib/cli/srs.ts parseSrsArgs). */
import t from 'tap';
import { parseSrsArgs } from '../../../lib/cli/srs.js';
import { CliUsageError } from '../../../lib/cli/args.js';

t.test('--max-unconfirmed sets maxUnconfirmedSessions (0 = off); absent, the SRS default applies', async (t) => {
  t.equal(parseSrsArgs(['--max-unconfirmed', '50']).settings.maxUnconfirmedSessions, 50);
  t.equal(parseSrsArgs(['--max-unconfirmed', '0']).settings.maxUnconfirmedSessions, 0);
  t.equal(parseSrsArgs([]).settings.maxUnconfirmedSessions, undefined);
  for (const bad of ['-1', '2.5', 'many']) t.throws(() => parseSrsArgs([`--max-unconfirmed=${bad}`]), CliUsageError, `refused: ${bad}`);
});
