/** Pieces of the status page: escaping, durations, the timeline's segments and axis. */
import t from 'tap';
import { escapeHtml, formatBytes, formatDuration, formatTime } from '../../../../lib/siprec/srs/status/escape.js';
import { axisLabel, segments, tickStep, timelineSvg } from '../../../../lib/siprec/srs/status/timeline-svg.js';
import type { SrsStatusRecording } from '../../../../include-types/siprec.js';

t.test('escapeHtml', async (t) => {
  t.equal(escapeHtml('<script>alert(1)</script>'), '&lt;script&gt;alert(1)&lt;/script&gt;');
  t.equal(escapeHtml('"onmouseover=alert(1) \'x\' & y'), '&quot;onmouseover=alert(1) &#39;x&#39; &amp; y');
  t.equal(escapeHtml('a\u0000b\u001bc\td\ne'), 'a\ufffdb\ufffdc\td\ne', 'control characters replaced, tab and newline kept');
  t.equal(escapeHtml(42), '42');
  t.equal(escapeHtml('&amp;'), '&amp;amp;', 'escaped once more, never trusted');
});

t.test('formatting', async (t) => {
  t.equal(formatDuration(0), '0:00');
  t.equal(formatDuration(65.4), '1:05');
  t.equal(formatDuration(2.56, true), '0:02.5');
  t.equal(formatDuration(3725), '1:02:05');
  t.equal(formatDuration(Number.NaN), '0:00');
  t.equal(formatBytes(-1), 'missing');
  t.equal(formatBytes(999), '999 B');
  t.equal(formatBytes(41300), '41.3 kB');
  t.equal(formatBytes(2_100_000), '2.1 MB');
  t.equal(formatTime('2026-12-06T19:55:24.123Z'), '2026-12-06 19:55:24');
  t.equal(formatTime('not a time'), 'not a time');
});

t.test('timeline: pauses cut the bars, the axis fits the span', async (t) => {
  t.same(segments(0, 10, []), [[0, 10]]);
  t.same(segments(0, 10, [[3, 5]]), [[0, 3], [5, 10]]);
  t.same(segments(0, 10, [[3, 5], [8, 20]]), [[0, 3], [5, 8]], 'a pause open to the end');
  t.same(segments(4, 6, [[3, 7]]), [], 'all paused');
  t.same(segments(0, 10, [[-5, 0], [10, 12]]), [[0, 10]], 'pauses outside');
  t.equal(tickStep(3), 0.5);
  t.equal(tickStep(10), 1);
  t.equal(tickStep(600), 60);
  t.equal(tickStep(7200), 900);
  t.same([0, 0.5, 2, 45, 120, 90, 7200].map(axisLabel), ['0', '0.5s', '2s', '45s', '2m', '1:30', '2h']);
  const rec: SrsStatusRecording = {
    key: 'k', recordingId: 'r', callIds: [], state: 'complete', live: false, paused: false,
    startedAt: '2026-01-01T00:00:00.000Z', stoppedAt: '2026-01-01T00:00:10.000Z', durationSeconds: 10, participants: [], metadataFiles: [],
    pauses: [{ from: '2026-01-01T00:00:04.000Z', to: '2026-01-01T00:00:06.000Z' }],
    streams: [{ label: '<x>', kind: 'audio', format: 'wav', codec: 'PCMU', startedAt: '2026-01-01T00:00:00.000Z', stoppedAt: '2026-01-01T00:00:10.000Z', durationSeconds: 10, packets: 1, senders: [], receivers: [], files: [] }],
  };
  const svg = timelineSvg(rec, Date.parse('2026-01-01T00:01:00.000Z'));
  t.equal((svg.match(/class="tl-bar tl-audio"/g) ?? []).length, 2, 'one stream, two bars around the pause');
  t.equal((svg.match(/class="tl-pause"/g) ?? []).length, 1);
  t.ok(svg.includes('&lt;x&gt; audio') && !svg.includes('<x>'), 'label escaped');
  t.notMatch(svg, /style=/, 'no inline style');
});
