/**
 * A small picture of a recording's timeline as inline SVG: one bar per stream from when it was
 * opened to when it was closed (or now, while live), pauses of the recording as gaps with a
 * shaded band, and a time axis. Everything printed is escaped; only presentation attributes and
 * classes are used (the page's CSP allows no inline style).
 */
import type { SrsStatusRecording } from '../../../../include-types/siprec.js';
import { escapeHtml, formatDuration } from './escape.js';

const WIDTH = 1000;
const LABEL_W = 64;
const ROW_H = 12;
const ROW_GAP = 6;
const AXIS_H = 16;
const PLOT_W = WIDTH - LABEL_W - 8;

function ms(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** Seconds between ticks so that a span shows about 4..10 of them. */
export function tickStep(spanSeconds: number): number {
  const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];
  return steps.find((s) => spanSeconds / s <= 10) ?? Math.ceil(spanSeconds / 10 / 86400) * 86400;
}

/** An axis label: `0`, `0.5s`, `45s`, `2m`, `1:30`, `2h`. */
export function axisLabel(seconds: number): string {
  if (seconds === 0) return '0';
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds < 3600) return `${seconds / 60}m`;
  return formatDuration(seconds);
}

/** Subtracts the pauses from [from, to): the intervals recorded. */
export function segments(from: number, to: number, pauses: readonly [number, number][]): [number, number][] {
  let out: [number, number][] = [[from, to]];
  for (const [p0, p1] of pauses) {
    out = out.flatMap(([a, b]): [number, number][] => {
      if (p1 <= a || p0 >= b) return [[a, b]];
      const parts: [number, number][] = [];
      if (p0 > a) parts.push([a, p0]);
      if (p1 < b) parts.push([p1, b]);
      return parts;
    });
  }
  return out.filter(([a, b]) => b > a);
}

/** The timeline of `rec` as an `<svg>` element; `nowMs` ends what is still open. */
export function timelineSvg(rec: SrsStatusRecording, nowMs: number): string {
  const t0 = ms(rec.startedAt) ?? nowMs;
  const end = ms(rec.stoppedAt) ?? (rec.live ? nowMs : t0 + rec.durationSeconds * 1000);
  const t1 = Math.max(end, t0 + 1);
  const span = t1 - t0;
  const x = (t: number): number => LABEL_W + ((Math.min(Math.max(t, t0), t1) - t0) / span) * PLOT_W;
  const pauses = rec.pauses.map((p): [number, number] => [ms(p.from) ?? t0, ms(p.to) ?? t1]);
  const rows = Math.max(1, rec.streams.length);
  const height = rows * (ROW_H + ROW_GAP) + AXIS_H;
  const parts: string[] = [];
  const plotH = rows * (ROW_H + ROW_GAP);
  for (const [p0, p1] of pauses) {
    const px = x(p0);
    const w = Math.max(1, x(p1) - px);
    parts.push(`<rect class="tl-pause" x="${px.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="${plotH}"><title>paused ${escapeHtml(formatDuration((p1 - p0) / 1000))}</title></rect>`);
  }
  rec.streams.forEach((s, i) => {
    const y = i * (ROW_H + ROW_GAP) + ROW_GAP / 2;
    parts.push(`<text class="tl-label" x="0" y="${y + ROW_H - 2}">${escapeHtml(`${s.label} ${s.kind}`.slice(0, 14))}</text>`);
    const from = ms(s.startedAt) ?? t0;
    const to = ms(s.stoppedAt) ?? (rec.live ? nowMs : t1);
    for (const [a, b] of segments(from, to, pauses)) {
      const bx = x(a);
      parts.push(`<rect class="tl-bar tl-${escapeHtml(s.kind)}" x="${bx.toFixed(1)}" y="${y}" width="${Math.max(1, x(b) - bx).toFixed(1)}" height="${ROW_H}" rx="2"><title>stream ${escapeHtml(s.label)}: ${escapeHtml(formatDuration((a - t0) / 1000))} – ${escapeHtml(formatDuration((b - t0) / 1000))}</title></rect>`);
    }
  });
  const step = tickStep(span / 1000);
  for (let s = 0; s * 1000 <= span + 1; s += step) {
    const tx = x(t0 + s * 1000);
    parts.push(`<line class="tl-tick" x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${plotH}" y2="${plotH + 3}"/>`);
    parts.push(`<text class="tl-axis" x="${tx.toFixed(1)}" y="${height - 2}" text-anchor="${s === 0 ? 'start' : 'middle'}">${escapeHtml(axisLabel(s))}</text>`);
  }
  parts.push(`<line class="tl-axisline" x1="${LABEL_W}" x2="${LABEL_W + PLOT_W}" y1="${plotH}" y2="${plotH}"/>`);
  return `<svg class="timeline" role="img" aria-label="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}
