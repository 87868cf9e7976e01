/**
 * The probe's results: a collector the check modules add to, one entry per check with the RFC
 * section and a short reason, and the report and text lines made from them.
 */
import {
  ProbeLevel, type ProbeCheckResult, type ProbeReport, type ProbeSummary,
} from '../../../include-types/siprec-probe.js';

/** Collects the results of one probe run, in the order the checks ran. */
export class ProbeResults {
  private readonly list: ProbeCheckResult[] = [];
  /** Set for `probe src` with several calls: results added now carry this call number. */
  call: number | undefined;

  /** Adds one result. */
  add(id: string, rfc: string, level: ProbeLevel, message: string): void {
    this.list.push({ id, rfc, level, message, ...(this.call !== undefined ? { call: this.call } : {}) });
  }

  /** The rule held. */
  pass(id: string, rfc: string, message: string): void { this.add(id, rfc, ProbeLevel.Pass, message); }
  /** A MUST was broken. */
  fail(id: string, rfc: string, message: string): void { this.add(id, rfc, ProbeLevel.Fail, message); }
  /** A SHOULD was broken, or an allowed choice was made that peers may not expect. */
  warn(id: string, rfc: string, message: string): void { this.add(id, rfc, ProbeLevel.Warn, message); }
  /** Could not be checked. */
  skip(id: string, rfc: string, message: string): void { this.add(id, rfc, ProbeLevel.Skip, message); }

  /** PASS when `ok`, else `level` (FAIL by default). */
  check(ok: boolean, id: string, rfc: string, passMessage: string, failMessage: string, level: ProbeLevel = ProbeLevel.Fail): void {
    this.add(id, rfc, ok ? ProbeLevel.Pass : level, ok ? passMessage : failMessage);
  }

  /** The results so far. */
  get all(): readonly ProbeCheckResult[] {
    return this.list;
  }

  /** The report of the run. */
  report(role: 'srs' | 'src', target: string): ProbeReport {
    const summary = summarize(this.list);
    return { role, target, results: [...this.list], summary, ok: summary.fail === 0 };
  }
}

/** Counts per level. */
export function summarize(results: readonly ProbeCheckResult[]): ProbeSummary {
  const n = (l: ProbeLevel): number => results.filter((r) => r.level === l).length;
  return { pass: n(ProbeLevel.Pass), fail: n(ProbeLevel.Fail), warn: n(ProbeLevel.Warn), skip: n(ProbeLevel.Skip) };
}

/**
 * The report as text: one line per check (`LEVEL  section  id  reason`), then a summary line.
 * Columns are padded so a terminal reads them as a table.
 */
export function formatReport(report: ProbeReport): string {
  const rows = report.results.map((r) => [r.level, r.rfc, r.call !== undefined ? `${r.id}#${r.call}` : r.id, r.message]);
  const w1 = Math.max(4, ...rows.map((r) => r[1].length));
  const w2 = Math.max(2, ...rows.map((r) => r[2].length));
  const lines = rows.map((r) => `${r[0].padEnd(4)}  ${r[1].padEnd(w1)}  ${r[2].padEnd(w2)}  ${r[3]}`);
  const s = report.summary;
  const what = report.role === 'srs' ? `SRS ${report.target}` : `SRC(s) at ${report.target}`;
  lines.push(`${report.ok ? 'OK' : 'NOT CONFORMANT'}: ${what}: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip`);
  return lines.join('\n');
}
