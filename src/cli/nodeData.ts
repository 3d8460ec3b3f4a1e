/** Data sets and augmentations for the Node runner: the same loaders as the browser, reading public/data. */
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { getDatasetDefinition, loadDataset, type Dataset, type DatasetConfig } from '../data';
import { nodeReader } from '../data/nodeReader';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { datasetAugment } from '../engine/augmentation';
import { withVaePrior } from '../engine/prior';
import type { AugmentFn } from '../engine/trainer';

/**
 * Built-in data sets read public/data. A user data set reads the folder of its CSV: `csv` is a
 * path (absolute, or relative to the working directory), and the files it lists are relative to it.
 * A `csv` naming a folder reads that folder without a CSV (user-images: a class per sub-folder).
 */
export async function loadNodeDataset(config: TrainingConfig): Promise<Dataset> {
  let datasetConfig: DatasetConfig = { seed: config.seed, ...config.dataset };
  let reader = nodeReader();
  if (getDatasetDefinition(config.dataset.name).kind === 'user') {
    const csv = resolve(String(config.dataset['csv'] ?? defaultCsv(config.dataset.name)));
    const folder = statSync(csv, { throwIfNoEntry: false })?.isDirectory() ?? false;
    reader = nodeReader(folder ? csv : dirname(csv));
    datasetConfig = { ...datasetConfig, csv: folder ? null : basename(csv) };
  }
  const { dataset, errors } = await loadDataset(datasetConfig, reader);
  for (const e of errors)
    console.warn(`${e.file}${e.line !== undefined ? `, line ${e.line}` : ''}: ${e.message}`);
  // With `config.prior`, a VAE trained on the training images adds attributes vae0…vae{k−1}.
  return withVaePrior(dataset, config);
}

export function nodeAugment(dataset: Dataset, config?: TrainingConfig): AugmentFn {
  return datasetAugment(dataset, config?.augment);
}

function defaultCsv(name: string): string {
  return String(getDatasetDefinition(name).defaults['csv']);
}
