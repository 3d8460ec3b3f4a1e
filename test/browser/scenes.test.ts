/**
 * Claim scenes in the built page: a scene's arms train side by side and show their embeddings,
 * the claim's metric and the verdict; talk mode is a stage that fits 1280×720 and 1920×1080
 * without scrolling and without overlaps; the compare table stays within the page's width.
 * Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type BrowserSession } from '../../src/cli/chromium';
import { serveBuiltApp, type ServedApp } from './builtApp';

let app: ServedApp;
let browser: BrowserSession;
const SHOTS = 'test-results';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await serveBuiltApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface Box {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bounding boxes of the stage's key elements, named. */
async function stageBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() => {
    const named: [string, string][] = [
      ['claim', '[data-testid=scene-claim]'],
      ['embedding', '[data-testid=scene-embedding]'],
      ['metric', '[data-testid=scene-metric]'],
      ['formula', '.scene-formula'],
    ];
    const out: { name: string; x: number; y: number; width: number; height: number }[] = [];
    for (const [name, selector] of named)
      document.querySelectorAll(selector).forEach((el, i) => {
        const r = el.getBoundingClientRect();
        out.push({ name: `${name}${i}`, x: r.x, y: r.y, width: r.width, height: r.height });
      });
    return out;
  });
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0.5 && h > 0.5 ? w * h : 0;
}

describe('claim scenes', () => {
  test('a scene trains its arms side by side, shows the verdict, and its talk stage fits 1280×720 and 1920×1080', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${app.url}?backend=wasm`);
    await page.getByTestId('scene-select').waitFor({ timeout: 120_000 });
    await page.getByTestId('scene-select').selectOption('align-uniform');
    await page.getByTestId('scene-start').click();
    await page.getByTestId('scene-stage').waitFor({ timeout: 30_000 });
    // Both arms have evaluated (step 0 at least): two embeddings drawn, a verdict in words.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=scene-embedding] canvas').length === 2,
      undefined,
      { timeout: 240_000 },
    );
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=scene-verdict]')?.getAttribute('data-status') !==
        'pending',
      undefined,
      { timeout: 240_000 },
    );
    const verdict = await page.getByTestId('scene-verdict').textContent();
    expect(verdict).toMatch(/uniformity: L_align \+ L_uniform -?\d.* vs L_align only -?\d/);
    const api = await page.evaluate(() => window.playground!.sceneVerdict()?.status);
    expect(['holds', 'fails']).toContain(api);
    await page.screenshot({ path: `${SHOTS}/scene-normal-1280x720.png` });

    // The compare table (the page's own run + two arms) stays within the page's width: it scrolls
    // inside its card rather than being cut off.
    const table = await page.evaluate(() => {
      const t = document.querySelector('[data-testid=compare-table]')!;
      const wrap = t.parentElement!;
      const r = wrap.getBoundingClientRect();
      return {
        right: r.right,
        viewport: window.innerWidth,
        scrolls: getComputedStyle(wrap).overflowX === 'auto',
        fits: wrap.scrollWidth <= wrap.clientWidth + 1,
        rows: t.querySelectorAll('tbody tr').length,
      };
    });
    expect(table.rows).toBeGreaterThanOrEqual(2);
    expect(table.right).toBeLessThanOrEqual(table.viewport + 0.5);
    expect(table.fits || table.scrolls).toBe(true);

    await page.keyboard.press('t');
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${SHOTS}/scene-talk-${width}x${height}.png` });
      const boxes = await stageBoxes(page);
      const names = boxes.map((b) => b.name);
      expect(names).toEqual(
        expect.arrayContaining(['claim0', 'embedding0', 'embedding1', 'metric0', 'formula0']),
      );
      for (const b of boxes) {
        expect(b.x, `${b.name} at ${width}×${height}`).toBeGreaterThanOrEqual(-0.5);
        expect(b.y, `${b.name} at ${width}×${height}`).toBeGreaterThanOrEqual(-0.5);
        expect(b.x + b.width, `${b.name} at ${width}×${height}`).toBeLessThanOrEqual(width + 0.5);
        expect(b.y + b.height, `${b.name} at ${width}×${height}`).toBeLessThanOrEqual(height + 0.5);
      }
      // The embeddings are big enough to see, and nothing overlaps.
      for (const b of boxes.filter((x) => x.name.startsWith('embedding')))
        expect(b.height, `${b.name} height at ${width}×${height}`).toBeGreaterThan(height * 0.25);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++)
          expect(
            overlap(boxes[i]!, boxes[j]!),
            `${boxes[i]!.name} and ${boxes[j]!.name} at ${width}×${height}`,
          ).toBe(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
