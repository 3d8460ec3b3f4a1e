/**
 * Times a claim scene in the built page (headless Chromium, WASM): from window.playground.scene()
 * to the final verdict, data loading included. Prints the verdict; never asserts a time.
 */
// npx tsx scripts/scene-browser-time.ts SCENE [SEED]: the built page trains a scene; prints the time from the click to the final verdict.
import { launchChromium } from '../src/cli/chromium';
import { serveBuiltApp } from '../test/browser/builtApp';
const [id = 'align-uniform', seed = '1'] = process.argv.slice(2);
const app = await serveBuiltApp();
const browser = await launchChromium();
const page = await browser.context.newPage();
await page.setViewportSize({ width: 1280, height: 720 });
await page.goto(`${app.url}?backend=wasm`);
await page.getByTestId('scene-select').waitFor({ timeout: 120_000 });
const t0 = Date.now();
await page.evaluate(([i, s]) => window.playground!.scene(i!, Number(s)), [id, seed]);
await page.waitForFunction(
  () =>
    document.querySelector('[data-testid=scene-verdict]')?.getAttribute('data-final') === 'true',
  undefined,
  { timeout: 900_000, polling: 500 },
);
const s = (Date.now() - t0) / 1000;
console.log(
  `browser ${id} seed ${seed}: final verdict after ${s.toFixed(1)} s: ${await page.getByTestId('scene-verdict').textContent()}`,
);
await page.screenshot({ path: `test-results/scene-${id}-final.png` });
await browser.close();
await app.close();
