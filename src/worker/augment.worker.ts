/**
 * Augmented views off the training thread: the training worker sends the next batch's pixels and
 * seed while it trains on the current one, and gets back exactly the views `augment` computes on
 * WASM and CPU (augmentArray, no TF.js here). With two cores the views of batch k+1 are made while
 * batch k's serial phases leave a core idle.
 */
import { augmentArray, type AugmentConfig } from '../data/augmentCpu';
import { dedicatedWorkerScope } from './workerScope';

export interface AugmentRequest {
  id: number;
  pixels: Float32Array;
  shape: [number, number, number, number];
  config: AugmentConfig;
  seed: number;
  views: number;
}

export type AugmentReply = { id: number; views: Float32Array } | { id: number; error: string };

export function handleAugmentRequest(request: AugmentRequest): {
  reply: AugmentReply;
  transfer: Transferable[];
} {
  try {
    const views = augmentArray(
      request.pixels,
      request.shape,
      request.config,
      request.seed,
      request.views,
    );
    return { reply: { id: request.id, views }, transfer: [views.buffer] };
  } catch (error) {
    return { reply: { id: request.id, error: (error as Error).message }, transfer: [] };
  }
}

const scope = dedicatedWorkerScope();
scope?.addEventListener('message', (event) => {
  const { reply, transfer } = handleAugmentRequest(event.data as AugmentRequest);
  scope.postMessage(reply, transfer);
});
