/** The page's icon: a recording dot (SVG, linked from the page). */
export const STATUS_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="#d92d3a"/></svg>\n';

/** The status page's stylesheet, served from the same server (the CSP allows no inline style). */
export const STATUS_CSS = `
:root { --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --mute: #6b7383; --line: #e2e5ea;
  --live: #d92d3a; --paused: #c27c0e; --ok: #2f7d4f; --bad: #b3261e; --audio: #3b6fd8; --video: #7b4fd0; --text: #1f8a8a; --message: #9a5b2a; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 24px; padding: 14px 24px; background: #1d2330; color: #fff; }
header.top h1 { margin: 0; font-size: 18px; font-weight: 600; }
.summary { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: baseline; color: #c9ceda; }
.summary .count { color: #fff; font-weight: 600; }
.summary .count.paused { color: #ffc266; }
.summary a { color: #9cc0ff; }
main { max-width: 1100px; margin: 0 auto; padding: 8px 24px 40px; }
h2 { font-size: 15px; text-transform: uppercase; letter-spacing: .06em; color: var(--mute); margin: 22px 0 10px; }
h2 .sub { text-transform: none; letter-spacing: 0; font-weight: 400; }
.none { color: var(--mute); margin: 4px 0 12px; }
article.rec { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: 6px; padding: 12px 16px; margin: 0 0 12px; }
article.rec.is-live { border-left-color: var(--live); }
article.rec.is-paused { border-left-color: var(--paused); }
article.rec[data-state="partial"], article.rec[data-state="failed"] { border-left-color: var(--bad); }
article.rec > header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
h3.callid { margin: 0; font: 600 14px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.when { color: var(--mute); }
.pausedfor { color: var(--paused); font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: #fff; background: var(--ok); }
.badge.live { background: var(--live); }
.badge.paused { background: var(--paused); }
.badge.partial, .badge.failed { background: var(--bad); }
.badge.recording { background: var(--mute); }
ul.participants { list-style: none; padding: 0; margin: 8px 0 6px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.pname { font-weight: 600; }
.aor { color: var(--mute); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.sends, .left, .kind { font-size: 12px; color: var(--mute); }
.sends { border: 1px solid var(--line); border-radius: 8px; padding: 0 6px; }
.tl { margin: 6px 0 4px; overflow-x: auto; }
svg.timeline { display: block; width: 100%; height: auto; }
.tl-label, .tl-axis { font: 10.5px system-ui, sans-serif; fill: var(--mute); }
.tl-bar { fill: var(--audio); }
.tl-video { fill: var(--video); } .tl-text { fill: var(--text); } .tl-message { fill: var(--message); }
.tl-pause { fill: #f6e3bf; }
.tl-tick, .tl-axisline { stroke: #b8bec9; stroke-width: 1; }
table.streams { width: 100%; border-collapse: collapse; margin-top: 6px; }
table.streams th { text-align: left; font-weight: 500; font-size: 12px; color: var(--mute); border-bottom: 1px solid var(--line); padding: 4px 8px 4px 0; }
table.streams td { padding: 5px 8px 5px 0; border-bottom: 1px solid #f0f1f4; vertical-align: middle; }
table.streams td.label { font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
div.media { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; }
div.media audio { height: 32px; width: 300px; max-width: 100%; }
a { color: #2457c5; text-decoration: none; } a:hover { text-decoration: underline; }
a.file { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.size { color: var(--mute); font-size: 12px; }
.warn { color: var(--bad); }
footer.details { margin-top: 8px; font-size: 12px; color: var(--mute); overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
nav.pager { display: flex; justify-content: space-between; align-items: center; margin: 16px 0; color: var(--mute); }
`;
