/**
 * Transfer with few labels (Dufumier et al., NeuroImage 2024): a downstream label read from a
 * small, seeded, class-stratified `fraction` of the training samples, four ways —
 *
 * - `linearProbe`: a linear model on the frozen pre-trained representation (L-BFGS softmax
 *   regression for a class label, ridge for a continuous attribute, as the periodic evaluation);
 * - `fineTuned`: a copy of the pre-trained encoder plus a new linear head, all trained with Adam;
 * - `scratch`: the same encoder, head, optimiser, steps and batches from a random initialisation —
 *   the very initialisation the contrastive run started from (the trainer's seed), so the
 *   comparison isolates what pre-training brought;
 * - `randomProbe`: the linear probe on that random initialisation, before any training.
 *
 * Scores on up to `evaluation.maxTest` held-out samples: balanced accuracy for a class label
 * (higher is better), MAE for an attribute (lower is better). The training encoder is never
 * modified; everything is deterministic for the config's seed on one backend.
 *
 * No augmentation by default (the images are used as they are, so the comparison does not depend
 * on the augmentation's cost or strength); pass `options.augment` to train the two classifiers on
 * one augmented view per batch instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Dataset, DataSplit } from '../data/types';
import { transferSchema, type TrainingConfig } from '../contracts/trainingConfig';
import type { TransferMetrics } from '../contracts/metrics';
import { createEncoder, readWeights, writeWeights, type Encoder } from '../models/encoder';
import { createLinear, linear, type LinearParams } from '../models/layers';
import { SeededRandom } from '../ml/random';
import { fitLinearProbe, predictLinearProbe } from '../ml/metrics/probes';
import { ridgeRegression } from '../ml/metrics/regression';
import { randomSampler } from './sampler';
import type { AugmentFn, Trainer } from './trainer';

/** `config.transfer` with its defaults filled in. */
export type TransferConfig = NonNullable<TrainingConfig['transfer']>;
/** What a caller may pass: `label` and any of the other fields (defaults as in the config contract). */
export type TransferInput = z.input<typeof transferSchema>;

export interface TransferOptions {
  /** Augmentation of the fine-tuned and from-scratch classifiers' batches (one view); none by default. */
  augment?: AugmentFn;
}

/** Rows of the forward passes that only read features (no gradient). */
const CHUNK = 256;

type Task =
  | { kind: 'classification'; train: Int32Array; test: Int32Array }
  | { kind: 'regression'; train: Float32Array; test: Float32Array };

/** The label as a class label or a continuous attribute, or an error naming the valid ones. */
export function transferTask(dataset: Dataset, label: string): Task {
  const { train, test } = dataset;
  const trainLabels = train.labels[label];
  const testLabels = test.labels[label];
  if (trainLabels && testLabels)
    return { kind: 'classification', train: trainLabels, test: testLabels };
  const trainValues = train.attributes[label];
  const testValues = test.attributes[label];
  if (trainValues && testValues)
    return { kind: 'regression', train: trainValues, test: testValues };
  const labels = Object.keys(train.labels).filter((name) => test.labels[name]);
  const attributes = Object.keys(train.attributes).filter((name) => test.attributes[name]);
  throw new Error(
    `transfer.label: '${label}' is neither a class label nor a continuous attribute of the data set ` +
      `'${dataset.info.id}' (labels: ${labels.join(', ') || 'none'}; attributes: ${attributes.join(', ') || 'none'})`,
  );
}

function shuffle(values: number[], rng: SeededRandom): number[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Indices (ascending) of `fraction` of the n training samples, at most `cap`; for a class label
 * stratified by class with at least two per class (or all of a class that has fewer).
 */
export function labelledSubset(
  task: Task,
  fraction: number,
  cap: number,
  seed: number,
): Int32Array {
  const rng = new SeededRandom(seed);
  const n = task.train.length;
  const wanted = Math.max(2, Math.min(cap, Math.round(fraction * n)));
  let chosen: number[];
  if (task.kind === 'classification') {
    const byClass = new Map<number, number[]>();
    task.train.forEach((label, i) => {
      const members = byClass.get(label) ?? [];
      members.push(i);
      byClass.set(label, members);
    });
    chosen = [];
    for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
      const members = byClass.get(label)!;
      const quota = Math.min(
        members.length,
        Math.max(2, Math.round((wanted * members.length) / n)),
      );
      chosen.push(...shuffle(members, rng).slice(0, quota));
    }
  } else {
    chosen = shuffle(
      Array.from({ length: n }, (_, i) => i),
      rng,
    ).slice(0, Math.min(n, wanted));
  }
  return Int32Array.from(chosen).sort();
}

/** Mean over the classes present in `truth` of the share of each predicted correctly. */
export function balancedAccuracy(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const hits = new Map<number, [number, number]>();
  for (let i = 0; i < truth.length; i++) {
    const entry = hits.get(truth[i]!) ?? [0, 0];
    entry[0] += predicted[i] === truth[i] ? 1 : 0;
    entry[1] += 1;
    hits.set(truth[i]!, entry);
  }
  let sum = 0;
  for (const [correct, total] of hits.values()) sum += correct / total;
  return hits.size ? sum / hits.size : Number.NaN;
}

function gatherImages(split: DataSplit, indices: ArrayLike<number>, pixels: number): Float32Array {
  const out = new Float32Array(indices.length * pixels);
  for (let row = 0; row < indices.length; row++) {
    const i = indices[row]!;
    out.set(split.images.subarray(i * pixels, (i + 1) * pixels), row * pixels);
  }
  return out;
}

function pick<T extends Int32Array | Float32Array>(values: T, indices: ArrayLike<number>): T {
  const out = new (values.constructor as new (n: number) => T)(indices.length);
  for (let row = 0; row < indices.length; row++) out[row] = values[indices[row]!]!;
  return out;
}

interface Images {
  n: number;
  /** [n, h, w, c] row-major. */
  pixels: Float32Array;
}

/** Rows [start, start + size) of `images` as a tensor. */
function slice4d(images: Images, start: number, size: number, dataset: Dataset): tf.Tensor4D {
  const { height, width, channels } = dataset.info.imageShape;
  const per = height * width * channels;
  return tf.tensor4d(images.pixels.subarray(start * per, (start + size) * per), [
    size,
    height,
    width,
    channels,
  ]);
}

/** `f` of the encoder's representation, chunk by chunk, read back as one [n, width] array. */
async function mapRepresentation(
  encoder: Encoder,
  images: Images,
  dataset: Dataset,
  width: number,
  f: (representation: tf.Tensor2D) => tf.Tensor2D,
): Promise<Float32Array> {
  const out = new Float32Array(images.n * width);
  for (let start = 0; start < images.n; start += CHUNK) {
    const size = Math.min(CHUNK, images.n - start);
    const values = tf.tidy(() =>
      f(encoder.apply(slice4d(images, start, size, dataset)).representation),
    );
    out.set(await values.data(), start * width);
    values.dispose();
  }
  return out;
}

function representations(
  encoder: Encoder,
  images: Images,
  dataset: Dataset,
): Promise<Float32Array> {
  return mapRepresentation(encoder, images, dataset, encoder.representationDim, (r) => r);
}

/** What the classifiers learn from: the labelled images and their targets. */
interface Labelled {
  images: Images;
  /** Class indices into `classes` (classification) or standardised targets (regression). */
  targets: Int32Array | Float32Array;
  classes: Int32Array;
  mean: number;
  sd: number;
}

function labelled(task: Task, indices: Int32Array, images: Images): Labelled {
  if (task.kind === 'classification') {
    const y = pick(task.train, indices);
    const classes = Int32Array.from(new Set(y)).sort();
    const index = new Map(Array.from(classes, (c, i) => [c, i]));
    return {
      images,
      targets: Int32Array.from(y, (c) => index.get(c)!),
      classes,
      mean: 0,
      sd: 1,
    };
  }
  const y = pick(task.train, indices);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length) || 1;
  return {
    images,
    targets: Float32Array.from(y, (v) => (v - mean) / sd),
    classes: new Int32Array(0),
    mean,
    sd,
  };
}

/** Linear probe on frozen features: balanced accuracy (class label) or MAE (attribute). */
function probeScore(
  task: Task,
  trainX: Float32Array,
  trainIndices: Int32Array,
  testX: Float32Array,
  testN: number,
  dim: number,
): number {
  if (task.kind === 'classification') {
    const model = fitLinearProbe(trainX, pick(task.train, trainIndices), dim);
    return balancedAccuracy(predictLinearProbe(model, testX), task.test.subarray(0, testN));
  }
  return ridgeRegression(
    trainX,
    pick(task.train, trainIndices),
    testX,
    task.test.subarray(0, testN),
    dim,
  ).mae;
}

/**
 * Trains encoder + head with Adam for `steps` minibatches of the labelled samples: softmax
 * cross-entropy on the logits, or mean squared error on the standardised target.
 */
async function trainHead(
  encoder: Encoder,
  head: LinearParams,
  data: Labelled,
  task: Task,
  dataset: Dataset,
  transfer: TransferConfig,
  seed: number,
  augment: AugmentFn | undefined,
): Promise<void> {
  const { height, width, channels } = dataset.info.imageShape;
  const per = height * width * channels;
  const sampler = randomSampler(data.images.n, seed);
  const augmentRng = new SeededRandom(seed ^ 0x5bd1e995);
  const optimizer: tf.Optimizer = tf.train.adam(transfer.lr);
  const variables = [...encoder.variables, head.weight, head.bias];
  const classes = data.classes.length;
  try {
    for (let step = 1; step <= transfer.steps; step++) {
      const batch = sampler.next(transfer.batchSize);
      const b = batch.length;
      const pixels = new Float32Array(b * per);
      batch.forEach((i, row) =>
        pixels.set(data.images.pixels.subarray(i * per, (i + 1) * per), row * per),
      );
      const augmentSeed = augmentRng.fork();
      const { value, grads } = tf.variableGrads(
        () =>
          tf.tidy(() => {
            let x = tf.tensor4d(pixels, [b, height, width, channels]);
            if (augment) x = augment(x, 1, augmentSeed);
            const out = linear(encoder.apply(x).representation, head);
            if (task.kind === 'classification') {
              const y = tf.oneHot(
                tf.tensor1d(pick(data.targets as Int32Array, batch), 'int32'),
                classes,
              );
              return tf.mean(tf.sub(tf.logSumExp(out, 1), tf.sum(tf.mul(y, out), 1))) as tf.Scalar;
            }
            const y = tf.tensor2d(pick(data.targets as Float32Array, batch), [b, 1]);
            return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
          }),
        variables,
      );
      optimizer.applyGradients(grads as tf.NamedTensorMap);
      tf.dispose(Object.values(grads));
      // Awaiting the loss now and then keeps a GPU backend from queueing every step at once (on
      // CPU and WASM it resolves at once; a worker's messages wait until the study ends).
      if (step % 25 === 0) await value.data();
      value.dispose();
    }
  } finally {
    optimizer.dispose();
  }
}

/** The trained classifier's score on the test images. */
async function headScore(
  encoder: Encoder,
  head: LinearParams,
  data: Labelled,
  task: Task,
  test: Images,
  dataset: Dataset,
): Promise<number> {
  const outputs = task.kind === 'classification' ? data.classes.length : 1;
  const raw = await mapRepresentation(encoder, test, dataset, outputs, (r) => linear(r, head));
  const truth = task.test.subarray(0, test.n);
  if (task.kind === 'classification') {
    const predicted = new Int32Array(test.n);
    for (let i = 0; i < test.n; i++) {
      let best = 0;
      for (let c = 1; c < outputs; c++)
        if (raw[i * outputs + c]! > raw[i * outputs + best]!) best = c;
      predicted[i] = data.classes[best]!;
    }
    return balancedAccuracy(predicted, truth);
  }
  let error = 0;
  for (let i = 0; i < test.n; i++) error += Math.abs(raw[i]! * data.sd + data.mean - truth[i]!);
  return error / test.n;
}

/**
 * The transfer metrics of the trainer's (pre-trained) encoder on `transfer` (default
 * `trainer.config.transfer`). Leaves no tensor behind and never changes the trainer.
 */
export async function computeTransfer(
  trainer: Trainer,
  transfer: TransferInput | undefined = trainer.config.transfer,
  options: TransferOptions = {},
): Promise<TransferMetrics> {
  if (!transfer) throw new Error('transfer: the config has no `transfer` section (give a label)');
  const parsed = transferSchema.safeParse(transfer);
  if (!parsed.success)
    throw new Error(
      `Invalid transfer settings — ${parsed.error.issues
        .map((i) => `transfer.${i.path.map(String).join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const settings: TransferConfig = parsed.data;
  const { config, dataset } = trainer;
  const task = transferTask(dataset, settings.label);
  const { height, width, channels } = dataset.info.imageShape;
  const per = height * width * channels;

  // Seeds: the subset, the head's initialisation and the batches derive from the run's seed; the
  // random encoder is the trainer's own initialisation (its first fork of the same seed).
  const rng = new SeededRandom((config.seed ^ 0x7a6e5f1d) >>> 0);
  const subsetSeed = rng.fork();
  const headSeed = rng.fork();
  const batchSeed = rng.fork();
  const initSeed = new SeededRandom(config.seed).fork();

  const indices = labelledSubset(task, settings.fraction, config.evaluation.maxTrain, subsetSeed);
  const trainImages: Images = {
    n: indices.length,
    pixels: gatherImages(dataset.train, indices, per),
  };
  const testN = Math.min(config.evaluation.maxTest, dataset.test.n);
  const testImages: Images = { n: testN, pixels: dataset.test.images.subarray(0, testN * per) };
  const data = labelled(task, indices, trainImages);
  const outputs = task.kind === 'classification' ? data.classes.length : 1;
  const rDim = trainer.encoder.representationDim;

  const linearProbe = probeScore(
    task,
    await representations(trainer.encoder, trainImages, dataset),
    indices,
    await representations(trainer.encoder, testImages, dataset),
    testN,
    rDim,
  );

  const shape = { height, width, channels };
  const weights = await readWeights(trainer.encoder);
  const tuned = createEncoder(config.encoder, shape, config.embeddingDim, initSeed);
  const random = createEncoder(config.encoder, shape, config.embeddingDim, initSeed);
  const heads: LinearParams[] = [];
  const newHead = () => {
    const head = createLinear(rDim, outputs, new SeededRandom(headSeed), 'transfer_head');
    heads.push(head);
    return head;
  };
  try {
    writeWeights(tuned, weights);
    const randomProbe = probeScore(
      task,
      await representations(random, trainImages, dataset),
      indices,
      await representations(random, testImages, dataset),
      testN,
      rDim,
    );
    const tunedHead = newHead();
    await trainHead(tuned, tunedHead, data, task, dataset, settings, batchSeed, options.augment);
    const fineTuned = await headScore(tuned, tunedHead, data, task, testImages, dataset);
    const scratchHead = newHead();
    await trainHead(random, scratchHead, data, task, dataset, settings, batchSeed, options.augment);
    const scratch = await headScore(random, scratchHead, data, task, testImages, dataset);
    return {
      label: settings.label,
      task: task.kind,
      metric: task.kind === 'classification' ? 'balancedAccuracy' : 'mae',
      labelled: indices.length,
      linearProbe,
      fineTuned,
      scratch,
      randomProbe,
    };
  } finally {
    tuned.dispose();
    random.dispose();
    for (const head of heads) tf.dispose([head.weight, head.bias]);
  }
}
