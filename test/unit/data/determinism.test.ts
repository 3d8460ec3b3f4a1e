/** Every data set, built-in or the user's, is the same for a seed: splits, images, labels, attributes, flags. */
import { createHash } from 'node:crypto';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { DATASETS, loadDataset, type Dataset } from '../../../src/data';
import { memoryReader } from '../../../src/data/memoryReader';
import { nodeReader } from '../../../src/data/nodeReader';

/** One digest over everything a data set holds, split by split, in a fixed key order. */
function digest(d: Dataset): string {
  const h = createHash('sha256');
  for (const split of [d.train, d.test]) {
    h.update(`n=${split.n}`);
    h.update(new Uint8Array(split.images.buffer, split.images.byteOffset, split.images.byteLength));
    for (const group of [split.labels, split.attributes, split.flags]) {
      for (const key of Object.keys(group).sort()) {
        const a = group[key]!;
        h.update(key);
        h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      }
    }
  }
  return h.digest('hex');
}

const SMALL = { nTrain: 120, nTest: 40 };

describe('determinism for a seed', () => {
  const builtin = [...DATASETS.values()].filter((d) => d.kind === 'builtin').map((d) => d.id);
  for (const name of builtin) {
    it(`${name}: the same seed gives the same data set`, async () => {
      const load = async (seed: number) =>
        digest((await loadDataset({ name, seed, ...SMALL }, nodeReader())).dataset);
      expect(await load(7)).toBe(await load(7));
    }, 60_000);
  }

  it('procedural and simulated data sets change with the seed', async () => {
    for (const name of [
      'colored-mnist',
      'digits-on-fashion',
      'brain-mri',
      'brain-mri-sepclr',
      'shapes',
      'gaussians',
    ]) {
      const load = async (seed: number) =>
        digest((await loadDataset({ name, seed, ...SMALL }, nodeReader())).dataset);
      expect(await load(7), name).not.toBe(await load(8));
    }
  }, 120_000);

  it('user data: the held-out split is seeded, the same for a seed and different across seeds', async () => {
    const files: Record<string, Uint8Array | string> = {};
    const rows = ['file,label,age'];
    for (let i = 0; i < 40; i++) {
      const data = new Uint8Array(64).map((_, p) => (p * 7 + i * 13) % 256);
      files[`img${i}.png`] = encode({ width: 8, height: 8, data, channels: 1, depth: 8 });
      rows.push(`img${i}.png,${i % 4},${20 + i}`);
    }
    files['labels.csv'] = rows.join('\n');
    const features = [
      'label,a,b',
      ...Array.from({ length: 40 }, (_, i) => `${i % 2},${i},${i * i}`),
    ];
    files['features.csv'] = features.join('\n');
    for (const name of ['user-images', 'user-features']) {
      const load = async (seed: number) =>
        digest((await loadDataset({ name, seed }, memoryReader(files))).dataset);
      expect(await load(1), name).toBe(await load(1));
      expect(await load(1), name).not.toBe(await load(2));
    }
  });
});
