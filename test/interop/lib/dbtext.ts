/**
 * A throw-away db_text database for Kamailio modules that insist on a database (presence).
 *
 * db_text keeps one plain-text file per table whose first line declares the columns; the module
 * refuses to start unless each table exists and the `version` table lists the schema version the
 * module was built for. The Debian package ships those files for its own version
 * (/usr/share/kamailio/dbtext/kamailio), so they are copied from there; the embedded copies below
 * (Kamailio 5.6 schema) are only a fallback for machines without that directory.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SHIPPED_DIRS = ['/usr/share/kamailio/dbtext/kamailio', '/usr/local/share/kamailio/dbtext/kamailio'];

/** Kamailio 5.6 db_text headers and versions for the presence tables (fallback only). */
const FALLBACK: Record<string, { version: number; header: string }> = {
  presentity: {
    version: 5,
    header:
      'id(int,auto) username(string) domain(string) event(string) etag(string) expires(int) ' +
      'received_time(int) body(string) sender(string) priority(int) ruid(string,null) ',
  },
  active_watchers: {
    version: 12,
    header:
      'id(int,auto) presentity_uri(string) watcher_username(string) watcher_domain(string) ' +
      'to_user(string) to_domain(string) event(string) event_id(string,null) to_tag(string) ' +
      'from_tag(string) callid(string) local_cseq(int) remote_cseq(int) contact(string) ' +
      'record_route(string,null) expires(int) status(int) reason(string,null) version(int) ' +
      'socket_info(string) local_contact(string) from_user(string) from_domain(string) updated(int) ' +
      'updated_winfo(int) flags(int) user_agent(string,null) ',
  },
  watchers: {
    version: 3,
    header:
      'id(int,auto) presentity_uri(string) watcher_username(string) watcher_domain(string) ' +
      'event(string) status(int) reason(string,null) inserted_time(int) ',
  },
  xcap: {
    version: 4,
    header:
      'id(int,auto) username(string) domain(string) doc(string) doc_type(int) etag(string) ' +
      'source(int) doc_uri(string) port(int) ',
  },
};

/** The tables presence + presence_xml open. */
export const PRESENCE_TABLES = ['presentity', 'active_watchers', 'watchers', 'xcap'] as const;

function shippedDir(): string | undefined {
  return SHIPPED_DIRS.find((d) => existsSync(join(d, 'version')));
}

/**
 * Creates `dir` with empty `tables` (header line only) and a `version` file listing them.
 * Returns the db_url for Kamailio (`text://<dir>`).
 */
export function createDbText(dir: string, tables: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  const src = shippedDir();
  const versions: string[] = ['id(int,auto) table_name(string) table_version(int) ', '0:version:1'];
  const shippedVersions = src ? readFileSync(join(src, 'version'), 'utf8') : '';
  for (const table of tables) {
    let header: string | undefined;
    let version: number | undefined;
    if (src && existsSync(join(src, table))) {
      header = readFileSync(join(src, table), 'utf8').split('\n', 1)[0];
      const m = new RegExp(`^\\d+:${table}:(\\d+)$`, 'm').exec(shippedVersions);
      if (m) version = Number(m[1]);
    }
    header ??= FALLBACK[table]?.header;
    version ??= FALLBACK[table]?.version;
    if (header === undefined || version === undefined) throw new Error(`no db_text schema known for table ${table}`);
    writeFileSync(join(dir, table), `${header}\n`);
    versions.push(`0:${table}:${version}`);
  }
  writeFileSync(join(dir, 'version'), `${versions.join('\n')}\n`);
  return `text://${dir}`;
}
