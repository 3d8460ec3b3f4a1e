/** Data sets and augmentations inside the worker: assets fetched from the page's own origin. */
import { loadDataset, type Dataset } from '../data';
import { browserReader } from '../data/browserReader';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { datasetAugment } from '../engine/augmentation';
import { withVaePrior } from '../engine/prior';
import type { AugmentFn } from '../engine/trainer';

export async function loadBrowserDataset(
  config: TrainingConfig,
  dataUrl: string,
): Promise<Dataset> {
  const { dataset } = await loadDataset(
    { seed: config.seed, ...config.dataset },
    browserReader(dataUrl),
  );
  // With `config.prior`, a VAE trained on the training images (on the chosen backend) adds
  // attributes vae0…vae{k−1}.
  return withVaePrior(dataset, config);
}

export function browserAugment(dataset: Dataset, config?: TrainingConfig): AugmentFn {
  return datasetAugment(dataset, config?.augment);
}
