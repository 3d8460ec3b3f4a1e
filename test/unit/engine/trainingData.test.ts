/**
 * The one data pipeline (data set → prior → augmentation) through each source: the worker's (user
 * files: required, counted, a replaced load stops reading), memory, and the Node runner's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { loadTrainingData } from '../../../src/engine/trainingData';
import { browserDataSource } from '../../../src/data/browserReader';
import { memoryReader } from '../../../src/data/memoryReader';
import { nodeDataSource } from '../../../src/data/nodeReader';
import { loadDataset } from '../../../src/data';
import { datasetAugment } from '../../../src/engine/augmentation';
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

const loadBrowserDataset = (
  c: typeof config,
  dataUrl: string,
  chosen?: File[],
  stillWanted?: () => boolean,
  onFileRead?: (read: number, total: number) => void,
) =>
  (async () =>
    loadTrainingData(
      c,
      browserDataSource(c.dataset.name, dataUrl, chosen, stillWanted, onFileRead),
    ))();

describe('loadTrainingData through the worker source (user files)', () => {
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

describe('loadTrainingData: one pipeline for every reader', () => {
  test('memory, Node folder and the chosen files give the same data set and augmentation', async () => {
    const bytes = {
      'labels.csv': 'file,label\na.png,x\nb.png,y\nc.png,x\n',
      'a.png': png(1),
      'b.png': png(2),
      'c.png': png(3),
    };
    const dir = mkdtempSync(join(tmpdir(), 'cplay-data-'));
    for (const [name, b] of Object.entries(bytes)) writeFileSync(join(dir, name), b);
    const nodeConfig = { ...config, dataset: { ...config.dataset, csv: join(dir, 'labels.csv') } };
    const warnings: string[] = [];
    const viaNode = await loadTrainingData(nodeConfig, {
      ...nodeDataSource(nodeConfig.dataset),
      onErrors: (e) => warnings.push(...e.map((x) => x.message)),
    });
    const viaMemory = await loadTrainingData(config, { reader: memoryReader(bytes) });
    const viaFiles = await loadBrowserDataset(config, 'http://localhost/data/', files);
    // The pipeline's steps written out by hand: the data set, then its augmentation.
    const direct = await loadDataset({ seed: config.seed, ...config.dataset }, memoryReader(bytes));
    const augment = datasetAugment(direct.dataset, config.augment);
    for (const got of [viaNode, viaMemory, viaFiles]) {
      expect(got.dataset.train.images).toEqual(direct.dataset.train.images);
      expect(got.dataset.train.labels).toEqual(direct.dataset.train.labels);
      const shape = got.dataset.info.imageShape;
      const input = tf.tensor4d(got.dataset.train.images.slice(0, shape.height * shape.width), [
        1,
        shape.height,
        shape.width,
        shape.channels,
      ]);
      const [a, b] = [got.augment(input, 2, 5), augment(input, 2, 5)];
      expect(await a.data()).toEqual(await b.data());
      tf.dispose([input, a, b]);
    }
    expect(warnings).toEqual([]);
  });
});
