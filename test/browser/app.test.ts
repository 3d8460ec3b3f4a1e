/** The built app in headless Chromium: loads offline, no console error, no request off its origin. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, type BrowserSession } from '../../src/cli/chromium';
import { serveBuiltApp, type ServedApp } from './builtApp';

let app: ServedApp;
let browser: BrowserSession;

beforeAll(async () => {
  app = await serveBuiltApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test('the page loads from its own origin without console errors', async () => {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const foreign: string[] = [];
  const origin = new URL(app.url).origin;
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http') && url.origin !== origin) foreign.push(r.url());
  });
  await page.goto(app.url);
  await expect(page.locator('h1').textContent()).resolves.toContain('Contrastive Playground');
  await expect(page.locator('li code').first().textContent()).resolves.toBe('nt_xent');
  expect(errors).toEqual([]);
  expect(foreign).toEqual([]);
  await page.close();
});
