/** Every built-in data set loads in Chromium from the page's own origin (no other request). */
import { expect, test } from 'vitest';
import { openTestPage } from '../../src/cli/browserPage';
import { DATASETS } from '../../src/data';

test('every built-in data set loads in the browser with sane shapes and values', async () => {
  const { page, errors, close } = await openTestPage('test/browser/datasets.html', ['zod']);
  const foreign: string[] = [];
  const origin = new URL(page.url()).origin;
  page.on('request', (r) => {
    if (new URL(r.url()).origin !== origin) foreign.push(r.url());
  });
  try {
    const dataUrl = new URL('/data/', page.url()).href;
    const loaded = await page.evaluate((url) => window.loadAllDatasets(url), dataUrl);
    const builtin = [...DATASETS.values()].filter((d) => d.kind === 'builtin').map((d) => d.id);
    expect(loaded.map((l) => l.id)).toEqual(builtin);
    for (const l of loaded) {
      expect(l.trainN, l.id).toBeGreaterThan(0);
      expect(l.testN, l.id).toBeGreaterThan(0);
      expect(l.min, l.id).toBeGreaterThanOrEqual(0);
      expect(l.max, l.id).toBeLessThanOrEqual(1);
      expect(l.max, l.id).toBeGreaterThan(l.min);
      console.log(`${l.id}: ${l.trainN}/${l.testN} ${l.shape.join('×')} in ${l.ms.toFixed(0)} ms`);
    }
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  } finally {
    await close();
  }
});
