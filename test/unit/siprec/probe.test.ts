/**
 * The probe's pure parts: target and --listen parsing, the grading of the SRC-side checks on
 * hand-made INVITEs and metadata (each broken rule at the level its RFC keyword gives), and the
 * report's text form.
 */
import t from 'tap';
import { srsTarget } from '../../../lib/siprec/probe/srs-runner.js';
import { parseListen } from '../../../lib/cli/probe.js';
import { ProbeResults, formatReport } from '../../../lib/siprec/probe/results.js';
import { checkSrcBody, checkSrcHeaders, checkSrcOffer } from '../../../lib/siprec/probe/src-checks-invite.js';
import { checkSrcMetadata, SrcMetadataTrack } from '../../../lib/siprec/probe/src-checks-metadata.js';
import { ProbeSession, brokenMetadata, bodyElements, inviteHeaders } from '../../../lib/siprec/probe/srs-offer.js';
import { MessageElements } from '../../../lib/api/index.js';
import { buildMetadata, MetadataBuilder } from '../../../lib/siprec/metadata/index.js';

const levelOf = (r: ProbeResults, id: string): string | undefined => r.all.find((x) => x.id === id)?.level;

t.test('srsTarget: URI forms and transport', async (t) => {
  t.same(srsTarget('sip:127.0.0.1:5090'), { uri: 'sip:srs@127.0.0.1:5090', host: '127.0.0.1', port: 5090, transport: 'udp', sips: false });
  t.same(srsTarget('127.0.0.1:5090', 'tcp'), { uri: 'sip:srs@127.0.0.1:5090;transport=tcp', host: '127.0.0.1', port: 5090, transport: 'tcp', sips: false });
  t.same(srsTarget('sip:rec@[::1]:5070;transport=tcp'), { uri: 'sip:rec@[::1]:5070;transport=tcp', host: '::1', port: 5070, transport: 'tcp', sips: false });
  // TLS: sips: keeps its scheme and takes no transport parameter (RFC 5630 §3.1.3); ;transport=tls or --transport tls
  t.same(srsTarget('sips:srs.example.com:5061'), { uri: 'sips:srs@srs.example.com:5061', host: 'srs.example.com', port: 5061, transport: 'tls', sips: true });
  t.same(srsTarget('sip:127.0.0.1:5061;transport=TLS'), { uri: 'sip:srs@127.0.0.1:5061;transport=tls', host: '127.0.0.1', port: 5061, transport: 'tls', sips: false });
  t.same(srsTarget('127.0.0.1:5061', 'tls').uri, 'sip:srs@127.0.0.1:5061;transport=tls');
  t.throws(() => srsTarget('sips:127.0.0.1:5061', 'udp'), RangeError, 'sips: over UDP');
  t.throws(() => srsTarget('http://x'), RangeError);
});

t.test('parseListen', async (t) => {
  t.same(parseListen('127.0.0.1:5090'), { host: '127.0.0.1', port: 5090 });
  t.same(parseListen('[::1]:0'), { host: '::1', port: 0 });
  for (const bad of ['localhost:5090', '127.0.0.1', '0.0.0.0:5090', '127.0.0.1:70000']) t.throws(() => parseListen(bad), RangeError, bad);
});

function srcInvite(opts: { require?: boolean; srcTag?: boolean; labels?: string[]; metaLabels?: string[]; disposition?: boolean } = {}): MessageElements {
  const session = new ProbeSession('127.0.0.1', [4000, 4002]);
  let sdp = session.sdp(false, false);
  (opts.labels ?? []).forEach((l, i) => { sdp = sdp.replace(`a=label:${i + 1}\r\n`, l === '' ? '' : `a=label:${l}\r\n`); });
  const md = new MetadataBuilder({ callId: 'c', participants: [{ key: 'a', aor: 'sip:a@x' }], streams: (opts.metaLabels ?? ['1', '2']).map((label) => ({ label, sender: 'a' })) });
  const xml = buildMetadata(md.complete());
  const me = bodyElements(inviteHeaders(opts.require === false ? { require: undefined } : {}), sdp, xml);
  if (opts.disposition === false) {
    const text = me.content!.toString('utf8').replace('Content-Disposition: recording-session\r\n', '');
    me.setContent(text, me.contentType!);
  }
  me.addHeader('Contact', `<sip:src@127.0.0.1:5060>${opts.srcTag === false ? '' : ';+sip.src'}`);
  return me;
}

t.test('SRC INVITE checks: a conformant INVITE passes', async (t) => {
  const r = new ProbeResults();
  const me = srcInvite();
  checkSrcHeaders(r, me);
  const body = checkSrcBody(r, me)!;
  checkSrcOffer(r, body.sdp!);
  const track = new SrcMetadataTrack();
  track.add(body.metadata!);
  checkSrcMetadata(r, track, ['1', '2']);
  t.same(r.all.filter((x) => x.level !== 'PASS').map((x) => `${x.id}: ${x.message}`), []);
});

t.test('SRC INVITE checks: each broken rule at its level', async (t) => {
  const cases: [string, Parameters<typeof srcInvite>[0], string, string][] = [
    ['no Require', { require: false }, 'src-require', 'FAIL'],
    ['no +sip.src', { srcTag: false }, 'src-contact', 'FAIL'],
    ['no disposition', { disposition: false }, 'src-metadata-part', 'FAIL'],
    ['an m-line without label', { labels: ['', '2'] }, 'src-sdp-labels', 'FAIL'],
  ];
  for (const [what, opts, id, level] of cases) {
    const r = new ProbeResults();
    const me = srcInvite(opts);
    checkSrcHeaders(r, me);
    const body = checkSrcBody(r, me);
    if (body?.sdp) checkSrcOffer(r, body.sdp);
    t.equal(levelOf(r, id), level, `${what}: ${id} ${level}`);
    t.same(r.all.filter((x) => x.level === 'FAIL').map((x) => x.id), [id], `${what}: no other FAIL`);
  }
  const r = new ProbeResults();
  checkSrcOffer(r, new ProbeSession('127.0.0.1', [4000, 4002]).sdp(false, false).replaceAll('a=sendonly', 'a=sendrecv'));
  t.equal(levelOf(r, 'src-sdp-sendonly'), 'WARN', 'sendrecv offer: a WARN (RFC 7866 says "typically" sendonly)');
});

t.test('SRC metadata checks', async (t) => {
  const good = new MetadataBuilder({ callId: 'c', participants: [{ key: 'a', aor: 'sip:a@x' }, { key: 'b', aor: 'sip:b@x' }], streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }] });
  const run = (xml: string | undefined, labels: string[]): ProbeResults => {
    const r = new ProbeResults();
    const track = new SrcMetadataTrack();
    if (xml !== undefined) track.add(Buffer.from(xml));
    checkSrcMetadata(r, track, labels);
    return r;
  };
  const complete = buildMetadata(good.complete());
  t.equal(levelOf(run(complete, ['1', '2', '3']), 'src-metadata-streams'), 'FAIL', 'an SDP label with no <stream>');
  t.equal(levelOf(run(complete, ['1']), 'src-metadata-streams'), 'WARN', 'a <stream> with no m-line');
  t.equal(levelOf(run(undefined, ['1']), 'src-metadata-valid'), 'FAIL', 'no metadata at all');
  t.equal(levelOf(run(brokenMetadata(complete), ['1', '2']), 'src-metadata-valid'), 'FAIL', 'not well-formed');
  const dangling = complete.replace(/<send>[^<]+<\/send>/, '<send>bm9zdWNoc3RyZWFt</send>');
  t.equal(levelOf(run(dangling, ['1', '2']), 'src-metadata-valid'), 'FAIL', 'a dangling stream reference is refused by the parser');
  const unsent = complete.replace(/<send>[^<]+<\/send>/, '');
  t.equal(levelOf(run(unsent, ['1', '2']), 'src-metadata-participants'), 'WARN', 'a stream nobody sends');
  const track = new SrcMetadataTrack();
  track.add(Buffer.from(complete));
  t.notOk(track.stopped);
  track.add(Buffer.from(buildMetadata(good.sessionEnded())));
  t.ok(track.stopped, 'stop-time seen in a partial update');
});

t.test('formatReport: one line per check and a summary', async (t) => {
  const r = new ProbeResults();
  r.pass('options', 'RFC 3261 §11.2', 'OPTIONS answered 200 OK');
  r.fail('answer-direction', 'RFC 3264 §6.1', 'answered sendrecv');
  r.warn('answer-labels', 'RFC 7866 §7.2', 'labels dropped');
  r.skip('bye', 'RFC 3261 §15.1.2', 'no session');
  const report = r.report('srs', 'sip:srs@127.0.0.1:5090');
  t.same(report.summary, { pass: 1, fail: 1, warn: 1, skip: 1 });
  t.notOk(report.ok);
  const lines = formatReport(report).split('\n');
  t.equal(lines.length, 5);
  t.match(lines[1], /^FAIL  RFC 3264 §6\.1 +answer-direction +answered sendrecv$/);
  t.equal(lines[4], 'NOT CONFORMANT: SRS sip:srs@127.0.0.1:5090: 1 pass, 1 fail, 1 warn, 1 skip');
});

t.test('the probe INVITE is what RFC 7866 asks of an SRC', async (t) => {
  const me = bodyElements(inviteHeaders(), new ProbeSession('127.0.0.1', [4000, 4002]).sdp(false, false), new ProbeSession('127.0.0.1', [1, 2]).completeXml());
  me.addHeader('Contact', '<sip:probe@127.0.0.1>;+sip.src');
  const r = new ProbeResults();
  checkSrcHeaders(r, me);
  const body = checkSrcBody(r, me)!;
  checkSrcOffer(r, body.sdp!);
  t.same(r.all.filter((x) => x.level !== 'PASS').map((x) => x.id), [], 'the probe passes its own SRC checks');
});

t.test('the package entry exports the probe', async (t) => {
  const tsip = await import('../../../lib/index.js');
  for (const name of ['probeSrs', 'probeSrc', 'startSrcProbe', 'formatProbeReport']) t.equal(typeof (tsip as Record<string, unknown>)[name], 'function', name);
  t.equal(tsip.ProbeLevel.Fail, 'FAIL');
  const { commands } = await import('../../../lib/cli/commands.js');
  t.ok(commands.some((c) => c.name === 'probe' && c.help.includes('exit codes')), 'probe is listed in lib/cli/commands.ts');
});
