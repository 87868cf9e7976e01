/**
 * The interop harness's pure parts, without SIPp or Kamailio: template rendering, SIPp statistic
 * parsing, argument building and the missing-tool message. These run everywhere, so a broken
 * harness shows up even on a machine without the tools.
 */
import { createSocket } from 'node:dgram';
import t from 'tap';
import {
  buildOptions,
  isListening,
  missingToolMessage,
  parseSippCsv,
  parseSippDuration,
  parseSippScreen,
  renderTemplate,
  requireKamailioModules,
  requireTool,
  sippArgs,
  startSipp,
  templatePlaceholders,
} from './lib/index.js';

t.test('renderTemplate fills placeholders and refuses unknown ones', async (t) => {
  t.equal(renderTemplate('listen=udp:{{HOST}}:{{PORT}}', { HOST: '127.0.0.1', PORT: 5070 }), 'listen=udp:127.0.0.1:5070');
  t.throws(() => renderTemplate('x={{NOPE}}', {}), /NOPE/);
  t.same(templatePlaceholders('{{A}} {{B_2}} {{A}} {x}'), ['A', 'B_2']);
  t.equal(renderTemplate('u={{USER1=alice}} p={{PW=}}', {}), 'u=alice p=', 'defaults apply when no value is given');
  t.equal(renderTemplate('u={{USER1=alice}}', { USER1: 'carol' }), 'u=carol', 'a value beats the default');
});

t.test('parseSippDuration', async (t) => {
  t.equal(parseSippDuration('00:00:02:500000'), 2.5);
  t.equal(parseSippDuration('01:00:00'), 3600);
  t.ok(Number.isNaN(parseSippDuration('n/a')));
});

t.test('parseSippCsv takes the last dump', async (t) => {
  const header =
    'StartTime;CurrentTime;ElapsedTime(C);CallRate(C);IncomingCall(C);OutgoingCall(C);TotalCallCreated;' +
    'SuccessfulCall(C);FailedCall(C);FailedMaxUDPRetrans(C);ResponseTime1(C);CallLength(C);';
  const csv = [
    header,
    '2026-11-25\t06:00:00.000000\t100.000000;2026-11-25\t06:00:01.000000\t101.000000;00:00:01;5;0;5;5;4;0;0;00:00:00:001000;00:00:01:000000;',
    '2026-11-25\t06:00:00.000000\t100.000000;2026-11-25\t06:00:02.500000\t102.500000;00:00:02;8;0;10;10;8;2;2;00:00:00:002000;00:00:01:250000;',
    '',
  ].join('\n');
  const s = parseSippCsv(csv);
  t.ok(s);
  t.equal(s?.successful, 8);
  t.equal(s?.failed, 2);
  t.equal(s?.created, 10);
  t.equal(s?.callRate, 8);
  t.equal(s?.elapsedSeconds, 2.5, 'from the microsecond epochs, not the whole-second column');
  t.equal(s?.responseTimeMs, 2);
  t.equal(s?.callLengthMs, 1250);
  t.same(s?.failureReasons, { FailedMaxUDPRetrans: 2 });
  t.equal(parseSippCsv(header), undefined, 'header only: no data');
});

t.test('parseSippScreen reads the last statistics screen', async (t) => {
  const screen = [
    '  Call Rate              |    0.000 cps              |    9.955 cps             ',
    '  Total Calls created    |                           |       20                 ',
    '  Successful call        |        0                  |       19                 ',
    '  Failed call            |        0                  |        1                 ',
  ].join('\n');
  const s = parseSippScreen(screen);
  t.equal(s?.successful, 19);
  t.equal(s?.failed, 1);
  t.equal(s?.created, 20);
  t.equal(s?.callRate, 9.955);
  t.equal(parseSippScreen('nothing here'), undefined);
});

t.test('sippArgs: bounded, explicit ports, built-in vs file scenario', async (t) => {
  const a = sippArgs(
    { scenario: 'uac', target: { host: '127.0.0.1', port: 5080 }, calls: 5, rate: 2, timeoutSeconds: 7, transport: 'tn' },
    { local: 40000, media: 40010, control: 40020 },
    { dir: '/tmp/x' },
  );
  const at = (flag: string) => a[a.indexOf(flag) + 1];
  t.equal(at('-sn'), 'uac');
  t.equal(at('-m'), '5');
  t.equal(at('-timeout'), '7s');
  t.equal(at('-p'), '40000');
  t.equal(at('-mp'), '40010');
  t.equal(at('-cp'), '40020');
  t.equal(at('-max_socket'), '1000', 'per-call sockets get a socket cap SIPp accepts');
  t.equal(a[a.length - 1], '127.0.0.1:5080', 'target last');
  const b = sippArgs({ scenario: '/x/srs-uas.xml', calls: 1, timeoutSeconds: 3 }, { local: 1, media: 2, control: 3 }, { dir: '/tmp/y' });
  t.equal(b[b.indexOf('-sf') + 1], '/x/srs-uas.xml');
  t.notOk(b.includes('-max_socket'));
});

t.test('a missing tool fails the test loudly, naming the fix', async (t) => {
  t.match(missingToolMessage('sipp'), /npm run test:interop/);
  t.match(missingToolMessage('kamailio'), /install-interop-tools\.sh/);
  const failures: string[] = [];
  const saved = process.env.TSIP_INTEROP_HIDE;
  process.env.TSIP_INTEROP_HIDE = 'sipp,kamailio';
  const errors: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void errors.push(...args);
  try {
    const fake = { fail: (m: string) => failures.push(m) };
    t.equal(requireTool(fake, 'sipp'), false, 'the caller is told not to go on');
    t.equal(requireKamailioModules(fake, ['presence']), false);
  } finally {
    console.error = consoleError;
    if (saved === undefined) delete process.env.TSIP_INTEROP_HIDE;
    else process.env.TSIP_INTEROP_HIDE = saved;
  }
  t.equal(failures.length, 2, 'each call FAILS the test (no skip)');
  t.match(failures[0], /INTEROP TOOL MISSING: 'sipp'.*npm run test:interop/);
  t.match(failures[1], /INTEROP TOOL MISSING: 'kamailio'/);
  t.match(String(errors[0]), /\*\*\* INTEROP TOOL MISSING/, 'and says so on stderr, outside the TAP stream');
});

t.test('buildOptions is a well-formed OPTIONS request', async (t) => {
  const m = buildOptions('127.0.0.1', 5060, 40000);
  t.match(m, /^OPTIONS sip:127\.0\.0\.1:5060 SIP\/2\.0\r\n/);
  t.match(m, /\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:40000;branch=z9hG4bK/);
  t.ok(m.endsWith('Content-Length: 0\r\n\r\n'));
});

t.test('a SIPp UAS whose port is taken is not reported ready', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => sock.close());
  const port = sock.address().port;
  t.ok(isListening(port, 'udp'), 'our socket shows in /proc/net/udp');
  t.notOk(isListening(port, 'udp', process.pid + 1_000_000), 'but not as a socket of another pid');
  const run = await startSipp({ scenario: 'uas', localPort: port, calls: 1, timeoutSeconds: 5 });
  await t.rejects(run.ready, /exited early/, 'ready rejects: SIPp could not bind');
  t.equal((await run.result).exitCode, 254, 'SIPp exit code for a bind error');
});
