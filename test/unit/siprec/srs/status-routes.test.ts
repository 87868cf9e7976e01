/**
 * The status page's routes without a browser, over recordings written by hand into a temp dir and a
 * fake live view: escaping of metadata, the security headers, the JSON shape and paging, the file
 * route's path safety (raw paths: `..`, encoded slashes, NUL, symlinks) and its Range answers.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { startOperatorHttp, type OperatorHttpServer } from '../../../../lib/siprec/common/operator-http.js';
import type { SrsLiveRecording } from '../../../../lib/siprec/srs/live-recordings.js';
import type { RecordingIndex } from '../../../../lib/siprec/srs/storage/index.js';
import { srsStatusRoutes } from '../../../../lib/siprec/srs/status/index.js';
import { isSipError, SipErrorCode } from '../../../../include-types/errors.js';
import type { SrsStatusOptions, SrsStatusReport } from '../../../../include-types/siprec.js';

const WAV = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

function index(id: string, extra: Partial<RecordingIndex> = {}): RecordingIndex {
  return {
    version: 1, recordingId: id, callIds: [`cs-${id}`], sessionIds: ['s1'], state: 'complete',
    startedAt: '2026-01-01T10:00:00.000Z', stoppedAt: '2026-01-01T10:00:10.000Z', endReason: 'bye',
    streams: [
      { label: '1', file: 'stream-1.wav', codec: 'PCMU', payloadType: 0, packets: 500, startedAt: '2026-01-01T10:00:00.100Z', stoppedAt: '2026-01-01T10:00:10.000Z', durationSeconds: 9.9, senders: ['p1'], receivers: ['p2'], kind: 'audio', format: 'wav', files: ['stream-1.wav'] },
      { label: '2', file: 'stream-2.rtpdump', codec: 'H264', payloadType: 96, packets: 10, startedAt: '2026-01-01T10:00:00.100Z', durationSeconds: 9, senders: ['p2'], receivers: [], kind: 'video', format: 'rtpdump', files: ['stream-2.rtpdump'] },
    ],
    participants: [
      { participantId: 'p1', aors: ['sip:alice@example.com'], names: ['Alice'], sends: ['1'], receives: ['2'] },
      { participantId: 'p2', aors: ['sip:bob@example.net'], names: [], sends: ['2'], receives: ['1'] },
    ],
    metadataFiles: ['metadata-000.xml'], pauses: [{ from: '2026-01-01T10:00:03.000Z', to: '2026-01-01T10:00:05.000Z' }], revision: 3,
    ...extra,
  };
}

/** Writes a recording directory as RecordingDir would. */
function writeRecording(root: string, key: string, idx: RecordingIndex): string {
  const dir = join(root, key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(idx));
  writeFileSync(join(dir, 'stream-1.wav'), WAV);
  writeFileSync(join(dir, 'stream-2.rtpdump'), Buffer.alloc(64, 7));
  writeFileSync(join(dir, 'metadata-000.xml'), '<recording xmlns="urn:ietf:params:xml:ns:recording:1"/>');
  return dir;
}

interface Raw { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** A GET (or HEAD) with the path sent exactly as given (fetch would normalise `..` away). */
function raw(srv: OperatorHttpServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: srv.address.host, port: srv.address.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function setup(t: Test, live: SrsLiveRecording[] = [], options: SrsStatusOptions = {}): Promise<{ root: string; srv: OperatorHttpServer }> {
  const root = mkdtempSync(join(tmpdir(), 'tsip-status-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const srv = await startOperatorHttp({ port: 0 }, srsStatusRoutes({ settings: { dir: root }, liveRecordings: () => live }, { listCacheMs: 0, ...options }));
  t.teardown(() => srv.close());
  return { root, srv };
}

const KEY = '20260101T100000Z_rec1_tsip';

t.test('metadata is escaped everywhere; security headers on every answer', async (t) => {
  const { root, srv } = await setup(t);
  writeRecording(root, KEY, index('rec"1<b>', {
    callIds: ['<img src=x onerror=alert(3)>'],
    endDetail: "</footer><script>alert('x')</script>",
    participants: [
      { participantId: 'p1"', aors: ['sip:"onmouseover=alert(2)@evil.example'], names: ['<script>alert(1)</script>'], sends: ['1'], receives: [] },
      { participantId: 'p2', aors: ["sip:o'neil@example.com"], names: ['"onmouseover=alert(4) x="'], sends: ['<i>2'], receives: [] },
    ],
  }));
  const res = await raw(srv, '/');
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^text\/html; charset=utf-8/);
  const html = res.body.toString();
  t.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'name escaped');
  t.ok(html.includes('sip:&quot;onmouseover=alert(2)@evil.example'), 'AOR quote escaped');
  t.ok(html.includes('&quot;onmouseover=alert(4) x=&quot;'), 'name quote escaped');
  t.ok(html.includes('&lt;img src=x onerror=alert(3)&gt;'), 'Call-ID escaped');
  t.ok(html.includes('o&#39;neil'), 'apostrophe escaped');
  t.ok(html.includes('data-recording-id="rec&quot;1&lt;b&gt;"'), 'attribute value escaped');
  t.notMatch(html, /<script|<img|"onmouseover|<i>2|<\/footer><script/, 'nothing from metadata becomes markup');
  t.notMatch(html, /\sstyle=|<style/, 'no inline style (the CSP allows none)');
  for (const path of ['/', '/recordings.json', '/status.css', '/favicon.svg', `/files/${KEY}/stream-1.wav`, `/files/${KEY}/nothing.wav`, '/files/x/../y']) {
    const r = await raw(srv, path);
    t.match(r.headers['content-security-policy'], /default-src 'self'/, `CSP on ${path}`);
    t.match(r.headers['content-security-policy'], /script-src 'none'/, `no script on ${path}`);
    t.equal(r.headers['x-content-type-options'], 'nosniff', `nosniff on ${path}`);
  }
  t.match((await raw(srv, `/files/${KEY}/stream-1.wav`)).headers['content-security-policy'], /sandbox/, 'stored files are sandboxed');
});

t.test('recordings.json: endReason is a value to switch on, endDetail the words; an old free-text endReason reads as endDetail', async (t) => {
  const { root, srv } = await setup(t);
  writeRecording(root, '20260101T100000Z_typed', index('typed', { endReason: 'limit', endDetail: 'maxRecordingSeconds (60 s) reached' }));
  const legacy = index('legacy') as unknown as Record<string, unknown>;
  legacy.endReason = 'drain timeout (30000 ms)';
  writeRecording(root, '20260101T110000Z_legacy', legacy as unknown as RecordingIndex);
  const rep = JSON.parse((await raw(srv, '/recordings.json')).body.toString()) as SrsStatusReport;
  const by = Object.fromEntries(rep.finished.map((r) => [r.recordingId, r]));
  t.same([by.typed.endReason, by.typed.endDetail], ['limit', 'maxRecordingSeconds (60 s) reached']);
  t.equal(by.legacy.endReason, undefined, 'free text is not passed off as a reason value');
  t.equal(by.legacy.endDetail, 'drain timeout (30000 ms)', 'kept as the words');
  const html = (await raw(srv, '/')).body.toString();
  t.ok(html.includes('ended: limit: maxRecordingSeconds (60 s) reached'), 'the page shows both');
  t.ok(html.includes('ended: drain timeout (30000 ms)'), 'and the old text');
});

t.test('recordings.json: the documented shape, newest first, paging, live ones apart', async (t) => {
  const now = Date.parse('2026-01-01T12:00:30.000Z');
  const liveIdx = index('live1', { state: 'recording', startedAt: '2026-01-01T12:00:00.000Z', stoppedAt: undefined, endReason: undefined, pauses: [{ from: '2026-01-01T12:00:20.000Z' }] });
  const live: SrsLiveRecording[] = [];
  const { root, srv } = await setup(t, live, { pageSize: 2, now: () => now });
  for (let i = 1; i <= 5; i++) writeRecording(root, `2026010${i}T100000Z_rec${i}`, index(`rec${i}`));
  const liveDir = writeRecording(root, '20260101T120000Z_live1', liveIdx);
  live.push({ recordingId: 'live1', dir: liveDir, labels: ['1', '2'], startedMs: Date.parse('2026-01-01T12:00:00.000Z'), paused: true, sessionState: 'paused', index: liveIdx });
  mkdirSync(join(root, 'not-a-recording'));
  mkdirSync(join(root, '20260109T100000Z_noindex'));
  writeRecording(root, '20260108T100000Z_torn', index('torn'));
  writeFileSync(join(root, '20260108T100000Z_torn', 'index.json'), '{"version":1,');

  const r1 = await raw(srv, '/recordings.json');
  t.equal(r1.status, 200);
  t.match(r1.headers['content-type'], /^application\/json/);
  t.equal(r1.headers['cache-control'], 'no-store');
  const rep = JSON.parse(r1.body.toString()) as SrsStatusReport;
  t.equal(rep.version, 1);
  t.equal(rep.generatedAt, '2026-01-01T12:00:30.000Z');
  t.same(rep.page, { number: 1, size: 2, count: 4, finishedTotal: 7, liveTotal: 1 }, 'the live one is not counted as finished');
  t.same(rep.live.map((r) => [r.recordingId, r.live, r.paused, r.state, r.durationSeconds]), [['live1', true, true, 'recording', 30]]);
  t.same(rep.finished.map((r) => r.key), [], 'newest two names are a dir without index and a torn index: skipped');
  const p2 = JSON.parse((await raw(srv, '/recordings.json?page=2')).body.toString()) as SrsStatusReport;
  t.same(p2.finished.map((r) => r.recordingId), ['rec5', 'rec4'], 'newest first');
  const rec = p2.finished[0];
  t.same(Object.keys(rec).sort(), ['callIds', 'durationSeconds', 'endReason', 'key', 'live', 'metadataFiles', 'participants', 'paused', 'pauses', 'recordingId', 'startedAt', 'state', 'stoppedAt', 'streams'].sort());
  t.same([rec.key, rec.state, rec.live, rec.paused, rec.durationSeconds], ['20260105T100000Z_rec5', 'complete', false, false, 10]);
  t.same(rec.participants[0], { participantId: 'p1', names: ['Alice'], aors: ['sip:alice@example.com'], sends: ['1'], receives: ['2'] });
  t.same(rec.pauses, [{ from: '2026-01-01T10:00:03.000Z', to: '2026-01-01T10:00:05.000Z' }]);
  t.same(rec.streams[0].files, [{ name: 'stream-1.wav', url: '/files/20260105T100000Z_rec5/stream-1.wav', contentType: 'audio/wav', bytes: 1000, playable: true }]);
  t.same(rec.streams[1].files, [{ name: 'stream-2.rtpdump', url: '/files/20260105T100000Z_rec5/stream-2.rtpdump', contentType: 'application/octet-stream', bytes: 64, playable: false }]);
  t.same([rec.streams[1].kind, rec.streams[1].format, rec.streams[1].codec, rec.streams[1].packets], ['video', 'rtpdump', 'H264', 10]);
  t.same(rec.metadataFiles.map((f) => f.contentType), ['application/rs-metadata+xml']);
  const p4 = JSON.parse((await raw(srv, '/recordings.json?page=4')).body.toString()) as SrsStatusReport;
  t.same(p4.finished.map((r) => r.recordingId), ['rec1']);
  t.same((JSON.parse((await raw(srv, '/recordings.json?page=99')).body.toString()) as SrsStatusReport).finished, [], 'past the end: empty');
  t.equal((JSON.parse((await raw(srv, '/recordings.json?page=-1')).body.toString()) as SrsStatusReport).page.number, 1, 'bad page: 1');

  const html = (await raw(srv, '/?page=2')).body.toString();
  t.match(html, /<audio controls preload="metadata" src="\/files\/20260105T100000Z_rec5\/stream-1.wav"/, 'a player for the WAV');
  t.match(html, /<a class="file" href="\/files\/20260105T100000Z_rec5\/stream-2.rtpdump" download=/, 'a download link for the rtpdump');
  t.match(html, /rel="prev" href="\/\?page=1"/);
  t.match(html, /rel="next" href="\/\?page=3"/);
  t.match(html, /class="rec is-live is-paused" data-recording-id="live1"/, 'the live recording is marked paused');
  t.match(html, /paused for 0:10/, 'since when');
  t.equal((html.match(/<rect class="tl-bar/g) ?? []).length, 2 * 2 * 2 + 2, 'finished streams cut by their pause; the live ones end at the pause');
});

t.test('file route: only files the index names, under the directory, no links out', async (t) => {
  const { root, srv } = await setup(t);
  const dir = writeRecording(root, KEY, index('rec1', { streams: [...index('x').streams, { label: '3', file: 'link.wav', codec: 'PCMU', payloadType: 0, packets: 0, startedAt: '', durationSeconds: 0, senders: [], receivers: [] }] }));
  writeFileSync(join(root, 'secret.txt'), 'secret');
  writeFileSync(join(dir, 'extra.wav'), 'not in the index');
  symlinkSync(join(root, 'secret.txt'), join(dir, 'link.wav'));
  symlinkSync(dir, join(root, '20260101T100000Z_linkdir'));
  const ok = await raw(srv, `/files/${KEY}/stream-1.wav`);
  t.equal(ok.status, 200);
  t.same(ok.body, WAV);
  t.equal(ok.headers['content-type'], 'audio/wav');
  t.equal(ok.headers['content-length'], '1000');
  t.equal(ok.headers['accept-ranges'], 'bytes');
  t.equal(ok.headers['content-disposition'], 'inline; filename="stream-1.wav"');
  const dump = await raw(srv, `/files/${KEY}/stream-2.rtpdump`);
  t.same([dump.status, dump.headers['content-type'], dump.headers['content-disposition']], [200, 'application/octet-stream', 'attachment; filename="stream-2.rtpdump"']);
  t.equal((await raw(srv, `/files/${KEY}/metadata-000.xml`)).headers['content-type'], 'application/rs-metadata+xml');

  const bad = [
    '/files/../secret.txt', `/files/${KEY}/../../secret.txt`, `/files/${KEY}/..%2f..%2fsecret.txt`, `/files/${KEY}%2f..%2fsecret.txt`,
    `/files/${KEY}/%2e%2e%2fsecret.txt`, `/files/${KEY}/stream-1.wav%00.txt`, `/files/${KEY}/..%5csecret.txt`, `/files/${KEY}/..\\secret.txt`,
    `/files/${KEY}/.hidden`, `/files/${KEY}/`, `/files/${KEY}`, `/files/${KEY}/a/b`, '/files/etc/passwd', `/files/${KEY}/stream-1%2ewav`,
    '/files//etc/passwd',
  ];
  for (const path of bad) {
    const r = await raw(srv, path);
    t.equal(r.status, 400, `400 for ${path}`);
    t.notMatch(r.body.toString(), /secret/);
  }
  t.equal((await raw(srv, '/x/../files/../secret.txt')).status, 404, 'normalised out of the files route: not found');
  t.equal((await raw(srv, `/files/${KEY}/link.wav`)).status, 404, 'a symlink named in the index is refused');
  t.equal((await raw(srv, '/files/20260101T100000Z_linkdir/stream-1.wav')).status, 404, 'a linked recording directory is refused');
  t.equal((await raw(srv, `/files/${KEY}/extra.wav`)).status, 404, 'a file the index does not name');
  t.equal((await raw(srv, '/files/20260101T100000Z_none/stream-1.wav')).status, 404, 'no such recording');
});

t.test('file route: Range, 416, conditional requests, HEAD', async (t) => {
  const { root, srv } = await setup(t);
  writeRecording(root, KEY, index('rec1'));
  const path = `/files/${KEY}/stream-1.wav`;
  const p = await raw(srv, path, { range: 'bytes=10-19' });
  t.equal(p.status, 206);
  t.equal(p.headers['content-range'], 'bytes 10-19/1000');
  t.equal(p.headers['content-length'], '10');
  t.same(p.body, WAV.subarray(10, 20));
  const open = await raw(srv, path, { range: 'bytes=0-' });
  t.same([open.status, open.headers['content-range'], open.body.length], [206, 'bytes 0-999/1000', 1000], 'bytes=0- as audio elements ask');
  const suffix = await raw(srv, path, { range: 'bytes=-4' });
  t.same([suffix.status, suffix.headers['content-range']], [206, 'bytes 996-999/1000']);
  t.same(suffix.body, WAV.subarray(996));
  const tail = await raw(srv, path, { range: 'bytes=990-5000' });
  t.same([tail.status, tail.headers['content-range'], tail.body.length], [206, 'bytes 990-999/1000', 10], 'end clipped');
  for (const bad of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0', 'bytes=9-2', 'bytes=x-1', 'bytes=']) {
    const r = await raw(srv, path, { range: bad });
    t.equal(r.status, 416, `416 for ${bad}`);
    t.equal(r.headers['content-range'], 'bytes */1000');
    t.equal(r.body.length, 0);
  }
  t.equal((await raw(srv, path, { range: 'items=0-1' })).status, 200, 'an unknown unit is ignored');
  t.equal((await raw(srv, path, { range: 'bytes=0-1,5-6' })).status, 200, 'several ranges: the whole file');
  const etag = String(open.headers.etag);
  t.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  t.equal((await raw(srv, path, { range: 'bytes=0-1', 'if-range': etag })).status, 206, 'If-Range matches: range served');
  t.equal((await raw(srv, path, { range: 'bytes=0-1', 'if-range': '"other"' })).status, 200, 'If-Range stale: whole file');
  t.equal((await raw(srv, path, { 'if-none-match': etag })).status, 304);
  const head = await raw(srv, path, { range: 'bytes=0-99' }, 'HEAD');
  t.same([head.status, head.headers['content-length'], head.body.length], [206, '100', 0], 'HEAD: headers only');
  const headPage = await raw(srv, '/', {}, 'HEAD');
  t.ok(Number(headPage.headers['content-length']) > 100 && headPage.body.length === 0, 'HEAD of the page');
});

t.test('caches: the listing for listCacheMs, an index until it changes', async (t) => {
  let now = 1_000_000;
  const { root, srv } = await setup(t, [], { listCacheMs: 2000, now: () => now });
  writeRecording(root, '20260101T100000Z_a', index('a'));
  const ids = async (): Promise<string[]> => (JSON.parse((await raw(srv, '/recordings.json')).body.toString()) as SrsStatusReport).finished.map((r) => r.recordingId);
  t.same(await ids(), ['a']);
  writeRecording(root, '20260102T100000Z_b', index('b'));
  t.same(await ids(), ['a'], 'listing reused within listCacheMs');
  now += 2000;
  t.same(await ids(), ['b', 'a'], 'listed again after it');
  writeFileSync(join(root, '20260102T100000Z_b', 'index.json'), JSON.stringify(index('b2')));
  t.same(await ids(), ['b2', 'a'], 'an index re-read when its file changed');
});

t.test('options: checked, basePath mounts everything under it', async (t) => {
  const src = { settings: { dir: '/nonexistent' }, liveRecordings: () => [] };
  for (const bad of [{ pageSize: 0 }, { pageSize: 1.5 }, { pageSize: 1001 }, { listCacheMs: -1 }, { indexCacheEntries: 0 }, { basePath: 'srs' }, { basePath: '/a/../b' }, { basePath: '/a/' }, { basePath: '/a b' }]) {
    let err: unknown;
    try {
      srsStatusRoutes(src, bad as SrsStatusOptions);
    } catch (e) {
      err = e;
    }
    t.ok(isSipError(err, SipErrorCode.InvalidArgument), `refused: ${JSON.stringify(bad)}`);
  }
  const { root, srv } = await setup(t, [], { basePath: '/srs/status', title: 'Site <A>' });
  writeRecording(root, KEY, index('rec1'));
  t.equal((await raw(srv, '/')).status, 404, 'nothing at the root');
  const page = await raw(srv, '/srs/status/');
  t.equal(page.status, 200);
  t.match(page.body.toString(), /<title>Site &lt;A&gt;<\/title>/);
  t.match(page.body.toString(), /href="\/srs\/status\/status.css"/);
  t.match(page.body.toString(), /src="\/srs\/status\/files\/20260101T100000Z_rec1_tsip\/stream-1.wav"/);
  t.equal((await raw(srv, `/srs/status/files/${KEY}/stream-1.wav`)).status, 200);
  t.equal((await raw(srv, '/srs/status/recordings.json')).status, 200);
  t.equal((await raw(srv, '/srs/status/status.css')).headers['content-type'], 'text/css; charset=utf-8');
});

t.test('live recordings: at most a page of them, oldest first; signalling-only ones without an index', async (t) => {
  const live: SrsLiveRecording[] = [3, 1, 2].map((n) => ({ recordingId: `live${n}`, dir: '', labels: ['1'], startedMs: 1000 * n, paused: false, sessionState: 'recording' }));
  const { srv } = await setup(t, live, { pageSize: 2, now: () => 10_000 });
  const rep = JSON.parse((await raw(srv, '/recordings.json')).body.toString()) as SrsStatusReport;
  t.same(rep.live.map((r) => [r.recordingId, r.key, r.durationSeconds, r.streams.length]), [['live1', '', 9, 0], ['live2', '', 8, 0]]);
  t.equal(rep.page.liveTotal, 3);
  const html = (await raw(srv, '/')).body.toString();
  t.match(html, /3 live/);
  t.match(html, /and 1 more live/);
});

t.test('exported from the package entry', async (t) => {
  const tsip = await import('../../../../lib/index.js');
  t.equal(typeof tsip.srsStatusRoutes, 'function');
});

t.test('auto-refresh only when asked (?refresh=N, 5..3600 s)', async (t) => {
  const { srv } = await setup(t);
  const plain = (await raw(srv, '/')).body.toString();
  t.notMatch(plain, /http-equiv="refresh"/, 'off by default (a reload stops a player)');
  t.match(plain, /href="\/\?refresh=10">auto-refresh/);
  t.match((await raw(srv, '/?refresh=15')).body.toString(), /<meta http-equiv="refresh" content="15">/);
  for (const bad of ['1', '4000', 'x', '10;url=http://evil.example']) {
    t.notMatch((await raw(srv, `/?refresh=${encodeURIComponent(bad)}`)).body.toString(), /http-equiv="refresh"/, `ignored: ${bad}`);
  }
});

t.test('an index with junk in it still gives a page', async (t) => {
  const { root, srv } = await setup(t);
  const junk = { ...index('junk'), stoppedAt: 5, callIds: 'x', pauses: [null, { from: 1 }], participants: [null, 7, { participantId: 'p', names: 'N', aors: [1, 'sip:a@b'] }],
    streams: [null, 5, { label: 1, files: 'x', kind: '<k>', format: 'zip', startedAt: {}, durationSeconds: 'long', transcript: 3 }], metadataFiles: [null, '../../x'] };
  writeRecording(root, KEY, junk as unknown as RecordingIndex);
  const r = await raw(srv, '/recordings.json');
  t.equal(r.status, 200);
  const rec = (JSON.parse(r.body.toString()) as SrsStatusReport).finished[0];
  t.same([rec.callIds, rec.pauses, rec.participants.length, rec.participants[0].aors, rec.metadataFiles], [[], [], 1, ['sip:a@b'], []]);
  t.same([rec.streams.length, rec.streams[0].kind, rec.streams[0].format, rec.streams[0].files, rec.streams[0].durationSeconds], [1, 'audio', 'wav', [], 0]);
  t.equal((await raw(srv, '/')).status, 200);
});
