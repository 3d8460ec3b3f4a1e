/**
 * Data sets and augmentations inside the worker: built-in assets fetched from the page's own
 * origin, user data sets read from the files the user chose on the page.
 */
import { getDatasetDefinition, loadDataset, type DataError, type Dataset } from '../data';
import { browserReader, filesReader } from '../data/browserReader';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { datasetAugment } from '../engine/augmentation';
import { withVaePrior } from '../engine/prior';
import type { AugmentFn } from '../engine/trainer';

export async function loadBrowserDataset(
  config: TrainingConfig,
  dataUrl: string,
  files?: readonly File[],
  /** False once a newer run replaced this one: a long folder load then stops reading files. */
  stillWanted: () => boolean = () => true,
  /** Called after each chosen file is read (the count so far, and how many were chosen). */
  onFileRead: (read: number, total: number) => void = () => undefined,
): Promise<{ dataset: Dataset; errors: DataError[] }> {
  const definition = getDatasetDefinition(config.dataset.name);
  let reader = browserReader(dataUrl);
  if (definition.kind === 'user') {
    if (!files?.length) throw new Error(missingFilesMessage(definition.title));
    const chosen = filesReader(files);
    let read = 0;
    reader = Object.assign(
      async (path: string) => {
        if (!stillWanted()) throw new Error('replaced by a newer run');
        try {
          return await chosen(path);
        } finally {
          onFileRead(++read, files.length);
        }
      },
      { list: chosen.list },
    );
  }
  const { dataset, errors } = await loadDataset({ seed: config.seed, ...config.dataset }, reader);
  // With `config.prior`, a VAE trained on the training images (on the chosen backend) adds
  // attributes vae0…vae{k−1}.
  return { dataset: await withVaePrior(dataset, config), errors };
}

/** Why a user data set has nothing to read: its files live on the page, never in a link. */
export function missingFilesMessage(title: string): string {
  return (
    `${title}: no files chosen. Your own files are never part of a link or of the saved ` +
    `settings; choose them again under Data (a folder, or the images and their CSV).`
  );
}

export function browserAugment(dataset: Dataset, config?: TrainingConfig): AugmentFn {
  return datasetAugment(dataset, config?.augment);
}
