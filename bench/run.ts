/**
 * Runs every bench/*.bench.ts in sequence (each exports `run(): Promise<void>`).
 * Usage: `npm run bench` or `npx tsx bench/run.ts [name-filter]`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || f.includes(filter)))
  .sort();

for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    console.error(`${f}: no exported run()`);
    process.exitCode = 1;
    continue;
  }
  console.log(`== ${f}`);
  await mod.run();
}
