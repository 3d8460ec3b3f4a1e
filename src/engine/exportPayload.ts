/**
 * What the PyTorch export needs from the engine, as plain typed arrays: the config as the engine
 * runs it (the defaults it fills in written out), the effective loss parameters, the data set as
 * loaded and, optionally, the current weights. Used by the worker (the page's button) and the CLI.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { effectiveLossParams } from '../contracts/lossParams';
import { parseParams } from '../ml/losses/catalog';
import type { Dataset, DatasetConfig, DataSplit } from '../data/types';
import type { ExportPayload, ExportTensor } from '../export/pytorch';
import { augmentationConfig } from './augmentation';
import { lossStyle } from './lossInputs';
import type { Trainer } from './trainer';

/** The config with every default the engine applies written out (so train.py need not know them). */
export function engineConfig(config: TrainingConfig, dataset: Dataset): TrainingConfig {
  const out: TrainingConfig = {
    ...config,
    augment: { ...augmentationConfig(dataset, config.augment) },
  };
  if (lossStyle(config.loss.name) === 'sepclr') {
    out.salientEncoder = config.salientEncoder ?? config.encoder;
    out.salientDim = config.salientDim ?? config.embeddingDim;
  }
  if (config.regularizer)
    out.regularizer = {
      ...config.regularizer,
      temperature: config.regularizer.temperature ?? 1,
      kld: config.regularizer.kld ?? 1,
    };
  return out;
}

/** The loss's parameters as the trainer calls it: overrides applied, schema defaults filled in. */
export function engineLossParams(config: TrainingConfig): Record<string, unknown> {
  return parseParams(config.loss.name, effectiveLossParams(config));
}

/** The data set config the loaders were given (the run's seed unless the data set names its own). */
export function datasetConfigOf(config: TrainingConfig): DatasetConfig {
  return { seed: config.seed, ...config.dataset };
}

/**
 * The trainer's weights at this moment: the variables are cloned synchronously, so a training
 * step that runs while their values are read cannot mix two steps' weights.
 */
export async function currentWeights(
  trainer: Trainer,
): Promise<{ step: number; tensors: ExportTensor[] }> {
  const step = trainer.stepCount;
  const clones = trainer.variables.map((v) => tf.clone(v));
  try {
    const tensors: ExportTensor[] = [];
    for (const c of clones)
      tensors.push({ shape: [...c.shape], data: Float32Array.from(await c.data()) });
    return { step, tensors };
  } finally {
    tf.dispose(clones);
  }
}

const copySplit = (s: DataSplit): DataSplit => {
  const copy = <T extends Int32Array | Float32Array | Uint8Array>(r: Record<string, T>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.slice()])) as Record<string, T>;
  return {
    n: s.n,
    images: s.images.slice(),
    labels: copy(s.labels),
    attributes: copy(s.attributes),
    flags: copy(s.flags),
  };
};

/**
 * The export payload of a trainer's run. Arrays are copies (the worker transfers them away);
 * `weights: false` leaves the weights out (train.py then starts from the seeded initialisation).
 */
export async function exportPayload(
  trainer: Trainer,
  options: { weights: boolean },
): Promise<ExportPayload> {
  const config = trainer.config;
  const dataset = trainer.dataset;
  return {
    config: engineConfig(config, dataset),
    lossParams: engineLossParams(config),
    lossStyle: lossStyle(config.loss.name),
    dataset: {
      info: dataset.info,
      config: datasetConfigOf(config),
      train: copySplit(dataset.train),
      test: copySplit(dataset.test),
    },
    ...(options.weights ? { weights: await currentWeights(trainer) } : {}),
  };
}
