/** Serves a test page with an in-process Vite and opens it in headless Chromium. */
import { createServer, type ViteDevServer } from 'vite';
import type { Page } from 'playwright-core';
import { launchChromium, type BrowserSession } from './chromium';

export interface OpenPage {
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export async function openTestPage(html: string, include: string[]): Promise<OpenPage> {
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: process.cwd(),
    logLevel: 'error',
    server: {
      port: 0,
      host: '127.0.0.1',
      strictPort: false,
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
    // Pre-bundle up front so the page never reloads halfway for a newly discovered dependency.
    optimizeDeps: { entries: [html.split('?')[0]!], include },
  });
  await server.listen();
  let browser: BrowserSession | undefined;
  try {
    const address = server.resolvedUrls?.local[0];
    if (!address) throw new Error('the Vite server did not report its address');
    browser = await launchChromium();
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${address}${html}`);
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'ready',
      null,
      { timeout: 120_000 },
    );
    const session = browser;
    return {
      page,
      errors,
      async close() {
        await session.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
