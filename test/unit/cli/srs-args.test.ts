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

t.test('--limit sets the SRS stack\'s limits (StackLimits and TransportLimits, repeatable); an unknown name or no number is refused', async (t) => {
  t.same(parseSrsArgs(['--limit', 'maxUnacknowledgedInvites=20000', '--limit', 'unacknowledgedGiveUpAfter=0']).settings.limits, { maxUnacknowledgedInvites: 20000, unacknowledgedGiveUpAfter: 0 });
  t.equal(parseSrsArgs([]).settings.limits, undefined, 'absent: the SRS defaults');
  t.throws(() => parseSrsArgs(['--limit', 'maxRecordings=5']), { name: 'CliUsageError', message: /no limit named maxRecordings/ });
  t.throws(() => parseSrsArgs(['--limit', 'maxDialogs=']), { name: 'CliUsageError', message: /needs a number/ });
  const both = parseSrsArgs(['--limit', 'udpReceiveBufferSize=4194304', '--limit', 'maxDialogs=5', '--limit', 'maxConnections=100']).settings;
  t.same(both.limits, { maxDialogs: 5 }, 'StackLimits names go to limits');
  t.same(both.transportLimits, { udpReceiveBufferSize: 4194304, maxConnections: 100 }, 'TransportLimits names go to transportLimits');
});

t.test('--durability sets storage.durability; anything but fsync or none is a usage error', async (t) => {
  t.same(parseSrsArgs(['--durability', 'none']).settings.storage, { durability: 'none' });
  t.same(parseSrsArgs(['--durability', 'fsync']).settings.storage, { durability: 'fsync' });
  t.equal(parseSrsArgs([]).settings.storage, undefined, 'absent: the SRS default (fsync)');
  t.throws(() => parseSrsArgs(['--durability', 'sometimes']), { name: 'CliUsageError', message: /--durability must be fsync or none \(not sometimes\)/ });
});
