/** The worker's data loading for user data sets: files required, and a replaced load stops reading. */
import { encode } from 'fast-png';
import { describe, expect, test } from 'vitest';
import { loadBrowserDataset } from '../../../src/worker/browserData';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { PRESETS } from '../../../src/presets';

const png = (seed: number) =>
  encode({ width: 8, height: 8, channels: 1, depth: 8, data: new Uint8Array(64).fill(seed * 20) });
const file = (name: string, bytes: Uint8Array | string) => new File([bytes as BlobPart], name);

const config = parseTrainingConfig({
  ...PRESETS[0]!.config,
  dataset: { name: 'user-images', csv: 'labels.csv', testFraction: 0 },
});
const files = [
  file('labels.csv', 'file,label\na.png,x\nb.png,y\nc.png,x\n'),
  file('a.png', png(1)),
  file('b.png', png(2)),
  file('c.png', png(3)),
];

describe('loadBrowserDataset (user data)', () => {
  test('reads the chosen files, and names the files a link cannot carry', async () => {
    const progress: [number, number][] = [];
    const { dataset, errors } = await loadBrowserDataset(
      config,
      'http://localhost/data/',
      files,
      () => true,
      (read, total) => progress.push([read, total]),
    );
    expect(errors).toEqual([]);
    expect(dataset.train.n).toBe(3);
    // The CSV, then each image: every read counted against the four chosen files.
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    await expect(loadBrowserDataset(config, 'http://localhost/data/')).rejects.toThrow(
      /no files chosen.*never part of a link/,
    );
  });

  test('a load that a newer run replaced stops reading files', async () => {
    let reads = 0;
    const counted = files.map((f) =>
      Object.assign(f, {
        arrayBuffer: () => {
          reads++;
          return Blob.prototype.arrayBuffer.call(f);
        },
      }),
    );
    await expect(
      loadBrowserDataset(config, 'http://localhost/data/', counted, () => false),
    ).rejects.toThrow(/replaced by a newer run/);
    expect(reads).toBe(0);
  });
});
