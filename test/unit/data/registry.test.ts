import { describe, expect, it } from 'vitest';
import { datasetIds, loadDataset } from '../../../src/data/index';
import { nodeReader } from '../../../src/data/nodeReader';
import type { DataSplit, DatasetInfo } from '../../../src/data/types';

const reader = nodeReader();

const SMALL: Record<string, Record<string, unknown>> = {
  mnist: { nTrain: 100, nTest: 20 },
  'fashion-mnist': { nTrain: 100, nTest: 20 },
  'colored-mnist': { nTrain: 100, nTest: 20, rho: 0.995 },
  'brain-mri': { nTrain: 20, nTest: 5 },
  'brain-mri-sepclr': { nTrain: 20, nTest: 6 },
  'digits-on-fashion': { nTrain: 100, nTest: 20 },
  shapes: { nTrain: 30, nTest: 9 },
  gaussians: { nTrain: 40, nTest: 8, dim: 3 },
};

function checkSplit(info: DatasetInfo, s: DataSplit) {
  const { height, width, channels } = info.imageShape;
  expect(s.images.length).toBe(s.n * height * width * channels);
  for (const l of info.labels) {
    const v = s.labels[l.name];
    expect(v, l.name).toBeDefined();
    expect(v?.length).toBe(s.n);
    for (const x of v ?? []) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(l.classNames.length);
    }
  }
  for (const a of info.attributes) {
    const v = s.attributes[a.name];
    expect(v?.length).toBe(s.n);
    for (const x of v ?? []) {
      expect(x).toBeGreaterThanOrEqual(a.min);
      expect(x).toBeLessThanOrEqual(a.max);
    }
  }
  if (info.hasTargetFlag) expect(s.flags.isTarget?.length).toBe(s.n);
  if (info.classLabel) expect(s.labels[info.classLabel]).toBeDefined();
  if (info.biasLabel) expect(s.labels[info.biasLabel]).toBeDefined();
}

describe('data-set registry', () => {
  it('lists every built-in and user data set by a stable id', () => {
    expect(datasetIds()).toEqual([
      'mnist',
      'fashion-mnist',
      'colored-mnist',
      'brain-mri',
      'brain-mri-sepclr',
      'digits-on-fashion',
      'shapes',
      'gaussians',
      'user-images',
      'user-features',
    ]);
  });

  for (const [name, params] of Object.entries(SMALL)) {
    it(`${name}: loads, fills the contract and describes itself`, async () => {
      const { dataset, errors } = await loadDataset({ name, seed: 1, ...params }, reader);
      expect(errors).toEqual([]);
      const { info } = dataset;
      expect(info.id).toBe(name);
      expect(info.description.length).toBeGreaterThan(50);
      expect(info.source.length).toBeGreaterThan(5);
      expect(info.licence.length).toBeGreaterThan(5);
      expect(dataset.train.n).toBe(params.nTrain);
      expect(dataset.test.n).toBe(params.nTest);
      checkSplit(info, dataset.train);
      checkSplit(info, dataset.test);
      expect(info.params?.seed).toBe(1);
    });
  }

  it('rejects unknown names and bad parameters with the field named', async () => {
    await expect(loadDataset({ name: 'nope' }, reader)).rejects.toThrow(
      /unknown data set 'nope'; known: mnist/,
    );
    await expect(loadDataset({ name: 'colored-mnist', rho: 2 }, reader)).rejects.toThrow(
      /colored-mnist.*'rho'/,
    );
    await expect(loadDataset({ name: 'shapes', colour: 'red' }, reader)).rejects.toThrow(
      /Unrecognized key.*colour/,
    );
    await expect(loadDataset({ name: 'brain-mri', size: 50 }, reader)).rejects.toThrow(/'size'/);
  });

  it('a missing asset names the file', async () => {
    const empty = nodeReader('/nonexistent-dir');
    await expect(loadDataset({ name: 'mnist' }, empty)).rejects.toThrow(
      /mnist\.bin: file not found/,
    );
  });
});
