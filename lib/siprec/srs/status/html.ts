/**
 * The status page as server-rendered HTML: no script, no framework, its stylesheet from the same
 * server (page-css.ts), inline SVG timelines. Live recordings first (paused ones marked), then
 * the finished ones newest first, each with its participants, a timeline, and per stream an
 * audio player (WAV) or download links (rtpdump, RTT transcript, MSRP log). Every value from a
 * recording goes through escapeHtml.
 */
import type { SrsStatusParticipant, SrsStatusRecording, SrsStatusReport, SrsStatusStream } from '../../../../include-types/siprec.js';
import { escapeHtml as e, formatBytes, formatDuration, formatTime } from './escape.js';
import { timelineSvg } from './timeline-svg.js';

/** What the page needs besides the report. */
export interface PageOptions {
  /** Heading. */
  title: string;
  /** URL prefix of the routes. */
  base: string;
  /** Reload the page every this many seconds (`?refresh=N`; a meta refresh, no script), if set. */
  refreshSeconds?: number;
}

/** Parses `?refresh=N` (5..3600 seconds); anything else: no auto-refresh. */
export function refreshOf(url: URL): number | undefined {
  const v = url.searchParams.get('refresh');
  if (v === null || !/^[0-9]{1,4}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 5 && n <= 3600 ? n : undefined;
}

function partyName(p: SrsStatusParticipant): string {
  return p.names[0] ?? p.aors[0] ?? p.participantId;
}

function badge(r: SrsStatusRecording): string {
  if (r.live && r.paused) return '<span class="badge paused" title="the SRC paused this recording">❚❚ paused</span>';
  if (r.live) return '<span class="badge live">● live</span>';
  return `<span class="badge ${e(r.state)}">${e(r.state)}</span>`;
}

function participantsList(r: SrsStatusRecording): string {
  if (r.participants.length === 0) return '<p class="none">no participants in the metadata</p>';
  const items = r.participants.map((p) => {
    const name = p.names.length > 0 ? `<span class="pname">${e(p.names.join(', '))}</span> ` : '';
    const aor = p.aors.length > 0 ? `<span class="aor">${e(p.aors.join(', '))}</span>` : `<span class="aor">${e(p.participantId)}</span>`;
    const sends = p.sends.length > 0 ? ` <span class="sends" title="streams this participant sends">sends ${e(p.sends.join(', '))}</span>` : '';
    const left = p.leftAt !== undefined ? ` <span class="left">left ${e(formatTime(p.leftAt))}</span>` : '';
    return `<li class="participant">${name}${aor}${sends}${left}</li>`;
  });
  return `<ul class="participants">${items.join('')}</ul>`;
}

function mediaCell(r: SrsStatusRecording, s: SrsStatusStream): string {
  const out: string[] = [];
  const main = s.files[0];
  // A live WAV is still growing (its header not final): offered as a download, played once finished.
  if (main?.playable && !r.live && main.bytes > 0) {
    out.push(`<audio controls preload="metadata" src="${e(main.url)}" data-label="${e(s.label)}"></audio>`);
  }
  for (const f of s.files) {
    out.push(`<a class="file" href="${e(f.url)}" download="${e(f.name)}" title="${e(f.contentType)}">${e(f.name)}</a> <span class="size">${e(formatBytes(f.bytes))}</span>`);
  }
  return out.join(' ');
}

function streamsTable(r: SrsStatusRecording): string {
  if (r.streams.length === 0) return '<p class="none">no streams</p>';
  const byId = new Map(r.participants.map((p) => [p.participantId, p]));
  const rows = r.streams.map((s) => {
    const from = s.senders.map((id) => byId.get(id)).filter((p): p is SrsStatusParticipant => p !== undefined).map(partyName);
    const dropped = s.droppedPackets !== undefined ? ` <span class="warn" title="received but not stored">(${e(s.droppedPackets)} dropped)</span>` : '';
    return `<tr class="stream" data-label="${e(s.label)}"><td class="label">${e(s.label)}</td><td>${e(from.join(', ') || '—')}</td>`
      + `<td>${e(s.codec)} <span class="kind">${e(s.kind)}</span></td><td class="num">${e(formatDuration(s.durationSeconds, true))}</td>`
      + `<td class="num">${e(s.packets)}${dropped}</td><td><div class="media">${mediaCell(r, s)}</div></td></tr>`;
  });
  return '<table class="streams"><thead><tr><th>stream</th><th>sent by</th><th>codec</th><th>length</th><th>packets</th><th>media</th></tr></thead>'
    + `<tbody>${rows.join('')}</tbody></table>`;
}

function recordingCard(r: SrsStatusRecording, nowMs: number): string {
  const callIds = r.callIds.length > 0 ? r.callIds : [r.recordingId];
  const stop = r.stoppedAt !== undefined ? formatTime(r.stoppedAt).slice(11) : '';
  const when = r.live
    ? `started ${formatTime(r.startedAt)} UTC · ${formatDuration(r.durationSeconds)} so far`
    : `${formatTime(r.startedAt)}${stop !== '' ? ` → ${stop}` : ''} UTC · ${formatDuration(r.durationSeconds, true)}`;
  const pauses = r.pauses.length > 0 ? ` · ${r.pauses.length} pause${r.pauses.length > 1 ? 's' : ''}` : '';
  const open = r.paused ? r.pauses[r.pauses.length - 1] : undefined;
  const pausedFor = open !== undefined && Number.isFinite(Date.parse(open.from))
    ? ` <span class="pausedfor">paused for ${e(formatDuration((nowMs - Date.parse(open.from)) / 1000))}</span>` : '';
  const details: string[] = [`RS Call-ID <code>${e(r.recordingId)}</code>`];
  if (r.source !== undefined) details.push(`SRC ${e(r.source)}`);
  if (r.endReason !== undefined || r.endDetail !== undefined) {
    details.push(`ended: ${e([r.endReason, r.endDetail].filter((x) => x !== undefined).join(': '))}`);
  }
  if (r.metadataFiles.length > 0) details.push(`metadata ${r.metadataFiles.map((m) => `<a href="${e(m.url)}" download="${e(m.name)}">${e(m.name)}</a>`).join(' ')}`);
  if (r.key !== '') details.push(`dir <code>${e(r.key)}</code>`);
  return `<article class="rec${r.live ? ' is-live' : ''}${r.paused ? ' is-paused' : ''}" data-recording-id="${e(r.recordingId)}" data-state="${e(r.state)}" data-paused="${r.paused}">`
    + `<header>${badge(r)}<h3 class="callid" title="Call-ID of the recorded call">${callIds.map((c) => e(c)).join('<br>')}</h3>`
    + `<span class="when">${e(when)}${e(pauses)}</span>${pausedFor}</header>`
    + participantsList(r)
    + `<div class="tl">${timelineSvg(r, nowMs)}</div>`
    + streamsTable(r)
    + `<footer class="details">${details.join(' · ')}</footer></article>`;
}

function pager(report: SrsStatusReport, base: string, refresh: number | undefined): string {
  const { number, count } = report.page;
  if (count <= 1) return '';
  const link = (n: number, text: string, rel: string): string => `<a rel="${rel}" href="${e(`${base}/?page=${n}${refresh !== undefined ? `&refresh=${refresh}` : ''}`)}">${text}</a>`;
  return `<nav class="pager">${number > 1 ? link(number - 1, '← newer', 'prev') : '<span></span>'}`
    + `<span>page ${e(number)} of ${e(count)}</span>${number < count ? link(number + 1, 'older →', 'next') : '<span></span>'}</nav>`;
}

/** The whole page. */
export function renderPage(report: SrsStatusReport, opts: PageOptions): string {
  const nowMs = Date.parse(report.generatedAt);
  const pausedCount = report.live.filter((r) => r.paused).length; // of those shown
  const more = report.page.liveTotal - report.live.length;
  const live = report.live.length > 0
    ? report.live.map((r) => recordingCard(r, nowMs)).join('') + (more > 0 ? `<p class="none">and ${e(more)} more live (newest not shown)</p>` : '')
    : '<p class="none">no recording in progress</p>';
  const finished = report.finished.length > 0
    ? report.finished.map((r) => recordingCard(r, nowMs)).join('')
    : '<p class="none">no finished recordings</p>';
  const jsonUrl = `${opts.base}/recordings.json${report.page.number > 1 ? `?page=${report.page.number}` : ''}`;
  const query = (refresh: number | undefined): string => {
    const q = [...(report.page.number > 1 ? [`page=${report.page.number}`] : []), ...(refresh !== undefined ? [`refresh=${refresh}`] : [])];
    return q.length > 0 ? `?${q.join('&')}` : '';
  };
  const selfUrl = `${opts.base}/${query(opts.refreshSeconds)}`;
  // A reload stops a player: auto-refresh is asked for, never the default.
  const auto = opts.refreshSeconds !== undefined
    ? `<a href="${e(`${opts.base}/${query(undefined)}`)}">stop auto-refresh (${e(opts.refreshSeconds)} s)</a>`
    : `<a href="${e(`${opts.base}/${query(10)}`)}">auto-refresh</a>`;
  return '<!doctype html>\n'
    + `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${e(opts.title)}</title><link rel="stylesheet" href="${e(`${opts.base}/status.css`)}"><link rel="icon" href="${e(`${opts.base}/favicon.svg`)}" type="image/svg+xml">`
    + (opts.refreshSeconds !== undefined ? `<meta http-equiv="refresh" content="${e(opts.refreshSeconds)}">` : '')
    + '</head><body>'
    + `<header class="top"><h1>${e(opts.title)}</h1><div class="summary">`
    + `<span class="count" id="live-count">${e(report.page.liveTotal)} live</span>`
    + (pausedCount > 0 ? `<span class="count paused">${e(pausedCount)} paused</span>` : '')
    + `<span class="count">${e(report.page.finishedTotal)} finished</span>`
    + `<span class="asof">as of ${e(formatTime(report.generatedAt))} UTC</span>`
    + `<a href="${e(selfUrl)}">refresh</a>${auto}<a href="${e(jsonUrl)}">JSON</a></div></header><main>`
    + `<section id="live"><h2>Live</h2>${live}</section>`
    + `<section id="finished"><h2>Finished <span class="sub">newest first</span></h2>${finished}${pager(report, opts.base, opts.refreshSeconds)}</section>`
    + '</main></body></html>\n';
}
