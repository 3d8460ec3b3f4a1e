/** Data sets and augmentations inside the worker: assets fetched from the page's own origin. */
import { loadDataset, type Dataset } from '../data';
import { browserReader } from '../data/browserReader';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { datasetAugment } from '../engine/augmentation';
import type { AugmentFn } from '../engine/trainer';

export async function loadBrowserDataset(
  config: TrainingConfig,
  dataUrl: string,
): Promise<Dataset> {
  const { dataset } = await loadDataset(
    { seed: config.seed, ...config.dataset },
    browserReader(dataUrl),
  );
  return dataset;
}

export function browserAugment(dataset: Dataset, config?: TrainingConfig): AugmentFn {
  return datasetAugment(dataset, config?.augment);
}
