/**
 * Evaluation on held-out data: alignment and uniformity of the projections (on the hypersphere),
 * effective rank, kNN and linear-probe accuracy, ridge MAE/R² on a continuous attribute, bias
 * metrics, SepCLR probes from each space, and the similarity histograms the plots draw. Probes use
 * the representation before the projection head, as the papers' linear evaluations do.
 */
import type { Trainer } from './trainer';
import type { EmbeddingSnapshot, MetricsRecord } from '../contracts/metrics';
import { alignment, effectiveRank, uniformity } from '../ml/metrics/embedding';
import { knnAccuracy } from '../ml/metrics/knn';
import { fitLinearProbe, linearProbe, predictLinearProbe } from '../ml/metrics/probes';
import { ridgeRegression } from '../ml/metrics/regression';
import { biasMetrics } from '../ml/metrics/bias';
import { similarityHistograms } from '../ml/metrics/histograms';
import { sepclrProbes } from '../ml/metrics/sepclr';
import type { DataSplit } from '../data/types';
import {
  balancedAccuracy,
  computeTransfer,
  type TransferInput,
  type TransferOptions,
} from './transfer';

/** Seed of the evaluation views: the same augmentations at every evaluation, so curves compare. */
const EVALUATION_SEED = 12345;

function normalizeRows(x: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += dim) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += x[i + k]! ** 2;
    const inv = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let k = 0; k < dim; k++) out[i + k] = x[i + k]! * inv;
  }
  return out;
}

function head<T extends Int32Array | Float32Array | Uint8Array>(
  values: T | undefined,
  n: number,
): T | undefined {
  return values ? (values.subarray(0, n) as T) : undefined;
}

/** Rows of `x` ([n, dim]) whose flag is 1. */
function selectRows(x: Float32Array, dim: number, keep: ArrayLike<number>): Float32Array {
  const rows: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) rows.push(i);
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, j) => out.set(x.subarray(r * dim, (r + 1) * dim), j * dim));
  return out;
}

function selectValues<T extends Int32Array | Float32Array>(values: T, keep: ArrayLike<number>): T {
  const out: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) out.push(values[i]!);
  return new (values.constructor as new (xs: number[]) => T)(out);
}

export interface EvaluationResult {
  metrics: MetricsRecord;
  snapshot: EmbeddingSnapshot;
}

export interface EvaluateOptions {
  /**
   * Only the held-out embedding with its uniformity, no probes (the first frame of a run, drawn
   * within a moment of opening the page; the full evaluation follows).
   */
  quick?: boolean;
  /**
   * The transfer study (`metrics.transfer`): true computes `config.transfer`, an object computes
   * those settings, false skips it. Default: `config.transfer` at the final step
   * (step === config.steps) only, so periodic evaluations do not pay for it.
   */
  transfer?: boolean | TransferInput;
  /** Augmentation of the transfer classifiers' batches (none by default). */
  transferAugment?: TransferOptions['augment'];
}

export async function evaluate(
  trainer: Trainer,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const { config, dataset } = trainer;
  const info = dataset.info;
  const limits = config.evaluation;
  const test = await trainer.embed(dataset.test, limits.maxTest);
  const rDim = trainer.encoder.representationDim;
  const pDim = trainer.encoder.embeddingDim;
  const unit = normalizeRows(test.projection, pDim);
  const metrics: MetricsRecord = { step: trainer.stepCount };
  if (options.quick) {
    metrics.uniformity = uniformity(unit, pDim);
    return {
      metrics,
      snapshot: { step: trainer.stepCount, n: test.n, dim: pDim, projection: unit },
    };
  }
  const train = await trainer.embed(dataset.train, limits.maxTrain);

  const views = await trainer.embedViews(
    dataset.test,
    Math.min(limits.maxTest, 512),
    EVALUATION_SEED,
  );
  metrics.alignment = alignment(
    normalizeRows(views.first, pDim),
    normalizeRows(views.second, pDim),
    pDim,
  );
  metrics.uniformity = uniformity(unit, pDim);
  metrics.effectiveRank = effectiveRank(test.representation, rDim);

  const classLabel = info.classLabel;
  const trainClasses = classLabel ? head(dataset.train.labels[classLabel], train.n) : undefined;
  const testClasses = classLabel ? head(dataset.test.labels[classLabel], test.n) : undefined;
  if (trainClasses && testClasses && config.loss.name !== 'sepclr') {
    metrics.knnAccuracy = knnAccuracy(
      train.representation,
      trainClasses,
      test.representation,
      testClasses,
      rDim,
      {
        k: limits.knnK,
      },
    );
    const biasLabel = info.biasLabel;
    const aligned = head(dataset.test.flags.biasAligned, test.n);
    if (biasLabel && aligned && dataset.train.labels[biasLabel] && dataset.test.labels[biasLabel]) {
      const bias = biasMetrics({
        trainX: train.representation,
        trainLabels: trainClasses,
        trainBias: head(dataset.train.labels[biasLabel], train.n)!,
        testX: test.representation,
        testLabels: testClasses,
        testBias: head(dataset.test.labels[biasLabel], test.n)!,
        testBiasAligned: aligned,
        dim: rDim,
      });
      metrics.linearProbeAccuracy = bias.linearProbeAccuracy;
      if (bias.biasAlignedAccuracy !== undefined)
        metrics.biasAlignedAccuracy = bias.biasAlignedAccuracy;
      if (bias.biasConflictingAccuracy !== undefined)
        metrics.biasConflictingAccuracy = bias.biasConflictingAccuracy;
      metrics.biasPredictability = bias.biasPredictability;
    } else {
      metrics.linearProbeAccuracy = linearProbe(
        train.representation,
        trainClasses,
        test.representation,
        testClasses,
        rDim,
      ).accuracy;
    }
  }

  // A confound without bias-aligned flags (brain MRI's site): how well a linear probe reads it from
  // the representation, as a balanced accuracy, since sites are not equally frequent. Computed for
  // every loss (SepCLR's common space included): it is the metric the debiasing papers are about.
  if (metrics.biasPredictability === undefined) {
    const site = confoundPredictability(trainer, train, test);
    if (site !== undefined) metrics.biasPredictability = site;
  }

  const target = regressionTarget(trainer);
  if (target && dataset.train.attributes[target] && dataset.test.attributes[target]) {
    const ridge = ridgeRegression(
      train.representation,
      head(dataset.train.attributes[target], train.n)!,
      test.representation,
      head(dataset.test.attributes[target], test.n)!,
      rDim,
    );
    metrics.regressionMAE = ridge.mae;
    metrics.regressionR2 = ridge.r2;
  }

  if (config.loss.name === 'sepclr' && train.salient && test.salient) {
    Object.assign(metrics, targetProbes(trainer, train, test));
  }

  const transfer = transferSettings(trainer, options.transfer);
  if (transfer) {
    metrics.transfer = await computeTransfer(trainer, transfer, {
      augment: options.transferAugment,
    });
  }

  const snapshot: EmbeddingSnapshot = {
    step: trainer.stepCount,
    n: test.n,
    dim: pDim,
    projection: unit,
  };
  if (test.salient && trainer.salientEncoder) {
    snapshot.salient = test.salient;
    snapshot.salientDim = trainer.salientEncoder.embeddingDim;
  }
  if (testClasses) {
    const biasLabels = info.biasLabel
      ? head(dataset.test.labels[info.biasLabel], test.n)
      : undefined;
    const h = similarityHistograms(unit, pDim, testClasses, {
      bins: 40,
      ...(biasLabels ? { biasLabels } : {}),
    });
    snapshot.histograms = {
      edges: h.edges,
      positive: h.positive,
      negative: h.negative,
      ...(h.byBias ? { byBias: h.byBias } : {}),
    };
  }
  return { metrics, snapshot };
}

/**
 * Balanced accuracy of a linear probe for the data set's bias label on the representation, when the
 * data set has a bias label with values in both splits (and at least two of them in train).
 */
function confoundPredictability(
  trainer: Trainer,
  train: { n: number; representation: Float32Array },
  test: { n: number; representation: Float32Array },
): number | undefined {
  const { dataset } = trainer;
  const biasLabel = dataset.info.biasLabel;
  if (!biasLabel) return undefined;
  const yTrain = head(dataset.train.labels[biasLabel], train.n);
  const yTest = head(dataset.test.labels[biasLabel], test.n);
  if (!yTrain || !yTest || new Set(yTrain).size < 2) return undefined;
  const rDim = trainer.encoder.representationDim;
  const model = fitLinearProbe(train.representation, yTrain, rDim);
  return balancedAccuracy(predictLinearProbe(model, test.representation), yTest);
}

/** The transfer settings this evaluation computes, if any (see EvaluateOptions.transfer). */
function transferSettings(
  trainer: Trainer,
  option: EvaluateOptions['transfer'],
): TransferInput | undefined {
  const configured = trainer.config.transfer;
  if (option === undefined)
    return trainer.stepCount === trainer.config.steps ? configured : undefined;
  if (option === false) return undefined;
  if (option === true) {
    if (!configured)
      throw new Error('transfer: the config has no `transfer` section (give the settings instead)');
    return configured;
  }
  return option;
}

/** The attribute to regress: the one that defines the positives, else the data set's first. */
function regressionTarget(trainer: Trainer): string | undefined {
  const named = trainer.config.positives.attribute;
  const { attributes } = trainer.dataset.info;
  // A learnt prior's features (e.g. VAE latents) are not a target worth reporting.
  const learnt = new Set(attributes.filter((a) => a.learnt).map((a) => a.name));
  const names = (typeof named === 'string' ? [named] : (named ?? [])).filter((n) => !learnt.has(n));
  return names[0] ?? attributes.find((a) => !a.learnt)?.name;
}

/** Each label probed from the common and from the salient space, on target samples only (as officially). */
function targetProbes(
  trainer: Trainer,
  train: { n: number; representation: Float32Array; salient?: Float32Array },
  test: { n: number; representation: Float32Array; salient?: Float32Array },
): Pick<MetricsRecord, 'commonProbe' | 'salientProbe'> {
  const { dataset } = trainer;
  const trainTarget = head(dataset.train.flags.isTarget, train.n);
  const testTarget = head(dataset.test.flags.isTarget, test.n);
  if (!trainTarget || !testTarget || !train.salient || !test.salient) return {};
  const rDim = trainer.encoder.representationDim;
  const sDim = trainer.salientEncoder!.embeddingDim;
  const labels: Record<string, { train: Int32Array; test: Int32Array }> = {};
  for (const label of dataset.info.labels) {
    const yTrain = labelsOf(dataset.train, label.name, train.n);
    const yTest = labelsOf(dataset.test, label.name, test.n);
    if (!yTrain || !yTest) continue;
    const selected = {
      train: selectValues(yTrain, trainTarget),
      test: selectValues(yTest, testTarget),
    };
    if (new Set(selected.train).size >= 2) labels[label.name] = selected;
  }
  if (!Object.keys(labels).length) return {};
  const space = (trainX: Float32Array, testX: Float32Array, dim: number) => ({
    train: selectRows(trainX, dim, trainTarget),
    test: selectRows(testX, dim, testTarget),
    dim,
  });
  return sepclrProbes(
    {
      common: space(train.representation, test.representation, rDim),
      salient: space(train.salient, test.salient, sDim),
    },
    labels,
  );
}

function labelsOf(split: DataSplit, name: string, n: number): Int32Array | undefined {
  return head(split.labels[name], n);
}
