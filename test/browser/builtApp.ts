/**
 * Builds the app once (vite build) and serves it with vite preview on a free loopback port; and
 * the setup the browser test files share (withAppAndChromium).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type BrowserSession } from '../../src/cli/chromium';

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

export async function serveBuiltApp(): Promise<ServedApp> {
  const outDir = mkdtempSync(join(tmpdir(), 'cp-dist-'));
  await build({ logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server: PreviewServer = await preview({
    logLevel: 'error',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report its address');
  return {
    url,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * One test file's setup: the built app served and Chromium launched before its tests (and the
 * screenshot folder made), both closed after them. `ready` hands them to the file.
 */
export function withAppAndChromium(
  ready: (app: ServedApp, browser: BrowserSession) => void,
  screenshots?: string,
): void {
  let app: ServedApp | undefined;
  let browser: BrowserSession | undefined;
  beforeAll(async () => {
    if (screenshots) mkdirSync(screenshots, { recursive: true });
    app = await serveBuiltApp();
    browser = await launchChromium();
    ready(app, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
}
