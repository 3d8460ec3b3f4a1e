/**
 * Times claim scenes in the built page (headless Chromium, WASM): from window.playground.scene()
 * to the final verdict, data loading included, each scene in a fresh page. Prints each verdict;
 * never asserts a time.
 */
// npx tsx scripts/scene-browser-time.ts SCENE[,SCENE…]|all [SEED]: the built page trains each scene; prints the time from the click to the final verdict.
import { launchChromium } from '../src/cli/chromium';
import { SCENES } from '../src/scenes';
import { serveBuiltApp } from '../test/browser/builtApp';
const [which = 'align-uniform', seed = '1'] = process.argv.slice(2);
const ids = which === 'all' ? SCENES.map((s) => s.id) : which.split(',');
const app = await serveBuiltApp();
const browser = await launchChromium();
for (const id of ids) {
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
  await page.close();
}
await browser.close();
await app.close();
