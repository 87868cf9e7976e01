/**
 * Escaping and formatting for the status page. Names, URIs and Call-IDs come from the SRC's
 * metadata and SIP headers, so every one of them is escaped before it is printed, in text and
 * in (always double-quoted) attributes alike.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG text or a quoted attribute value. Control characters become U+FFFD. */
export function escapeHtml(s: unknown): string {
  return String(s)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** `m:ss`, `h:mm:ss`, or with tenths (`0:02.6`). */
export function formatDuration(seconds: number, tenths = false): string {
  const total = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
  const whole = tenths ? Math.floor(total) : Math.round(total);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const frac = tenths ? `.${Math.floor((total - whole) * 10)}` : '';
  const ss = `${String(s).padStart(2, '0')}${frac}`;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Bytes as `812 B`, `41.3 kB`, `2.1 MB`. */
export function formatBytes(n: number): string {
  if (n < 0) return 'missing';
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** An ISO time as `2026-12-06 19:55:24` (UTC), or the text itself when it does not parse. */
export function formatTime(isoTime: string | undefined): string {
  if (isoTime === undefined) return '';
  const t = Date.parse(isoTime);
  if (!Number.isFinite(t)) return isoTime;
  return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}
