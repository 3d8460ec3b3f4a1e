/**
 * One training run's state: encoders, optimiser, sampler, and the step. A step whose loss or
 * gradients are not finite is not applied: the weights stay the last good ones and the step reports
 * why, so the loop can pause with an explanation.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, DataSplit } from '../data/types';
import { createEncoder, type Encoder } from '../models/encoder';
import { SeededRandom } from '../ml/random';
import { getFunction } from '../ml/losses/registry';
import { parseParams } from '../ml/losses/catalog';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { lossInputs, lossStyle, type BatchMeta } from './lossInputs';
import { effectiveLossParams } from '../contracts/lossParams';
import { classBalancedSampler, randomSampler, stratifiedSampler, type Sampler } from './sampler';
import { finiteFlag, TrainingOptimizer } from './optimizer';

/**
 * The same views as an AugmentFn, for pixels [N, h, w, c] as a plain array, made elsewhere (a
 * helper worker) and delivered later: view-major [V·N, h, w, c] values. It must read (or copy)
 * `pixels` before it returns, and never transfer it: the trainer refills the array two batches on.
 */
export type PrefetchFn = (
  pixels: Float32Array,
  shape: [number, number, number, number],
  views: number,
  seed: number,
) => Promise<Float32Array>;

/**
 * Builds V augmented views of a batch, view-major [V·N, h, w, c]; must be deterministic for a seed.
 * With `prefetch`, Trainer.step on a CPU-side backend asks it for the next batch's views while it
 * trains on the current batch (it must give exactly this function's views).
 */
export type AugmentFn = ((images: tf.Tensor4D, views: number, seed: number) => tf.Tensor4D) & {
  prefetch?: PrefetchFn;
};

/** Repeats the images V times: positives are then identical views (useful for tests and features). */
export const repeatViews: AugmentFn = (images, views) =>
  tf.tidy(() => tf.tile(images, [views, 1, 1, 1]));

export interface StepResult {
  step: number;
  loss: number;
  /** False when the loss or a gradient was NaN/Inf: the update was skipped. */
  applied: boolean;
  error?: string;
}

export class Trainer {
  readonly encoder: Encoder;
  readonly salientEncoder?: Encoder;
  readonly lossParams: Record<string, unknown>;
  private readonly optimizer: TrainingOptimizer;
  /** Steps run by queueStep whose loss and finiteness are still on the device: [loss, ok] each. */
  private queued: tf.Tensor[] = [];
  private readonly sampler: Sampler;
  private readonly rng: SeededRandom;
  private readonly lossFn;
  stepCount = 0;
  /** Overrides the backend's choice of queueStep/drain over step() (tests, benchmarks). */
  deferReads: boolean | undefined;
  /** The next batch, drawn ahead, with its views on the way (augment.prefetch). */
  private pending: { batch: GatheredBatch; views: Promise<Float32Array | undefined> } | undefined;
  /**
   * The batches' pixel arrays, reused in turn: at most two batches are alive (the one training and
   * the one drawn ahead), and a fresh array's first writes fault in its pages (a 256-image MNIST
   * batch, 800 kB, took 0.3–0.5 ms more than a reused one in Chromium, on the training thread).
   */
  private readonly pixelArrays: Float32Array[] = [];
  private pixelArrayTurn = 0;

  constructor(
    readonly config: TrainingConfig,
    readonly dataset: Dataset,
    private readonly augment: AugmentFn = repeatViews,
  ) {
    const style = lossStyle(config.loss.name);
    this.lossParams = effectiveLossParams(config);
    this.lossFn = getFunction(config.loss.name);
    parseParams(config.loss.name, this.lossParams); // an early, clear error instead of one at the first step
    const rng = new SeededRandom(config.seed);
    this.rng = rng;
    const shape = dataset.info.imageShape;
    this.encoder = createEncoder(config.encoder, shape, config.embeddingDim, rng.fork());
    if (style === 'sepclr') {
      this.salientEncoder = createEncoder(
        config.salientEncoder ?? config.encoder,
        shape,
        config.salientDim ?? config.embeddingDim,
        rng.fork(),
      );
    }
    this.optimizer = createOptimizer(config);
    this.sampler = chooseSampler(config, dataset, rng.fork());
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.variables, ...(this.salientEncoder?.variables ?? [])];
  }

  /** The loss of one batch (and the regulariser), as a function of the variables. */
  private batchLoss(
    views: tf.Tensor4D,
    meta: BatchMeta,
    biasLabels: Int32Array | undefined,
  ): tf.Scalar {
    const main = this.encoder.apply(views);
    const salient = this.salientEncoder?.apply(views).projection;
    const inputs = lossInputs(this.config, meta, { projection: main.projection, salient });
    let loss = this.lossFn.call(inputs, this.lossParams) as tf.Scalar;
    const reg = this.config.regularizer;
    if (reg && reg.weight > 0) {
      if (!meta.classLabels || !biasLabels)
        throw new Error('FairKL needs class labels and a bias label');
      // As in the official pipeline: normalised encoder features of view 0.
      const firstView = tf.slice(main.representation, [0, 0], [meta.n, -1]) as tf.Tensor2D;
      const fair = getFunction('fairkl').call(
        {
          tensors: { features: firstView },
          constants: { labels: Array.from(meta.classLabels), bias_labels: Array.from(biasLabels) },
        },
        // Unset values take the FairKL definition's defaults (its schema fills them in).
        {
          normalize: true,
          ...(reg.temperature !== undefined ? { temperature: reg.temperature } : {}),
          ...(reg.kld !== undefined ? { kld: reg.kld } : {}),
        },
      );
      loss = tf.add(loss, tf.mul(reg.weight, fair)) as tf.Scalar;
    }
    return loss;
  }

  /** The next batch's samples and augmentation seed (sampler and seed stream in step order). */
  private drawBatch(): GatheredBatch {
    const indices = this.sampler.next(this.config.batchSize);
    const { height, width, channels } = this.dataset.info.imageShape;
    const length = indices.length * height * width * channels;
    const turn = this.pixelArrayTurn++ % PIXEL_ARRAYS;
    if (this.pixelArrays[turn]?.length !== length)
      this.pixelArrays[turn] = new Float32Array(length);
    return {
      ...gatherBatch(this.dataset, this.dataset.train, indices, this.pixelArrays[turn]),
      seed: this.rng.fork(),
    };
  }

  /**
   * Loss, gradients and a 0/1 finiteness flag (loss and every gradient) of a batch (default: the
   * next), with its views when they were made elsewhere.
   */
  private lossAndGrads(
    batch: GatheredBatch = this.takeBatch(),
    madeViews?: Float32Array,
  ): {
    value: tf.Scalar;
    variables: tf.Variable[];
    grads: tf.Tensor[];
    ok: tf.Scalar;
  } {
    const { height, width, channels } = this.dataset.info.imageShape;
    const n = batch.meta.n;
    const V = this.config.views;
    const { value, grads } = tf.variableGrads(
      () =>
        tf.tidy(() => {
          const views = madeViews
            ? tf.tensor4d(madeViews, [V * n, height, width, channels])
            : this.augment(tf.tensor4d(batch.pixels, [n, height, width, channels]), V, batch.seed);
          return this.batchLoss(views, batch.meta, batch.biasLabels);
        }),
      this.variables,
    );
    // A variable the loss does not reach (none today) has no gradient and is left alone.
    const variables = this.variables.filter((v) => grads[v.name] !== undefined);
    const list = variables.map((v) => grads[v.name]!);
    const ok = finiteFlag([value, ...list]);
    return { value, variables, grads: list, ok };
  }

  /** The batch drawn ahead if there is one (its views dropped: made here instead), else the next. */
  private takeBatch(): GatheredBatch {
    const pending = this.pending;
    this.pending = undefined;
    return pending?.batch ?? this.drawBatch();
  }

  /** Draws the next batch and asks `prefetch` for its views (a failure resolves to undefined). */
  private drawAhead(prefetch: PrefetchFn): {
    batch: GatheredBatch;
    views: Promise<Float32Array | undefined>;
  } {
    const batch = this.drawBatch();
    const { height, width, channels } = this.dataset.info.imageShape;
    let views: Promise<Float32Array | undefined>;
    try {
      views = prefetch(
        batch.pixels,
        [batch.meta.n, height, width, channels],
        this.config.views,
        batch.seed,
      ).catch(() => undefined);
    } catch {
      views = Promise.resolve(undefined);
    }
    return { batch, views };
  }

  private notFinite(step: number, lossValue: number): StepResult {
    const what = Number.isFinite(lossValue) ? 'a gradient' : `the loss (${lossValue})`;
    return {
      step,
      loss: lossValue,
      applied: false,
      error:
        `At step ${step} ${what} was not finite, so the update was skipped and the last good weights are kept. ` +
        'Try a lower learning rate, a higher temperature, a larger batch, or another kernel bandwidth.',
    };
  }

  async step(): Promise<StepResult> {
    if (this.queued.length) throw new Error('read the queued steps (drain) before step()');
    const step = this.stepCount + 1;
    // On CPU-side backends the next batch's views are made (by augment.prefetch, in a helper
    // worker) while this batch trains; batches and seeds are drawn in the same order either way.
    const prefetch = !this.defersReads ? this.augment.prefetch : undefined;
    let batch: GatheredBatch | undefined;
    let madeViews: Float32Array | undefined;
    if (prefetch) {
      const current = this.pending ?? this.drawAhead(prefetch);
      this.pending = this.drawAhead(prefetch);
      batch = current.batch;
      madeViews = await current.views;
    }
    const { value, variables, grads, ok } = this.lossAndGrads(batch, madeViews);
    // Loss and flag in one read: on a GPU each read waits for the queue to finish.
    const record = tf.tidy(() => tf.stack([tf.reshape(value, []), ok]));
    const [lossValue, okValue] = await record.data();
    tf.dispose([value, ok, record]);
    if (!okValue) {
      tf.dispose(grads);
      return this.notFinite(step, lossValue!);
    }
    this.optimizer.apply(variables, grads);
    tf.dispose(grads);
    this.stepCount = step;
    return { step, loss: lossValue!, applied: true };
  }

  /**
   * One step without any GPU→CPU read: the update is applied on the device only if the loss and
   * every gradient are finite. `drain()` reads the queued steps' losses in one read.
   */
  queueStep(): void {
    const { value, variables, grads, ok } = this.lossAndGrads();
    this.optimizer.applyIf(variables, grads, ok);
    this.queued.push(tf.tidy(() => tf.stack([tf.reshape(value, []), ok])));
    tf.dispose([value, ok, ...grads]);
  }

  /**
   * True on GPU backends, where each read waits for the device: drive with queueStep/drain. On
   * CPU-side backends a read is free and step() is simpler.
   */
  get defersReads(): boolean {
    if (this.deferReads !== undefined) return this.deferReads;
    const backend = tf.getBackend();
    return backend === 'webgpu' || backend === 'webgl';
  }

  get queuedCount(): number {
    return this.queued.length;
  }

  /**
   * The results of the queued steps, in order, from one read. A step that was not finite was not
   * applied (the steps after it were, when finite): its result says so, and the caller pauses.
   */
  async drain(): Promise<StepResult[]> {
    if (!this.queued.length) return [];
    const all = tf.tidy(() => tf.stack(this.queued));
    const values = await all.data();
    tf.dispose([all, ...this.queued]);
    const count = this.queued.length;
    this.queued = [];
    const results: StepResult[] = [];
    for (let i = 0; i < count; i++) {
      const loss = values[2 * i]!;
      const step = this.stepCount + 1;
      if (!values[2 * i + 1]) {
        results.push(this.notFinite(step, loss));
        continue;
      }
      this.stepCount = step;
      results.push({ step, loss, applied: true });
    }
    this.optimizer.syncSteps(this.stepCount);
    return results;
  }

  /** Representations and projections of a split (first `limit` samples), in batches. */
  async embed(
    split: DataSplit,
    limit = split.n,
  ): Promise<{
    n: number;
    representation: Float32Array;
    projection: Float32Array;
    salient?: Float32Array;
  }> {
    const n = Math.min(limit, split.n);
    const { height, width, channels } = this.dataset.info.imageShape;
    const pixels = height * width * channels;
    const rDim = this.encoder.representationDim;
    const pDim = this.encoder.embeddingDim;
    const representation = new Float32Array(n * rDim);
    const projection = new Float32Array(n * pDim);
    const salient = this.salientEncoder
      ? new Float32Array(n * this.salientEncoder.embeddingDim)
      : undefined;
    const chunk = 256;
    for (let start = 0; start < n; start += chunk) {
      const size = Math.min(chunk, n - start);
      const [rep, proj, sal] = tf.tidy(() => {
        const images = tf.tensor4d(split.images.subarray(start * pixels, (start + size) * pixels), [
          size,
          height,
          width,
          channels,
        ]);
        const out = this.encoder.apply(images);
        return [
          out.representation,
          out.projection,
          this.salientEncoder?.apply(images).projection,
        ] as const;
      });
      representation.set(await rep.data(), start * rDim);
      projection.set(await proj.data(), start * pDim);
      if (sal && salient) salient.set(await sal.data(), start * this.salientEncoder!.embeddingDim);
      tf.dispose([rep, proj, ...(sal ? [sal] : [])]);
    }
    return { n, representation, projection, salient };
  }

  /** Projections of two augmented views of the first `limit` samples (for the alignment metric). */
  async embedViews(
    split: DataSplit,
    limit: number,
    seed: number,
  ): Promise<{ first: Float32Array; second: Float32Array }> {
    const n = Math.min(limit, split.n);
    const { height, width, channels } = this.dataset.info.imageShape;
    const pixels = height * width * channels;
    const projection = tf.tidy(() => {
      const images = tf.tensor4d(split.images.subarray(0, n * pixels), [
        n,
        height,
        width,
        channels,
      ]);
      return this.encoder.apply(this.augment(images, 2, seed)).projection;
    });
    const values = (await projection.data()) as Float32Array;
    projection.dispose();
    const half = n * this.encoder.embeddingDim;
    return { first: values.slice(0, half), second: values.slice(half) };
  }

  dispose(): void {
    this.pending = undefined;
    tf.dispose(this.queued);
    this.queued = [];
    this.encoder.dispose();
    this.salientEncoder?.dispose();
    this.optimizer.dispose();
  }
}

function createOptimizer(config: TrainingConfig): TrainingOptimizer {
  const { name, lr, momentum } = config.optimizer;
  return new TrainingOptimizer({ name, lr, momentum });
}

function chooseSampler(config: TrainingConfig, dataset: Dataset, seed: number): Sampler {
  const split = dataset.train;
  if (config.loss.name === 'sepclr') {
    const flags = split.flags.isTarget;
    if (!flags) throw new Error('sepclr needs a data set with an isTarget flag');
    return stratifiedSampler(flags, seed);
  }
  if (config.positives.name === 'class' || config.regularizer) {
    const labels = dataset.info.classLabel ? split.labels[dataset.info.classLabel] : undefined;
    if (labels) return classBalancedSampler(labels, seed);
  }
  return randomSampler(split.n, seed);
}

interface GatheredBatch {
  /** [n, h, w, c] pixels of the batch's samples. */
  pixels: Float32Array;
  meta: BatchMeta;
  biasLabels?: Int32Array;
  /** The augmentation seed of the batch. */
  seed: number;
}

/** One more than the batches alive at once (see Trainer.pixelArrays). */
const PIXEL_ARRAYS = 3;

/** The samples at `indices`, their images written into `images` (n × pixels, overwritten whole). */
function gatherBatch(
  dataset: Dataset,
  split: DataSplit,
  indices: Int32Array,
  images: Float32Array,
): Omit<GatheredBatch, 'seed'> {
  const { height, width, channels } = dataset.info.imageShape;
  const pixels = height * width * channels;
  const n = indices.length;
  indices.forEach((index, row) =>
    images.set(split.images.subarray(index * pixels, (index + 1) * pixels), row * pixels),
  );
  const pick = <T extends Int32Array | Float32Array | Uint8Array>(
    values: T | undefined,
  ): T | undefined =>
    values
      ? new (values.constructor as new (xs: number[]) => T)(Array.from(indices, (i) => values[i]!))
      : undefined;
  const classLabel = dataset.info.classLabel;
  const biasLabel = dataset.info.biasLabel;
  const attributes: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries(split.attributes)) attributes[name] = pick(values)!;
  return {
    pixels: images,
    meta: {
      n,
      classLabels: classLabel ? pick(split.labels[classLabel]) : undefined,
      attributes,
      isTarget: pick(split.flags.isTarget),
    },
    biasLabels: biasLabel ? pick(split.labels[biasLabel]) : undefined,
  };
}
