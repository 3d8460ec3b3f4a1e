/**
 * "Export to PyTorch" in the built page: after two training steps the button downloads a zip with
 * the project of pytorch/EXPORT_FORMAT.md (sources, vectors, run.json, data/, the run's weights at
 * step 2, README.md), and "export run" saves the run's JSON with the same weights.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { unzipSync } from 'fflate';
import type { BrowserSession } from '../../src/cli/chromium';
import { withAppAndChromium, type ServedApp } from './builtApp';
import { presetById } from '../../src/presets';

let app: ServedApp;
let browser: BrowserSession;

withAppAndChromium((a, b) => {
  app = a;
  browser = b;
});

const jsonFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json'));

test('Export to PyTorch downloads the project of the active run, with its weights', async () => {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${app.url}?backend=wasm`);
  await page.waitForFunction(() => Boolean(window.playground));
  const preset = presetById('supcon-mnist').config;
  const config = {
    ...preset,
    dataset: { name: 'mnist', nTrain: 200, nTest: 100 },
    batchSize: 16,
    evalEvery: 2,
    evaluation: { maxTrain: 200, maxTest: 100, knnK: 5 },
  };
  const metrics = await page.evaluate(async (c) => {
    window.playground!.configure(c);
    return window.playground!.train({ steps: 2 });
  }, config);
  expect(metrics?.step).toBe(2);

  const button = page.getByRole('button', { name: 'Export to PyTorch' });
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toMatch(/^pytorch-supcon-mnist-step2\.zip$/);
  const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const folder = 'pytorch-supcon-mnist-step2/';
  const names = Object.keys(zip);
  expect(names.every((n) => n.startsWith(folder))).toBe(true);
  const files = Object.fromEntries(names.map((n) => [n.slice(folder.length), zip[n]!]));
  for (const required of [
    'README.md',
    'train.py',
    'check_vectors.py',
    'cplay/__init__.py',
    'cplay/functional.py',
    'cplay/models.py',
    'run.json',
    'data/dataset.json',
    'data/train/x.npy',
    'data/test/x.npy',
    'data/train/labels/digit.npy',
    'weights/weights.json',
    'weights/000.npy',
  ])
    expect(files[required], required).toBeDefined();
  expect(names.filter((n) => n.includes('/vectors/public/')).length).toBe(
    jsonFiles('test/vectors').length,
  );
  expect(names.filter((n) => n.includes('/vectors/extra/')).length).toBe(
    jsonFiles('test/vectors-extra').length,
  );
  const text = (path: string) => new TextDecoder().decode(files[path]);
  const run = JSON.parse(text('run.json'));
  expect(run.format).toBe('cplay-export/1');
  expect(run.config.loss).toEqual(preset.loss);
  expect(run.config.batchSize).toBe(16);
  expect(run.lossStyle).toBe('view-major');
  expect(run.lossParams).toMatchObject({ temperature: 0.1, n_views: 2, variant: 'out' });
  expect(run.source.from).toBe('page');
  expect(run.weights).toEqual({ step: 2, index: 'weights/weights.json' });
  const weights = JSON.parse(text('weights/weights.json'));
  expect(weights.step).toBe(2);
  expect(weights.tensors[0]).toMatchObject({ name: 'encoder.trunk.0.weight', shape: [784, 256] });
  const dataset = JSON.parse(text('data/dataset.json'));
  expect(dataset.splits.train.n).toBe(200);
  expect(dataset.splits.test.n).toBe(100);
  // The .npy of the first layer holds 784 × 256 float32 after its header.
  expect(files['weights/000.npy']!.length).toBeGreaterThan(784 * 256 * 4);
  expect(text('README.md')).toContain('torchrun --standalone --nproc_per_node K train.py');

  const [runDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'export run' }).click(),
  ]);
  const saved = JSON.parse(readFileSync(await runDownload.path(), 'utf8'));
  expect(saved.config.loss).toEqual(preset.loss);
  expect(saved.weights.step).toBe(2);
  expect(saved.weights.tensors.length).toBe(weights.tensors.length);
  expect(saved.weights.tensors[0]).toMatchObject({ shape: [784, 256], dtype: 'float32' });
  expect(errors).toEqual([]);
  await page.close();
});
