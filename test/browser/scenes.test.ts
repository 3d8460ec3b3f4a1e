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
import { readValue, sceneById, trainedResultsFor } from '../../src/scenes';
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
    // A scene started from the scripting API shows in the claim bar as the one chosen.
    for (const [id, seed] of [
      ['fairkl', 3],
      ['supcon-vs-infonce', 1],
    ] as const) {
      await page.evaluate(([i, s]) => window.playground!.scene(i, s), [id, seed] as const);
      await page.waitForFunction(
        (i) =>
          (document.querySelector('[data-testid=scene-select]') as HTMLSelectElement).value === i,
        id,
        { timeout: 10_000 },
      );
      expect(await page.getByTestId('scene-seed').inputValue()).toBe(String(seed));
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('talk mode without a scene: the embedding is above the fold, the probe titles apart, the compare table within its card (1280×720, 1600×1000, 1920×1080)', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.goto(`${app.url}?backend=wasm`);
    await page.getByTestId('scene-select').waitFor({ timeout: 120_000 });
    // Four runs with bias metrics: six probe panels, eleven metric columns in the table.
    for (const lr of [0.001, 0.002, 0.003, 0.004])
      await page.evaluate(async (lr) => {
        window.playground!.configure({
          dataset: { name: 'colored-mnist', rho: 0.99, nTrain: 600, nTest: 300 },
          encoder: { name: 'mlp', hidden: [32], projectionHidden: 32 },
          optimizer: { name: 'adam', lr },
          steps: 4,
          evalEvery: 2,
          evaluation: { maxTrain: 300, maxTest: 300, knnK: 5 },
        });
        await window.playground!.train({ steps: 4 });
      }, lr);
    await page.keyboard.press('t');
    for (const [width, height] of [
      [1280, 720],
      [1600, 1000],
      [1920, 1080],
    ] as const) {
      const at = `at ${width}×${height}`;
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(1000);
      await page.screenshot({ path: `${SHOTS}/talk-${width}x${height}.png` });
      const embedding = await page.getByTestId('embedding-card').boundingBox();
      expect(embedding, at).not.toBeNull();
      expect(embedding!.y, `embedding top ${at}`).toBeGreaterThanOrEqual(0);
      expect(embedding!.y + embedding!.height, `embedding bottom ${at}`).toBeLessThanOrEqual(
        height + 0.5,
      );
      expect(embedding!.x + embedding!.width, `embedding right ${at}`).toBeLessThanOrEqual(width);
      expect(embedding!.height, `embedding height ${at}`).toBeGreaterThan(height * 0.5);

      await page.getByTestId('plot-metrics').scrollIntoViewIfNeeded();
      // The plot follows its width (a ResizeObserver, then a throttled redraw).
      await page.waitForTimeout(2500);
      await page
        .getByTestId('plot-metrics')
        .screenshot({ path: `${SHOTS}/talk-probes-${width}x${height}.png` });
      const titles = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=plot-metrics] g.annotation')].map((el) => {
          const r = el.getBoundingClientRect();
          return { name: el.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
        }),
      );
      const card = (await page.getByTestId('plot-metrics').boundingBox())!;
      expect(titles.length, `probe titles ${at}`).toBeGreaterThanOrEqual(6);
      for (const t of titles) {
        expect(t.x, `${t.name} ${at}`).toBeGreaterThanOrEqual(card.x - 0.5);
        expect(t.x + t.width, `${t.name} ${at}`).toBeLessThanOrEqual(card.x + card.width + 0.5);
      }
      for (let i = 0; i < titles.length; i++)
        for (let j = i + 1; j < titles.length; j++)
          expect(
            overlap(titles[i]!, titles[j]!),
            `"${titles[i]!.name}" and "${titles[j]!.name}" ${at}`,
          ).toBe(0);

      await page.getByTestId('compare-table').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/talk-compare-${width}x${height}.png` });
      const table = await page.evaluate(() => {
        const t = document.querySelector('[data-testid=compare-table]')!;
        const wrap = t.parentElement!;
        const r = wrap.getBoundingClientRect();
        return {
          right: r.right,
          fits: wrap.scrollWidth <= wrap.clientWidth + 1,
          scrolls: getComputedStyle(wrap).overflowX === 'auto',
          rows: t.querySelectorAll('tbody tr').length,
          columns: t.querySelectorAll('thead th').length,
        };
      });
      expect(table.rows, at).toBeGreaterThanOrEqual(4);
      // run, step, actions and the eight metrics these runs have at least.
      expect(table.columns, at).toBeGreaterThanOrEqual(11);
      expect(table.right, `table right edge ${at}`).toBeLessThanOrEqual(width + 0.5);
      // From 1600 px on, every column shows; narrower, the table scrolls inside its card.
      if (width >= 1600) expect(table.fits, `table fits ${at}`).toBe(true);
      else expect(table.fits || table.scrolls, at).toBe(true);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('jump to the trained result: the arms load at the trained step with the recorded metrics, and keep training from there', async () => {
    const scene = sceneById('supcon-vs-infonce');
    const trained = trainedResultsFor(scene);
    expect(trained, 'supcon-vs-infonce has an up-to-date trained result').not.toBeNull();
    const steps = trained!.supcon!.steps;
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${app.url}?backend=wasm`);
    await page.getByTestId('scene-select').waitFor({ timeout: 120_000 });
    await page.getByTestId('scene-select').selectOption(scene.id);
    const started = Date.now();
    await page.getByTestId('scene-trained').click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=scene-verdict]')?.getAttribute('data-final') ===
        'true',
      undefined,
      { timeout: 180_000 },
    );
    console.log(
      `trained result of ${scene.id}: shown with its metrics after ${Date.now() - started} ms`,
    );
    await expect(page.getByTestId('scene-trained-tag').textContent()).resolves.toContain(
      steps.toLocaleString('en'),
    );
    const verdict = await page.evaluate(() => window.playground!.sceneVerdict()!);
    const text = (await page.getByTestId('scene-verdict').textContent()) ?? '';
    for (const v of verdict.comparisons) {
      expect(v.step).toBe(steps);
      for (const [side, value] of [
        [v.comparison.better, v.better!],
        [v.comparison.worse, v.worse!],
      ] as const) {
        const recorded = readValue(side.read, trained![side.read.arm]!.metrics)!;
        // The browser's WASM evaluates the same weights on the same data and seed as Node did.
        expect(
          Math.abs(value - recorded),
          `${side.name}: ${value} vs recorded ${recorded}`,
        ).toBeLessThanOrEqual(1e-6);
        expect(text).toContain(`${side.name} ${recorded.toFixed(3)}`);
      }
    }
    await page.screenshot({ path: `${SHOTS}/scene-trained-1280x720.png` });
    const captions = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=scene-arm] .caption')].map(
          (c) => c.textContent ?? '',
        ),
      );
    for (const c of await captions())
      expect(c).toContain(`step ${steps}/${steps + Number(scene.arms[0]!.config.steps)}`);
    // On the talk stage the trained result keeps its "keep training" button in view.
    await page.keyboard.press('t');
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SHOTS}/scene-trained-talk-1280x720.png` });
    const play = await page.getByTestId('stage-play').boundingBox();
    expect(play).not.toBeNull();
    expect(play!.y + play!.height).toBeLessThanOrEqual(720);
    // Keep training: both arms go on from the trained step (not from 0), and evaluate again.
    await page.getByTestId('stage-play').click();
    const evalEvery = Number(scene.arms[0]!.config.evalEvery);
    await page.waitForFunction(
      (next) => {
        const v = window.playground!.sceneVerdict();
        return v !== undefined && v.comparisons.every((c) => (c.step ?? 0) >= next);
      },
      steps + evalEvery,
      { timeout: 240_000 },
    );
    await page.getByTestId('scene-stop').click();
    const after = await page.evaluate(() => window.playground!.runs());
    const arms = after.filter((r) => r.label.includes('trained'));
    expect(arms).toHaveLength(2);
    for (const r of arms) expect(r.step).toBeGreaterThanOrEqual(steps + evalEvery);
    await expect(page.getByTestId('scene-verdict').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
