/** Data sets and augmentations for the Node runner: the same loaders as the browser, reading public/data. */
import { loadDataset, type Dataset } from '../data';
import { nodeReader } from '../data/nodeReader';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { datasetAugment } from '../engine/augmentation';
import { withVaePrior } from '../engine/prior';
import type { AugmentFn } from '../engine/trainer';

export async function loadNodeDataset(config: TrainingConfig): Promise<Dataset> {
  const { dataset, errors } = await loadDataset(
    { seed: config.seed, ...config.dataset },
    nodeReader(),
  );
  if (errors.length) console.warn(errors.map((e) => `${e.file}: ${e.message}`).join('\n'));
  // With `config.prior`, a VAE trained on the training images adds attributes vae0…vae{k−1}.
  return withVaePrior(dataset, config);
}

export function nodeAugment(dataset: Dataset, config?: TrainingConfig): AugmentFn {
  return datasetAugment(dataset, config?.augment);
}
