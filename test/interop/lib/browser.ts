/**
 * A real browser for the WebSocket interop tests: Debian's Chromium driven headless by
 * playwright-core (which downloads no browser), JsSIP bundled for it with esbuild (tsx's own
 * bundler) at test time, and a page served on 127.0.0.1.
 */
import { accessSync, constants } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { FailingTest } from './tools.js';

/**
 * Where Debian puts Chromium; `TSIP_CHROMIUM` points at another binary;
 * `TSIP_INTEROP_HIDE=chromium` makes it look missing (to see the loud failure).
 */
export function chromiumPath(): string | undefined {
  if ((process.env.TSIP_INTEROP_HIDE ?? '').split(',').includes('chromium')) return undefined;
  for (const p of [process.env.TSIP_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p === undefined || p === '') continue;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Fails the test loudly (never skips) when Chromium is not installed. */
export function requireChromium(t: FailingTest): string | undefined {
  const path = chromiumPath();
  if (path !== undefined) return path;
  const msg =
    "INTEROP TOOL MISSING: 'chromium' is not installed (the browser WebSocket tests need it). " +
    'Run `apt-get install chromium` (or `sudo bash scripts/install-interop-tools.sh`, which installs it), then `npm test`.';
  console.error(`\n*** ${msg}\n`);
  t.fail(msg);
  return undefined;
}

/** Launches headless Chromium with fake media devices, nothing reaching off the machine. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    timeout: 20_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
}

/** JsSIP (node_modules/jssip, CommonJS) bundled into one browser script defining `window.JsSIP`. */
export async function bundleJsSip(): Promise<string> {
  const require = createRequire(import.meta.url);
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [require.resolve('jssip')],
    bundle: true,
    format: 'iife',
    globalName: 'JsSIP',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** A page server on 127.0.0.1 (ephemeral port): `/` is `html`, other paths from `files`. */
export async function servePage(html: string, files: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body = path === '/' ? html : files[path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': path === '/' ? 'text/html' : 'application/javascript' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
