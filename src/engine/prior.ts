/**
 * A prior learnt from the images themselves (Dufumier et al., ICML 2023, §5: prior knowledge from a
 * generative model): with `config.prior = {name: "vae", ...}` a small VAE (src/models/vae.ts) is
 * trained on the training images, without labels, before the contrastive run, and its latent means
 * become attributes `vae0…vae{k−1}` of every sample, train and test. A decoupled-uniformity config
 * names them as its kernel prior: `positives: {name: "kernel", attribute: vaeAttributeNames(k)}`
 * (the preset `decoupled-uniformity-vae-shapes` spells them out).
 *
 * Scale: each active latent dimension is standardised with the training split's mean and standard
 * deviation (the test split uses the same statistics), so an RBF kernel on k of them sees squared
 * distances of about 2k between two random samples and σ ≈ √k is a middle setting. A dimension whose
 * means hardly vary over the training images (variance < 0.01: an inactive unit, Burda et al. 2016,
 * where the posterior has collapsed to the prior) is set to 0 instead of being blown up to unit
 * variance: it carries no information, and standardising it would fill the kernel with noise.
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import type { AttributeInfo, Dataset, DataSplit } from '../data/types';
import { deriveSeed } from '../ml/random';
import { trainVae, type VaeProgress } from '../models/vae';

/** Variance of the latent means under which a dimension counts as inactive. */
export const ACTIVE_UNIT_THRESHOLD = 0.01;

/** The attribute names a VAE prior with `latentDim` dimensions adds: `vae0…vae{k−1}`. */
export function vaeAttributeNames(latentDim: number): string[] {
  return Array.from({ length: latentDim }, (_, j) => `vae${j}`);
}

export interface PriorSummary {
  /** Seconds spent training the VAE. */
  seconds: number;
  /** Negative ELBO per image (β-weighted), mean of the first and of the last ten steps. */
  firstLoss: number;
  lastLoss: number;
  /** Per dimension: whether it is active, and the train mean and sd of its raw latent means. */
  active: boolean[];
  mean: number[];
  sd: number[];
}

export interface PriorOptions {
  onProgress?: (progress: VaeProgress) => void;
  /** Called once with what the VAE learnt. */
  onSummary?: (summary: PriorSummary) => void;
}

function withAttributes(split: DataSplit, extra: Record<string, Float32Array>): DataSplit {
  return { ...split, attributes: { ...split.attributes, ...extra } };
}

/**
 * The data set with the VAE prior's attributes added (a new object; the input is not modified), or
 * the same data set when the config has no prior.
 */
export async function withVaePrior(
  dataset: Dataset,
  config: TrainingConfig,
  options: PriorOptions = {},
): Promise<Dataset> {
  const prior = config.prior;
  if (!prior) return dataset;
  if (prior.name !== 'vae') throw new Error(`unknown prior '${(prior as { name: string }).name}'`);
  const k = prior.latentDim;
  const names = vaeAttributeNames(k);
  const taken = names.filter((n) => n in dataset.train.attributes || n in dataset.test.attributes);
  if (taken.length)
    throw new Error(`the data set already has attributes named ${taken.join(', ')}`);
  if (
    config.loss.name === 'decoupled_uniformity' &&
    config.kernel &&
    config.positives.attribute === undefined
  )
    throw new Error(
      `the VAE prior adds attributes ${names[0]}…${names[k - 1]}: name them in positives.attribute to use them as the kernel prior`,
    );

  const shape = dataset.info.imageShape;
  const { vae, history, seconds } = await trainVae(
    { data: dataset.train.images, shape },
    prior,
    deriveSeed(config.seed, 'prior:vae'),
    options.onProgress,
  );
  let trainMeans: Float32Array;
  let testMeans: Float32Array;
  try {
    trainMeans = await vae.encodeMeans(dataset.train.images);
    testMeans = await vae.encodeMeans(dataset.test.images);
  } finally {
    vae.dispose();
  }

  const nTrain = dataset.train.n;
  const nTest = dataset.test.n;
  const train: Record<string, Float32Array> = {};
  const test: Record<string, Float32Array> = {};
  const descriptors: AttributeInfo[] = [];
  const summary: PriorSummary = {
    seconds,
    firstLoss: average(history.slice(0, 10).map((h) => h.loss)),
    lastLoss: average(history.slice(-10).map((h) => h.loss)),
    active: [],
    mean: [],
    sd: [],
  };
  for (let j = 0; j < k; j++) {
    let mean = 0;
    for (let i = 0; i < nTrain; i++) mean += trainMeans[i * k + j]!;
    mean /= nTrain;
    let variance = 0;
    for (let i = 0; i < nTrain; i++) variance += (trainMeans[i * k + j]! - mean) ** 2;
    variance /= nTrain;
    const sd = Math.sqrt(variance);
    const active = variance >= ACTIVE_UNIT_THRESHOLD;
    const column = (means: Float32Array, n: number) =>
      Float32Array.from({ length: n }, (_, i) => (active ? (means[i * k + j]! - mean) / sd : 0));
    const name = names[j]!;
    train[name] = column(trainMeans, nTrain);
    test[name] = column(testMeans, nTest);
    let min = Infinity;
    let max = -Infinity;
    for (const v of train[name]) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    descriptors.push({
      name,
      description: active
        ? `VAE latent mean ${j}, standardised on the training split (raw mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)})`
        : `VAE latent mean ${j}: inactive (its means vary by sd ${sd.toFixed(3)} only), set to 0`,
      min,
      max,
      learnt: true,
    });
    summary.active.push(active);
    summary.mean.push(mean);
    summary.sd.push(sd);
  }
  options.onSummary?.(summary);
  const note = `Attributes ${names[0]}…${names[k - 1]}: latent means of a VAE (${k} dimensions, ${prior.steps} steps, batch ${prior.batchSize}, lr ${prior.lr}, β ${prior.beta}) trained on the training images, standardised with training statistics.`;
  return {
    info: {
      ...dataset.info,
      attributes: [...dataset.info.attributes, ...descriptors],
      notes: dataset.info.notes ? `${dataset.info.notes} ${note}` : note,
    },
    train: withAttributes(dataset.train, train),
    test: withAttributes(dataset.test, test),
  };
}

function average(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}
