/** The data set's default augmentations, overridden field by field by the config's `augment`. */
import { augment, defaultAugmentation, type AugmentConfig } from '../data/augment';
import type { Dataset } from '../data/types';
import type { AugmentFn } from './trainer';

export function augmentationConfig(
  dataset: Dataset,
  overrides?: Record<string, unknown>,
): AugmentConfig {
  return { ...defaultAugmentation(dataset.info), ...(overrides as AugmentConfig | undefined) };
}

export function datasetAugment(dataset: Dataset, overrides?: Record<string, unknown>): AugmentFn {
  const config = augmentationConfig(dataset, overrides);
  return (images, views, seed) => augment(images, config, { seed, views });
}
