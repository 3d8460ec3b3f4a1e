/**
 * Data sets and augmentations inside the worker: built-in assets fetched from the page's own
 * origin, user data sets read from the files the user chose on the page.
 */
import { getDatasetDefinition, loadDataset, type DataError, type Dataset } from '../data';
import { browserReader, filesReader } from '../data/browserReader';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { augmentationConfig, datasetAugment } from '../engine/augmentation';
import type { AugmentConfig } from '../data/augmentCpu';
import type { AugmentReply, AugmentRequest } from './augment.worker';
import { withVaePrior } from '../engine/prior';
import type { AugmentFn, PrefetchFn } from '../engine/trainer';

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

/**
 * The data set's augmentation, with `prefetch`: the same views made in a helper worker, so that
 * on WASM the trainer prepares the next batch while it trains on this one (Trainer.step).
 */
export function browserAugment(dataset: Dataset, config?: TrainingConfig): AugmentFn {
  const augment = datasetAugment(dataset, config?.augment);
  const settings = augmentationConfig(dataset, config?.augment);
  const colour = dataset.info.imageShape.channels === 3 && !!(settings.saturation || settings.hue);
  if (typeof Worker === 'undefined' || colour) return augment;
  return Object.assign(augment, { prefetch: workerPrefetch(settings) });
}

/** One helper worker per page or worker (made at the first request), shared by every run. */
let helper:
  | { worker: Worker; waiting: Map<number, (reply: AugmentReply) => void>; failed: boolean }
  | undefined;
let nextRequest = 0;

function workerPrefetch(config: AugmentConfig): PrefetchFn {
  return (pixels, shape, views, seed) => {
    if (!helper) {
      let worker: Worker;
      try {
        worker = new Worker(new URL('./augment.worker.ts', import.meta.url), { type: 'module' });
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const made = {
        worker,
        waiting: new Map<number, (reply: AugmentReply) => void>(),
        failed: false,
      };
      worker.onmessage = (event: MessageEvent<AugmentReply>) => {
        made.waiting.get(event.data.id)?.(event.data);
        made.waiting.delete(event.data.id);
      };
      // A helper that cannot start or breaks: every request fails, and the trainer makes the
      // views itself (the same views).
      worker.onerror = () => {
        made.failed = true;
        for (const [id, reply] of made.waiting) reply({ id, error: 'augmentation worker failed' });
        made.waiting.clear();
      };
      helper = made;
    }
    const h = helper;
    if (h.failed) return Promise.reject(new Error('augmentation worker failed'));
    const id = nextRequest++;
    return new Promise<Float32Array>((resolve, reject) => {
      h.waiting.set(id, (reply) =>
        'views' in reply ? resolve(reply.views) : reject(new Error(reply.error)),
      );
      const request: AugmentRequest = { id, pixels, shape, config, seed, views };
      h.worker.postMessage(request);
    });
  };
}
