/**
 * The built playground in headless Chromium, training on WebGPU (SwiftShader here): loads offline
 * with no console error and no foreign request, draws every plot, runs every preset a few steps
 * through window.playground and through the controls, round-trips the URL, handles an invalid
 * link, answers the keyboard, and keeps the main thread free while training. Screenshots go to
 * test-results/.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserSession } from '../../src/cli/chromium';
import { withAppAndChromium, type ServedApp } from './builtApp';
import { PRESETS } from '../../src/presets';
import { encode } from 'fast-png';
import { gzipSync } from 'node:zlib';
import { nifti } from '../unit/data/files';

let app: ServedApp;
let browser: BrowserSession;
const SHOTS = 'test-results';

interface PageWatch {
  errors: string[];
  foreign: string[];
}

async function openApp(
  query = '?backend=webgpu',
  hash = '',
): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1500, height: 1000 });
  const watch: PageWatch = { errors: [], foreign: [] };
  const origin = new URL(app.url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
  });
  page.on('pageerror', (e) => watch.errors.push(e.message));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http') && url.origin !== origin) watch.foreign.push(r.url());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => w.longTasks.push(e.duration)),
    ).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  // Runs are saved in IndexedDB and restored on load (state/persistence.ts): every test here
  // starts from an empty store, as the counts of runs below assume.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
  await cdp.detach();
  await page.goto(`${app.url}${query}${hash}`);
  return { page, watch };
}

/** A small budget for a preset: few samples, small batches, quick evaluations. */
function smallConfig(config: Record<string, unknown>): Record<string, unknown> {
  const dataset = config.dataset as Record<string, unknown>;
  return {
    // A preset is a whole config: clear the optional sections an earlier one may have set.
    regularizer: null,
    kernel: null,
    salientEncoder: null,
    salientDim: null,
    augment: null,
    prior: null,
    transfer: null,
    ...config,
    dataset: { ...dataset, nTrain: 200, nTest: 100 },
    batchSize: 16,
    evalEvery: 2,
    evaluation: { maxTrain: 200, maxTest: 100, knnK: 5 },
  };
}

/** A 16×16 grey PNG: class 0 a bright left half, class 1 a bright top half, with some noise. */
function classPng(cls: number, seed: number): Buffer {
  const size = 16;
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const on = cls === 0 ? x < size / 2 : y < size / 2;
      data[y * size + x] = (on ? 200 : 30) + ((x * 7 + y * 13 + seed * 31) % 40);
    }
  return Buffer.from(encode({ width: size, height: size, data, channels: 1, depth: 8 }));
}

/** A minimal gzipped NIfTI-1 volume (uint8, 16×16×3), its voxels varying with `seed`. */
function niftiGz(seed: number): Buffer {
  return gzipSync(nifti(16, 16, 3, { voxel: (i) => (i * 3 + seed * 17) % 220 }));
}

withAppAndChromium((a, b) => {
  app = a;
  browser = b;
}, SHOTS);

describe('the playground', () => {
  test('loads, draws the first plot, and picks a backend with a reason', async () => {
    const t0 = Date.now();
    const { page, watch } = await openApp('');
    // The first picture is a canvas preview of the points (Plotly loads after it); a benchmark
    // target (3 s), printed, never asserted. test/browser/firstPlot.ts measures cold loads.
    await page
      .locator(
        '[aria-label="Embedding"] [data-testid=embedding-preview], [aria-label="Embedding"] .js-plotly-plot',
      )
      .first()
      .waitFor({ timeout: 120_000 });
    console.log(`first embedding picture after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await page
      .locator('[aria-label="Embedding"] .js-plotly-plot')
      .first()
      .waitFor({ timeout: 120_000 });
    console.log(`first embedding plot after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const badge = page.getByTestId('backend-badge');
    await expect(badge.textContent()).resolves.toMatch(/WASM|WEBGPU|WEBGL|CPU/);
    // SwiftShader is a software adapter: the automatic choice prefers WASM and says why.
    await expect(badge.getAttribute('title')).resolves.toMatch(/swiftshader|WebGPU/i);
    await page.screenshot({ path: `${SHOTS}/playground-initial.png` });
    expect(watch.errors).toEqual([]);
    expect(watch.foreign).toEqual([]);
    await page.close();
  });

  test('hovering a point of the embedding shows its image and augmented views', async () => {
    const { page, watch } = await openApp('?backend=wasm');
    await page
      .locator('[aria-label="Embedding"] .js-plotly-plot')
      .first()
      .waitFor({ timeout: 120_000 });
    // Screen position of the first drawn point (Plotly's own axes convert data to pixels).
    const point = await page.waitForFunction(() => {
      type Axis = { _offset: number; l2p(v: number): number };
      const gd = document.querySelector('[aria-label="Embedding"] .js-plotly-plot') as unknown as {
        _fullLayout?: { xaxis: Axis; yaxis: Axis };
        _fullData?: {
          customdata?: ArrayLike<number>;
          x: ArrayLike<number>;
          y: ArrayLike<number>;
        }[];
        getBoundingClientRect(): DOMRect;
      } | null;
      const trace = gd?._fullData?.find((t) => t.customdata && t.customdata.length > 0);
      if (!gd?._fullLayout || !trace) return null;
      const { xaxis, yaxis } = gd._fullLayout;
      const rect = gd.getBoundingClientRect();
      return {
        x: rect.left + xaxis._offset + xaxis.l2p(Number(trace.x[0])),
        y: rect.top + yaxis._offset + yaxis.l2p(Number(trace.y[0])),
      };
    });
    const { x, y } = (await point.jsonValue())!;
    await page.mouse.move(x - 20, y - 20);
    await page.mouse.move(x, y, { steps: 4 });
    await page.waitForSelector('[data-testid=sample-card][data-status=ready]', { timeout: 60_000 });
    const card = page.getByTestId('sample-card');
    await expect(card.getByTestId('sample-original').count()).resolves.toBe(1);
    await expect(card.getByTestId('sample-view').count()).resolves.toBe(2);
    await expect(card.getByTestId('sample-facts').textContent()).resolves.toMatch(/digit: \d/);
    // Every canvas holds a picture: opaque pixels of more than one value (a digit on black).
    const distinct = await card.locator('canvas').evaluateAll((canvases) =>
      canvases.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const values = new Set<number>();
        for (let i = 0; i < d.length; i += 4) values.add(d[i]!);
        return values.size;
      }),
    );
    expect(distinct).toHaveLength(3);
    for (const n of distinct) expect(n).toBeGreaterThan(8);
    await page.screenshot({ path: `${SHOTS}/playground-hover.png` });
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  test('window.playground trains every preset a few steps, and every plot draws', async () => {
    const { page, watch } = await openApp('');
    await page.waitForFunction(() => Boolean(window.playground));
    for (const preset of PRESETS) {
      const metrics = await page.evaluate(async (config) => {
        window.playground!.configure(config);
        return window.playground!.train({ steps: 2 });
      }, smallConfig(preset.config));
      expect(metrics?.step, preset.id).toBe(2);
      expect(Number.isFinite(metrics?.loss), `${preset.id} loss`).toBe(true);
      expect(Number.isFinite(metrics?.uniformity), `${preset.id} uniformity`).toBe(true);
    }
    for (const id of ['plot-loss', 'plot-align-uniform', 'plot-metrics', 'plot-histograms']) {
      await page
        .getByTestId(id)
        .locator('.js-plotly-plot .main-svg')
        .first()
        .waitFor({ timeout: 30_000 });
    }
    await page.locator('[aria-label="Embedding"] .js-plotly-plot').first().waitFor();
    // The first run (loaded with the page) plus one per preset, all kept for comparison.
    await expect(page.getByTestId('compare-table').locator('tbody tr').count()).resolves.toBe(
      PRESETS.length + 1,
    );
    await page.screenshot({ path: `${SHOTS}/playground-presets.png`, fullPage: true });
    expect(watch.errors).toEqual([]);
    expect(watch.foreign).toEqual([]);
    await page.close();
  });

  test('on the WebGPU backend (SwiftShader here) a run trains and evaluates', async () => {
    const { page, watch } = await openApp('?backend=webgpu');
    await page.waitForFunction(() => Boolean(window.playground));
    const metrics = await page.evaluate(async (config) => {
      window.playground!.configure(config);
      return window.playground!.train({ steps: 2 });
    }, smallConfig(PRESETS[1]!.config));
    expect(await page.evaluate(() => window.playground!.backend()?.backend)).toBe('webgpu');
    expect(metrics?.step).toBe(2);
    expect(Number.isFinite(metrics?.loss)).toBe(true);
    expect(Number.isFinite(metrics?.knnAccuracy)).toBe(true);
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  test('the controls and the keyboard run a scene, step, pause, reset and switch talk mode', async () => {
    const { page, watch } = await openApp('?backend=wasm');
    await page.waitForFunction(() => Boolean(window.playground));
    // Make the first scene cheap, then launch it through the controls. Many steps, so the run
    // cannot finish (a finished run is never 'paused') before the pause below.
    await page.evaluate((config) => window.playground!.configure(config), {
      ...smallConfig(PRESETS[1]!.config),
      steps: 100_000,
    });
    const stage = (name: string) => console.log(`controls: ${name}`);
    stage('step');
    await page.getByTestId('step').click();
    // A step shows its count before the evaluation that follows it, and the run is 'paused' only
    // after that evaluation: the play button means "pause" until then, so wait for both.
    await page.waitForFunction(
      () =>
        /step [1-9]/.test(document.querySelector('[data-testid=step-count]')?.textContent ?? '') &&
        document.querySelector('[data-testid=run-status]')?.textContent === 'paused',
      null,
      {
        timeout: 60_000,
      },
    );
    stage('play');
    await page.getByTestId('play').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=run-status]')?.textContent === 'running',
    );
    stage('pause');
    await page.getByTestId('play').click(); // pause
    await page.waitForFunction(
      () => document.querySelector('[data-testid=run-status]')?.textContent === 'paused',
      null,
      {
        timeout: 60_000,
      },
    );
    stage('keys');
    const before = await page.evaluate(() => window.playground!.metrics().length);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=run-status]')?.textContent === 'paused',
    );
    await page.keyboard.press('t');
    await expect(page.locator('.app.talk').count()).resolves.toBe(1);
    await page.screenshot({ path: `${SHOTS}/playground-talk-mode.png` });
    await page.keyboard.press('t');
    await page.keyboard.press('r');
    await page.waitForFunction(() =>
      /step 0\//.test(document.querySelector('[data-testid=step-count]')?.textContent ?? ''),
    );
    expect(before).toBeGreaterThan(0);
    // Scene 1 from the keyboard: sets the configuration, shows its caption and starts running.
    stage('scene 1');
    await page.keyboard.press('1');
    await expect(page.getByTestId('preset-caption').textContent()).resolves.toContain(
      PRESETS[0]!.caption.slice(0, 20),
    );
    await page.waitForFunction(
      () => document.querySelector('[data-testid=run-status]')?.textContent === 'running',
      null,
      {
        timeout: 60_000,
      },
    );
    await page.keyboard.press(' ');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=run-status]')?.textContent === 'paused',
      null,
      {
        timeout: 120_000,
      },
    );
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  test('every scene runs a few steps from the scene menu, then pauses', async () => {
    const { page, watch } = await openApp('?backend=wasm');
    await page.waitForFunction(() => Boolean(window.playground));
    for (const preset of PRESETS) {
      console.log(`scene from the menu: ${preset.id}`);
      await page.getByTestId('preset-select').selectOption(preset.id);
      await expect(page.getByTestId('preset-caption').textContent()).resolves.toBe(preset.caption);
      // The full preset (its own data set, encoder and batch) trains: wait for its first steps.
      await page.waitForFunction(
        () =>
          /step [1-9]/.test(document.querySelector('[data-testid=step-count]')?.textContent ?? ''),
        null,
        { timeout: 180_000 },
      );
      await page.getByTestId('play').click(); // pause
      await page.waitForFunction(
        () => document.querySelector('[data-testid=run-status]')?.textContent === 'paused',
        null,
        { timeout: 120_000 },
      );
      const config = await page.evaluate(() => window.playground!.getConfig());
      expect(config.dataset.name).toBe((preset.config.dataset as { name: string }).name);
      expect(config.loss.name).toBe((preset.config.loss as { name: string }).name);
    }
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 900_000);

  test('the URL carries the configuration and seed; an invalid link gets a message and the defaults', async () => {
    const { page } = await openApp('?backend=wasm');
    await page.waitForFunction(() => Boolean(window.playground));
    await page.evaluate(() => window.playground!.configure({ seed: 4242, batchSize: 48 }));
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toMatch(/^#config=/);
    await page.close();
    const reopened = await openApp('?backend=wasm', hash);
    await reopened.page.waitForFunction(() => Boolean(window.playground));
    const config = await reopened.page.evaluate(() => window.playground!.getConfig());
    expect(config.seed).toBe(4242);
    expect(config.batchSize).toBe(48);
    await reopened.page.close();

    const broken = await openApp('?backend=wasm', '#config=not-base64-json!!');
    await broken.page.waitForFunction(() => Boolean(window.playground));
    await expect(broken.page.getByRole('alert').first().textContent()).resolves.toMatch(
      /could not be decoded|not valid/,
    );
    await expect(broken.page.locator('h1').textContent()).resolves.toContain(
      'Contrastive Playground',
    );
    const invalid = Buffer.from(JSON.stringify({ loss: { name: 'nope' } })).toString('base64url');
    const wrong = await openApp('?backend=wasm', `#config=${invalid}`);
    await wrong.page.waitForFunction(() => Boolean(window.playground));
    await expect(wrong.page.getByRole('alert').first().textContent()).resolves.toMatch(/not valid/);
    await broken.page.close();
    await wrong.page.close();
  });

  test('your own data: chosen files load in the worker, bad ones are listed, the rest trains', async () => {
    const { page, watch } = await openApp('?backend=wasm');
    await page.waitForFunction(() => Boolean(window.playground));
    await page.evaluate(() =>
      window.playground!.configure({
        batchSize: 8,
        evalEvery: 2,
        evaluation: { maxTrain: 64, maxTest: 32, knnK: 3 },
        regularizer: null,
        kernel: null,
        prior: null,
        transfer: null,
      }),
    );
    await page.getByTestId('dataset').selectOption('user-images');
    // A JPEG made by the browser itself (Node has no encoder here).
    const jpegBase64 = await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(16, 16);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#ddd';
      ctx.fillRect(0, 0, 8, 16);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg' });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    });
    const rows = ['file,label,age'];
    const files: { name: string; mimeType: string; buffer: Buffer }[] = [];
    for (let i = 0; i < 20; i++) {
      const cls = i % 2;
      files.push({ name: `img${i}.png`, mimeType: 'image/png', buffer: classPng(cls, i) });
      rows.push(`img${i}.png,${cls ? 'top' : 'left'},${20 + i}`);
    }
    files.push({
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from(jpegBase64, 'base64'),
    });
    rows.push('photo.jpg,left,41');
    files.push({ name: 'scan.nii.gz', mimeType: 'application/gzip', buffer: niftiGz(1) });
    rows.push('scan.nii.gz,top,42');
    files.push({
      name: 'broken.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not a png at all'),
    });
    rows.push('broken.png,top,43'); // line 24: unreadable
    rows.push('ghost.png,left,44'); // line 25: no such file
    rows.push('img0.png,left,old'); // line 26: not a number
    files.push({ name: 'labels.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.getByTestId('upload-files').setInputFiles(files);
    await expect(page.getByTestId('upload-summary').textContent()).resolves.toMatch(
      /24 files · 22 images · 1 NIfTI · CSV: labels\.csv/,
    );
    await page.waitForSelector('[data-testid=data-problems]', { timeout: 60_000 });
    const problems = await page.evaluate(() => window.playground!.dataProblems());
    expect(problems.map((p) => p.line)).toEqual([24, 25, 26]);
    expect(problems[0]).toMatchObject({ file: 'broken.png' });
    expect(problems[1]!.message).toMatch(/not found/);
    await expect(page.getByTestId('data-problems').textContent()).resolves.toMatch(
      /3 problems.*broken\.png, line 24/,
    );
    const info = await page.evaluate(() => window.playground!.dataset());
    expect(info?.id).toBe('user-images');
    expect(info?.imageShape).toEqual({ height: 16, width: 16, channels: 1 });
    expect(info?.labels[0]?.classNames).toEqual(['left', 'top']);
    expect(info?.attributes.map((a) => a.name)).toEqual(['age']);
    // The data card says what was loaded, with the parameters in use.
    await expect(page.getByTestId('data-card').textContent()).resolves.toMatch(
      /Your images \(labels\.csv\)[\s\S]*Uploaded by the user[\s\S]*"csv": "labels\.csv"/,
    );
    const metrics = await page.evaluate(() => window.playground!.train({ steps: 2 }));
    expect(metrics?.step).toBe(2);
    expect(Number.isFinite(metrics?.loss)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/playground-own-images.png` });

    // Loose NIfTI volumes without a CSV: one unlabelled set that trains.
    await page.getByTestId('upload-files').setInputFiles(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => ({
        name: `sub-${i}.nii.gz`,
        mimeType: 'application/gzip',
        buffer: niftiGz(i),
      })),
    );
    await page.waitForFunction(
      () => window.playground!.dataset()?.labels[0]?.classNames[0] === '(unlabelled)',
      null,
      { timeout: 60_000 },
    );
    expect(await page.evaluate(() => window.playground!.getConfig().dataset['csv'])).toBeNull();
    const volumeMetrics = await page.evaluate(() => window.playground!.train({ steps: 2 }));
    expect(Number.isFinite(volumeMetrics?.loss)).toBe(true);

    // A CSV of features: a bad row is named, the others train.
    await page.getByTestId('dataset').selectOption('user-features');
    const features = ['label,f1,f2,f3'];
    for (let i = 0; i < 30; i++) features.push(`${i % 3},${i % 3},${(i * 7) % 5},${i / 10}`);
    features.push('1,2,oops,3'); // line 32
    await page
      .getByTestId('upload-files')
      .setInputFiles([
        { name: 'features.csv', mimeType: 'text/csv', buffer: Buffer.from(features.join('\n')) },
      ]);
    await page.waitForFunction(() => window.playground!.dataset()?.id === 'user-features', null, {
      timeout: 60_000,
    });
    const featureProblems = await page.evaluate(() => window.playground!.dataProblems());
    expect(featureProblems.map((p) => p.line)).toEqual([32]);
    const featureInfo = await page.evaluate(() => window.playground!.dataset());
    expect(featureInfo?.imageShape).toEqual({ height: 1, width: 1, channels: 3 });
    const featureMetrics = await page.evaluate(() => window.playground!.train({ steps: 2 }));
    expect(featureMetrics?.step).toBe(2);

    // A link never carries the files: reopening it says so and keeps the page usable.
    const hash = await page.evaluate(() => location.hash);
    await page.close();
    const reopened = await openApp('?backend=wasm', hash);
    await reopened.page.waitForFunction(() => Boolean(window.playground));
    await reopened.page.waitForFunction(
      () =>
        /no files chosen/.test(document.querySelector('[data-testid=notice]')?.textContent ?? ''),
      null,
      { timeout: 60_000 },
    );
    await expect(reopened.page.getByTestId('upload-summary').textContent()).resolves.toMatch(
      /No files chosen/,
    );
    await reopened.page.close();
    expect(watch.errors).toEqual([]);
  }, 300_000);

  test('training leaves the main thread free (no long task over 50 ms while the worker trains)', async () => {
    const { page } = await openApp('?backend=wasm');
    await page.waitForFunction(() => Boolean(window.playground));
    // window.playground exists before the page has finished starting (the UI and Plotly load as
    // chunks of their own, Plotly after the first picture): measure after start-up, not during it.
    await page
      .locator('[aria-label="Embedding"] .js-plotly-plot')
      .first()
      .waitFor({ timeout: 120_000 });
    await page.evaluate((config) => window.playground!.configure(config), {
      ...smallConfig(PRESETS[0]!.config),
      evalEvery: 1000,
    });
    await page.evaluate(() => window.playground!.train({ steps: 1 }));
    // The new run's frames (its embedding at step 1, the curves) are drawn before measuring.
    await page
      .locator('.js-plotly-plot[aria-label="Embedding of 100 held-out samples at step 1"]')
      .waitFor({ timeout: 60_000 });
    for (const id of ['plot-loss', 'plot-align-uniform', 'plot-metrics'])
      await page.getByTestId(id).locator('.js-plotly-plot .main-svg').first().waitFor();
    await page.waitForTimeout(1000);
    const longTasks = await page.evaluate(async () => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      await window.playground!.train({ steps: 8 });
      return w.longTasks;
    });
    console.log(
      `long tasks during training: ${JSON.stringify(longTasks.map((d) => Math.round(d)))}`,
    );
    expect(longTasks.filter((d) => d > 50)).toEqual([]);
    await page.close();
  });
});
