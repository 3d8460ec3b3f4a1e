/**
 * The one data pipeline of a run, shared by the worker, the Node runner (experiment, scenes,
 * export, validation) and the tests: the data set read through a DataSource → the VAE prior (with
 * `config.prior`: a VAE trained on the training images adds attributes vae0…vae{k−1}) → the
 * data set's augmentation, overridden by `config.augment`.
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import { loadDataset, type DataError, type DataSource, type Dataset } from '../data';
import { datasetAugment } from './augmentation';
import { withVaePrior, type PriorOptions } from './prior';
import type { AugmentFn } from './trainer';

export interface TrainingData {
  dataset: Dataset;
  /** Files or CSV lines the data set skipped, each with its problem (the valid ones were kept). */
  errors: DataError[];
  augment: AugmentFn;
}

export async function loadTrainingData(
  config: TrainingConfig,
  source: DataSource,
  prior: PriorOptions = {},
): Promise<TrainingData> {
  const { dataset: loaded, errors } = await loadDataset(
    { seed: config.seed, ...config.dataset, ...source.dataset },
    source.reader,
  );
  if (errors.length) source.onErrors?.(errors);
  const dataset = await withVaePrior(loaded, config, prior);
  return { dataset, errors, augment: datasetAugment(dataset, config.augment) };
}
