/** The CLI servers' stack logger: warnings and errors printed once a second per message, repeats summed. */
import t from 'tap';
import { cliStackLogger } from '../../../lib/cli/stack-logger.js';

t.test('warn and error are printed with their data, repeats summed at stop; debug and info are not', async (t) => {
  const lines: string[] = [];
  const { logger, stop } = cliStackLogger((l) => lines.push(l));
  logger.debug('noise');
  logger.info('noise');
  for (let i = 0; i < 3; i++) logger.warn('transport: stream closed, framing failed', { id: i });
  logger.error('shutdown: sends still in flight', {});
  t.same(lines, ['warn: transport: stream closed, framing failed {"id":0}', 'error: shutdown: sends still in flight'], 'the first of each message, at once');
  stop();
  t.match(lines[2], /^warn: transport: stream closed, framing failed: 2 more in the last \d+\.\d s$/);
  t.equal(lines.length, 3);
});
