/**
 * The run's augmentation with `prefetch`: the same views made in a helper worker, so that on WASM
 * the trainer prepares the next batch while it trains on this one (Trainer.step). Colour jitter
 * stays on the tensor path (the helper's one-pass augmentation has no saturation or hue).
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import type { Dataset } from '../data';
import type { AugmentConfig } from '../data/augmentCpu';
import { augmentationConfig } from '../engine/augmentation';
import type { AugmentFn, PrefetchFn } from '../engine/trainer';
import type { AugmentReply, AugmentRequest } from './augment.worker';

export function withHelperWorker(
  augment: AugmentFn,
  dataset: Dataset,
  config?: TrainingConfig,
): AugmentFn {
  const settings = augmentationConfig(dataset, config?.augment);
  const colour = dataset.info.imageShape.channels === 3 && !!(settings.saturation || settings.hue);
  if (typeof Worker === 'undefined' || colour) return augment;
  // A new function: the caller's augmentation is left as it was (callers may share it).
  const prefetched: AugmentFn = (images, views, seed) => augment(images, views, seed);
  return Object.assign(prefetched, { prefetch: workerPrefetch(settings) });
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
