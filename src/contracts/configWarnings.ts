/**
 * Legal nonsense: configurations the contract accepts but that rarely do what one wants, each with
 * the risk and the usual range in words; the memory a run will need, estimated before it starts
 * (a run that cannot fit is refused with the number); and the collapse detector for evaluations.
 * Pure functions over the config; no TF.js, so the page can call them as a config is set.
 */
import type { TrainingConfig } from './trainingConfig';
import type { BackendName } from './backend';
import type { MetricsRecord } from './metrics';
import { findEntry } from '../ml/losses/catalog';

export interface ConfigWarning {
  /** Stable per kind (dismissals are remembered by id and the value that caused it). */
  id: 'temperature' | 'lr' | 'views' | 'supcon-batch' | 'memory' | 'collapse';
  message: string;
}

/** What the page knows of the data set (from a loaded run of it), else guessed from its name. */
export interface DatasetFacts {
  imageShape: { height: number; width: number; channels: number };
  /** Classes of the class label, when there is one. */
  classes?: number;
}

/** The image shape and class count of the built-in data sets, for a config not yet loaded. */
export function guessDatasetFacts(dataset: TrainingConfig['dataset']): DatasetFacts {
  const num = (key: string, fallback: number) =>
    typeof dataset[key] === 'number' ? (dataset[key] as number) : fallback;
  switch (dataset.name) {
    case 'mnist':
    case 'fashion-mnist':
    case 'digits-on-fashion':
      return { imageShape: { height: 28, width: 28, channels: 1 }, classes: 10 };
    case 'colored-mnist':
      return { imageShape: { height: 28, width: 28, channels: 3 }, classes: 10 };
    case 'brain-mri':
    case 'brain-mri-sepclr': {
      const size = num('size', 64);
      return { imageShape: { height: size, width: size, channels: 2 }, classes: 5 };
    }
    case 'shapes': {
      const size = num('size', 32);
      return { imageShape: { height: size, width: size, channels: 1 }, classes: 3 };
    }
    case 'gaussians':
      return {
        imageShape: { height: 1, width: 1, channels: num('dim', 2) },
        classes: num('components', 4),
      };
    default:
      // Your own images: a typical size until a run has loaded them.
      return { imageShape: { height: 64, width: 64, channels: 1 } };
  }
}

/**
 * The most memory a backend can give one run, in bytes. WASM: TF.js' module grows to 2 GiB (the
 * probe of issue 13 failed with "memory access out of bounds" at 2.9 GB for the whole tab);
 * CPU: typed arrays on the JS heap, a tab's few GiB; WebGL/WebGPU: what a laptop GPU or its
 * driver commonly allows a page, without a way to ask for it.
 */
export const BACKEND_MEMORY_LIMIT: Record<BackendName, number> = {
  wasm: 2 * 2 ** 30,
  cpu: 4 * 2 ** 30,
  webgl: 2 * 2 ** 30,
  webgpu: 2 * 2 ** 30,
};

const F32 = 4;

function encoderCost(
  encoder: TrainingConfig['encoder'],
  shape: DatasetFacts['imageShape'],
  embeddingDim: number,
  rows: number,
): { params: number; activations: number } {
  let params = 0;
  let activations = 0;
  let width: number;
  if (encoder.name === 'mlp') {
    width = shape.height * shape.width * shape.channels;
    for (const h of encoder.hidden) {
      params += width * h + h;
      activations += rows * h;
      width = h;
    }
  } else {
    let h = shape.height;
    let w = shape.width;
    let c = shape.channels;
    for (const out of encoder.channels) {
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
      params += 9 * c * out + out;
      // The convolution's patches (im2col on the CPU-side backends) and its output.
      activations += rows * h * w * (out + 9 * c);
      c = out;
    }
    params += h * w * c * encoder.representation + encoder.representation;
    activations += rows * encoder.representation;
    width = encoder.representation;
  }
  params += width * encoder.projectionHidden + encoder.projectionHidden;
  params += encoder.projectionHidden * embeddingDim + embeddingDim;
  activations += rows * (encoder.projectionHidden + embeddingDim);
  return { params, activations };
}

/**
 * Bytes one training step needs at its peak, roughly: the batch and its augmented views, the
 * encoders' weights with their gradients and Adam's two moments, the activations kept for the
 * backward pass (with their gradients and ReLU masks), and the loss's (V·B)² similarity matrices
 * (logits, exponentials, masks and their gradients). An estimate meant to catch the 10× cases,
 * not to predict within 20 %.
 */
export function estimateStepMemory(config: TrainingConfig, facts: DatasetFacts): number {
  const rows = config.batchSize * config.views;
  const pixels = facts.imageShape.height * facts.imageShape.width * facts.imageShape.channels;
  const input = rows * pixels * F32 * 3;
  const encoders = [config.encoder];
  if (config.loss.name === 'sepclr') encoders.push(config.salientEncoder ?? config.encoder);
  let weights = 0;
  let activations = 0;
  for (const e of encoders) {
    const cost = encoderCost(e, facts.imageShape, config.embeddingDim, rows);
    weights += cost.params * F32 * 4;
    activations += cost.activations * F32 * 3;
  }
  const similarity = rows * rows * F32 * 8;
  return input + weights + activations + similarity;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/** The refusal: why this config cannot run on this backend, or null when it fits. */
export function memoryRefusal(
  config: TrainingConfig,
  facts: DatasetFacts,
  backend: BackendName,
): string | null {
  const need = estimateStepMemory(config, facts);
  const limit = BACKEND_MEMORY_LIMIT[backend];
  if (need <= limit) return null;
  return (
    `This run needs about ${formatBytes(need)} per step (batch ${config.batchSize} × ${config.views} views), ` +
    `more than the ${formatBytes(limit)} the ${backend} backend can hold: lower the batch size, the views or the encoder's widths.`
  );
}

/** Losses whose positives are the other views (so one view leaves none), per their definitions. */
function needsTwoViews(name: string): boolean {
  const training = findEntry(name)?.training;
  return !!training && (training.style !== 'view-major' || training.positives === 'none');
}

/** Losses that take class labels as positives: a batch smaller than the classes starves them. */
function takesClasses(name: string): boolean {
  const training = findEntry(name)?.training;
  return training?.style === 'view-major' && training.positives === 'class-or-views';
}

/** Every warning for this config, in a fixed order (empty when nothing looks off). */
export function configWarnings(
  config: TrainingConfig,
  facts: DatasetFacts,
  backend: BackendName,
): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const loss = config.loss as Record<string, unknown>;
  for (const key of ['temperature', 'tau'] as const) {
    const t = loss[key];
    if (typeof t === 'number' && (t < 0.01 || t > 10)) {
      out.push({
        id: 'temperature',
        message:
          t < 0.01
            ? `Temperature ${key} = ${t} is very small: the logits blow up (loss in the 1e10s or more) and the softmax becomes a hard max, so uniformity stops moving. The usual range is 0.05–1.`
            : `Temperature ${key} = ${t} is very large: every pair looks alike and the loss barely changes. The usual range is 0.05–1.`,
      });
      break;
    }
  }
  const { name: opt, lr } = config.optimizer;
  const lrLimit = opt === 'sgd' ? 1 : 0.1;
  if (lr > lrLimit)
    out.push({
      id: 'lr',
      message: `Learning rate ${lr} is high for ${opt.toUpperCase()} (above ${lrLimit}): the embedding tends to collapse or diverge within a few steps. The usual range is ${opt === 'sgd' ? '0.01–0.5' : '1e-4–1e-2'}.`,
    });
  const training = findEntry(config.loss.name)?.training;
  const needsPairs =
    needsTwoViews(config.loss.name) ||
    (config.positives.name === 'views' &&
      !(training?.style === 'view-major' && training.positives === 'attribute'));
  if (config.views === 1 && needsPairs)
    out.push({
      id: 'views',
      message: `views: 1 with ${config.loss.name}${config.positives.name === 'views' ? ' and positives from augmentations' : ''}: this loss needs at least two views of each image, so it has no positive pair. Use 2 views.`,
    });
  if (takesClasses(config.loss.name) && facts.classes && config.batchSize < facts.classes)
    out.push({
      id: 'supcon-batch',
      message: `Batch ${config.batchSize} is smaller than the ${facts.classes} classes: many anchors have no positive of their class in the batch. Use a batch of at least ${facts.classes}, usually several times more.`,
    });
  const refusal = memoryRefusal(config, facts, backend);
  if (refusal) out.push({ id: 'memory', message: refusal });
  return out;
}

/**
 * A collapsed representation: effective rank under 2 (under half the embedding dimension for 2-D
 * and 3-D embeddings, whose rank cannot exceed it), or alignment under 1e-4 with uniformity near
 * 0 (|u| < 0.05), or uniformity above −0.01 whatever the alignment: with t = 2 that is a mean
 * squared distance under about 0.005 between normalised points, all of them within ~0.07 of each
 * other (SGD at lr 10, momentum 0.999 on MNIST gets there in two steps with alignment 1.3e-4 and
 * effective rank 2.7, which the first two rules miss). Evaluations at step 0 do not count.
 */
export function collapseWarning(
  metrics: MetricsRecord,
  embeddingDim: number,
): ConfigWarning | null {
  if (!(metrics.step > 0)) return null;
  const rankLimit = Math.min(2, embeddingDim / 2);
  const rank = metrics.effectiveRank;
  const { alignment, uniformity } = metrics;
  const rankCollapsed = typeof rank === 'number' && rank < rankLimit;
  const pointCollapsed =
    typeof uniformity === 'number' &&
    ((typeof alignment === 'number' && alignment < 1e-4 && Math.abs(uniformity) < 0.05) ||
      uniformity > -0.01);
  if (!rankCollapsed && !pointCollapsed) return null;
  const what = rankCollapsed
    ? `effective rank ${rank!.toFixed(2)} (of ${embeddingDim} dimensions)`
    : `uniformity ${uniformity!.toFixed(4)}${typeof alignment === 'number' ? ` with alignment ${alignment.toExponential(1)}` : ''}`;
  return {
    id: 'collapse',
    message: `The embedding collapsed at step ${metrics.step}: ${what}. Every sample maps to (nearly) the same place or line; a lower learning rate, a higher temperature or more negatives usually help.`,
  };
}
