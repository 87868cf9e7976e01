/**
 * The SIPREC conformance probe against SIPp peers that each break ONE rule:
 * - `probe srs` against probe-srs-uas.xml: as written every check passes; each placeholder
 *   (sendrecv answer, no +sip.srs, an INVITE without Require: siprec taken as an RS, pause
 *   answered recvonly, a closed media port) must make exactly its own check FAIL, and dropped
 *   labels (no MUST) only WARN;
 * - `probe src` against probe-src-uac.xml: no FAIL as written (no RTP, no stop-time: WARNs); no
 *   +sip.src, a stream the metadata does not name, no Require: siprec each FAIL their own check.
 */
import t from 'tap';
import { describeSipp, requireTool, runSipp, startSipp, type SippResult } from './lib/index.js';
import { scenarioPath } from './lib/paths.js';
import { probeSrs, startSrcProbe } from '../../lib/siprec/probe/index.js';
import { ProbeLevel, type ProbeReport } from '../../include-types/siprec-probe.js';

function levels(r: ProbeReport, level: ProbeLevel): string[] {
  return r.results.filter((x) => x.level === level).map((x) => x.id);
}

async function probeSippSrs(vars: Record<string, string>, transport: 'u1' | 't1' = 'u1'): Promise<{ report: ProbeReport; sipp: SippResult }> {
  // One SIPp call per probe transaction: OPTIONS, the recording session, four refusals.
  const sipp = await startSipp({ scenario: scenarioPath('probe-srs-uas.xml'), scenarioVars: vars, transport, calls: 6, timeoutSeconds: 20 });
  try {
    await sipp.ready;
    const report = await probeSrs(`sip:127.0.0.1:${sipp.localPort}${transport === 't1' ? ';transport=tcp' : ''}`, { timeoutMs: 2000 });
    return { report, sipp: await sipp.result };
  } finally {
    await sipp.stop();
  }
}

const SRS_CASES: ReadonlyArray<{ what: string; vars: Record<string, string>; fail?: string; warn?: string }> = [
  { what: 'answers sendrecv', vars: { DIRECTION: 'sendrecv' }, fail: 'answer-direction' },
  { what: 'has no +sip.srs in its Contact', vars: { CONTACT_PARAMS: '' }, fail: 'answer-contact-srs' },
  { what: 'takes an INVITE without Require: siprec as a recording session', vars: { NO_REQUIRE: 'answer' }, fail: 'refuse-no-require' },
  { what: 'answers a pause (a=inactive) recvonly', vars: { PAUSE_DIRECTION: 'recvonly' }, fail: 'pause' },
  { what: 'answers a port nothing listens on', vars: { PORT2: 'media_port+4' }, fail: 'media-ports' },
  { what: 'drops the labels (no MUST: a WARN only)', vars: { LABEL_ATTR: 'x-nolabel' }, warn: 'answer-labels' },
];

for (const transport of ['u1', 't1'] as const) {
  t.test(`probe srs: a conformant SIPp SRS passes every check (${transport})`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { report, sipp } = await probeSippSrs({}, transport);
    t.same(levels(report, ProbeLevel.Fail), [], 'no FAIL');
    t.same(levels(report, ProbeLevel.Warn), [], 'no WARN');
    t.ok(report.ok, 'report ok');
    t.equal(sipp.successful, 6, 'SIPp handled all six probe transactions', { sipp: describeSipp(sipp) });
  });
}

for (const c of SRS_CASES) {
  t.test(`probe srs: an SRS that ${c.what} → ${c.fail ? `FAIL ${c.fail}` : `WARN ${c.warn}`} only`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { report, sipp } = await probeSippSrs(c.vars);
    t.same(levels(report, ProbeLevel.Fail), c.fail ? [c.fail] : [], 'the matching FAIL and no other');
    t.same(levels(report, ProbeLevel.Warn), c.warn ? [c.warn] : [], 'WARNs');
    t.equal(report.ok, c.fail === undefined, 'report ok only without FAIL');
    t.equal(sipp.failed, 0, 'SIPp followed its scenario', { sipp: describeSipp(sipp) });
  });
}

async function probeSippSrc(vars: Record<string, string>, transport: 'u1' | 't1' = 'u1'): Promise<{ report: ProbeReport; sipp: SippResult }> {
  const probe = await startSrcProbe({ host: '127.0.0.1', port: 0, timeoutMs: 3000, transport: transport === 't1' ? 'tcp' : 'udp' });
  try {
    const sipp = await runSipp({
      scenario: scenarioPath('probe-src-uac.xml'), scenarioVars: vars, target: { host: '127.0.0.1', port: probe.port }, transport, calls: 1, timeoutSeconds: 15,
    });
    return { report: await probe.report, sipp };
  } finally {
    await probe.stop();
  }
}

const SRC_CASES: ReadonlyArray<{ what: string; vars: Record<string, string>; fail: string }> = [
  { what: 'has no +sip.src in its Contact', vars: { CONTACT_PARAMS: '' }, fail: 'src-contact' },
  { what: 'sends a stream the metadata does not name', vars: { LABEL2: '9' }, fail: 'src-metadata-streams' },
  { what: 'leaves out Require: siprec', vars: { REQUIRE_HDR: 'X-Not-Require' }, fail: 'src-require' },
];

for (const transport of ['u1', 't1'] as const) {
  t.test(`probe src: a conformant SIPp SRC has no FAIL (no RTP, no stop-time: WARN) (${transport})`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { report, sipp } = await probeSippSrc({}, transport);
    t.same(levels(report, ProbeLevel.Fail), [], 'no FAIL');
    t.same(levels(report, ProbeLevel.Warn).sort(), ['src-rtp', 'src-stop-time'], 'SIPp sends no RTP and no stop-time');
    t.equal(sipp.successful, 1, 'SIPp got its 200 with +sip.srs and finished', { sipp: describeSipp(sipp) });
  });
}

for (const c of SRC_CASES) {
  t.test(`probe src: an SRC that ${c.what} → FAIL ${c.fail} only`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { report, sipp } = await probeSippSrc(c.vars);
    t.same(levels(report, ProbeLevel.Fail), [c.fail], 'the matching FAIL and no other');
    t.notOk(report.ok);
    t.equal(sipp.successful, 1, 'the probe still answered 200 so the SRC went on', { sipp: describeSipp(sipp) });
  });
}
