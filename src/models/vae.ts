/**
 * A small variational auto-encoder (Kingma & Welling 2014) on a data set's images, as plain tensors
 * and variables like the encoders: an MLP on the flattened pixels → mean and log-variance of a
 * `latentDim`-dimensional Gaussian posterior; a sample by reparameterisation; an MLP decoder → one
 * Bernoulli logit per pixel (sigmoid gives the reconstruction in [0, 1], the images' range).
 * The loss is the negative ELBO per image: Bernoulli reconstruction (binary cross-entropy summed
 * over pixels, soft targets allowed) + β · KL(q(z|x) ‖ N(0, I)). Trained with Adam; initialisation,
 * batches and the reparameterisation noise all come from one seed.
 *
 * Its latent means are the prior knowledge of a generative model that decoupled uniformity turns
 * into a kernel prior (Dufumier et al., ICML 2023); see src/engine/prior.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createLinear, linear, variablesOf, type LinearParams } from './layers';
import { SeededRandom } from '../ml/random';
import type { TrainingConfig } from '../contracts/trainingConfig';

export interface VaeImageShape {
  height: number;
  width: number;
  channels: number;
}

/** Images as the data sets hold them: row-major [n, height, width, channels] in [0, 1]. */
export interface VaeImages {
  data: Float32Array;
  shape: VaeImageShape;
}

/** The training settings of `config.prior` (its `name` aside). */
export type VaeConfig = Pick<
  NonNullable<TrainingConfig['prior']>,
  'latentDim' | 'steps' | 'batchSize' | 'lr' | 'beta'
>;

export interface VaeOptions {
  /** Width of the encoder's and the decoder's hidden layer. Default 128. */
  hidden?: number;
}

/** Per-image averages over one batch; `loss` = reconstruction + β·kl (the negative ELBO when β = 1). */
export interface VaeLossParts {
  loss: number;
  reconstruction: number;
  kl: number;
}

export interface VaeProgress extends VaeLossParts {
  /** 1-based step just taken. */
  step: number;
  steps: number;
}

/**
 * `encode`, `decodeLogits` and `losses` return new tensors: call them inside `tf.tidy` (or
 * `tf.variableGrads`). `decode`, `encodeMeans` and `evaluate` tidy up after themselves.
 */
export interface Vae {
  readonly latentDim: number;
  readonly imageShape: VaeImageShape;
  readonly pixels: number;
  readonly variables: tf.Variable[];
  /** Posterior parameters of flattened images [n, pixels]. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
  /** Bernoulli logits [n, pixels] of latent codes [n, latentDim]. */
  decodeLogits(z: tf.Tensor2D): tf.Tensor2D;
  /** Reconstructed pixels in [0, 1], [n, pixels]. */
  decode(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * Scalars (per-image means) of flattened images x [n, pixels] with standard-normal noise
   * eps [n, latentDim]: reconstruction, KL and reconstruction + β·KL.
   */
  losses(
    x: tf.Tensor2D,
    eps: tf.Tensor2D,
    beta: number,
  ): { loss: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar };
  /** Latent means of images ([n, h, w, c] row-major), row-major [n, latentDim]. */
  encodeMeans(images: Float32Array, chunk?: number): Promise<Float32Array>;
  /** Mean reconstruction, KL and loss over the given images, with noise drawn from `seed`. */
  evaluate(images: Float32Array, beta: number, seed: number): Promise<VaeLossParts>;
  dispose(): void;
}

/** KL(N(mean, diag(exp(logVar))) ‖ N(0, I)) per row: ½ Σ_j (exp(lv_j) + μ_j² − 1 − lv_j). */
export function gaussianKl(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() =>
    tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(1, logVar)), 1)),
  );
}

/**
 * Binary cross-entropy of logits l against targets x ∈ [0, 1], summed per row, in the stable form
 * max(l, 0) − l·x + log(1 + e^−|l|) (finite for every logit; Softplus differs between backends).
 */
export function bernoulliReconstruction(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() =>
    tf.sum(
      tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))),
      1,
    ),
  );
}

export function createVae(
  imageShape: VaeImageShape,
  latentDim: number,
  seed: number,
  options: VaeOptions = {},
): Vae {
  const hidden = options.hidden ?? 128;
  const pixels = imageShape.height * imageShape.width * imageShape.channels;
  const rng = new SeededRandom(seed);
  const enc = createLinear(pixels, hidden, rng, 'vae_enc');
  const meanHead = createLinear(hidden, latentDim, rng, 'vae_mu');
  const logVarHead = createLinear(hidden, latentDim, rng, 'vae_logvar');
  const dec1 = createLinear(latentDim, hidden, rng, 'vae_dec');
  const dec2 = createLinear(hidden, pixels, rng, 'vae_out');
  // Small heads: the posterior starts near N(0, I) instead of with log-variances of several units.
  tf.tidy(() => {
    for (const head of [meanHead, logVarHead]) head.weight.assign(tf.mul(head.weight, 0.1));
  });
  const layers: LinearParams[] = [enc, meanHead, logVarHead, dec1, dec2];
  const variables = variablesOf(layers);

  const encode = (x: tf.Tensor2D) => {
    const h = tf.relu(linear(x, enc));
    return { mean: linear(h, meanHead), logVar: linear(h, logVarHead) };
  };
  const decodeLogits = (z: tf.Tensor2D) => linear(tf.relu(linear(z, dec1)), dec2);

  const losses = (x: tf.Tensor2D, eps: tf.Tensor2D, beta: number) => {
    const { mean, logVar } = encode(x);
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;
    const reconstruction = tf.mean(bernoulliReconstruction(decodeLogits(z), x)) as tf.Scalar;
    const kl = tf.mean(gaussianKl(mean, logVar)) as tf.Scalar;
    return { loss: tf.add(reconstruction, tf.mul(beta, kl)) as tf.Scalar, reconstruction, kl };
  };

  const rowsOf = (images: Float32Array) => {
    if (images.length % pixels !== 0)
      throw new Error(
        `VAE: ${images.length} values are not whole images of ${imageShape.height}×${imageShape.width}×${imageShape.channels}`,
      );
    return images.length / pixels;
  };

  return {
    latentDim,
    imageShape,
    pixels,
    variables,
    encode,
    decodeLogits,
    decode: (z) => tf.tidy(() => tf.sigmoid(decodeLogits(z))),
    losses,
    async encodeMeans(images, chunk = 512) {
      const n = rowsOf(images);
      const out = new Float32Array(n * latentDim);
      for (let start = 0; start < n; start += chunk) {
        const end = Math.min(n, start + chunk);
        const means = tf.tidy(
          () =>
            encode(
              tf.tensor2d(images.subarray(start * pixels, end * pixels), [end - start, pixels]),
            ).mean,
        );
        out.set(await means.data(), start * latentDim);
        means.dispose();
      }
      return out;
    },
    async evaluate(images, beta, seed) {
      const n = rowsOf(images);
      const noise = new SeededRandom(seed);
      const totals = { loss: 0, reconstruction: 0, kl: 0 };
      const chunk = 512;
      for (let start = 0; start < n; start += chunk) {
        const end = Math.min(n, start + chunk);
        const eps = new Float32Array((end - start) * latentDim);
        for (let i = 0; i < eps.length; i++) eps[i] = noise.normalUnpaired();
        const parts = tf.tidy(() => {
          const r = losses(
            tf.tensor2d(images.subarray(start * pixels, end * pixels), [end - start, pixels]),
            tf.tensor2d(eps, [end - start, latentDim]),
            beta,
          );
          return tf.stack([r.loss, r.reconstruction, r.kl]);
        });
        const [loss, reconstruction, kl] = await parts.data();
        parts.dispose();
        totals.loss += loss! * (end - start);
        totals.reconstruction += reconstruction! * (end - start);
        totals.kl += kl! * (end - start);
      }
      return {
        loss: totals.loss / n,
        reconstruction: totals.reconstruction / n,
        kl: totals.kl / n,
      };
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}

export interface TrainedVae {
  vae: Vae;
  /** One entry per step, per-image means over its batch. */
  history: VaeLossParts[];
  /** Wall-clock seconds of the training loop. */
  seconds: number;
}

/**
 * Trains a VAE on the images (unlabelled) for `config.steps` Adam steps on shuffled mini-batches
 * (the batch is capped at the number of images). Throws, naming the step, if the loss becomes
 * non-finite (that step is not applied). The caller disposes the returned `vae`.
 */
export async function trainVae(
  images: VaeImages,
  config: VaeConfig,
  seed: number,
  onProgress?: (progress: VaeProgress) => void,
  options: VaeOptions = {},
): Promise<TrainedVae> {
  const rng = new SeededRandom(seed);
  const vae = createVae(images.shape, config.latentDim, rng.fork(), options);
  const { pixels, latentDim } = vae;
  const n = images.data.length / pixels;
  if (!Number.isInteger(n) || n < 1) {
    vae.dispose();
    throw new Error(`VAE prior: no whole images to train on (${images.data.length} values)`);
  }
  const batch = Math.min(config.batchSize, n);
  const optimizer: tf.Optimizer = tf.train.adam(config.lr);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let cursor = n; // forces a shuffle before the first batch
  const x = new Float32Array(batch * pixels);
  const eps = new Float32Array(batch * latentDim);
  const history: VaeLossParts[] = [];
  const started = performance.now();
  try {
    for (let step = 1; step <= config.steps; step++) {
      for (let b = 0; b < batch; b++) {
        if (cursor >= n) {
          for (let i = n - 1; i > 0; i--) {
            const j = rng.int(i + 1);
            const t = order[i]!;
            order[i] = order[j]!;
            order[j] = t;
          }
          cursor = 0;
        }
        const row = order[cursor++]!;
        x.set(images.data.subarray(row * pixels, (row + 1) * pixels), b * pixels);
      }
      for (let i = 0; i < eps.length; i++) eps[i] = rng.normalUnpaired();
      let parts: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const r = vae.losses(
          tf.tensor2d(x, [batch, pixels]),
          tf.tensor2d(eps, [batch, latentDim]),
          config.beta,
        );
        parts = tf.keep(tf.stack([r.reconstruction, r.kl]));
        return r.loss;
      }, vae.variables);
      const [loss] = await value.data();
      const [reconstruction, kl] = await parts!.data();
      tf.dispose([value, parts!]);
      if (!Number.isFinite(loss)) {
        tf.dispose(grads);
        throw new Error(
          `VAE prior: the loss became ${loss} at step ${step}; try a smaller prior.lr (now ${config.lr})`,
        );
      }
      optimizer.applyGradients(grads);
      tf.dispose(grads);
      const record = { loss: loss!, reconstruction: reconstruction!, kl: kl! };
      history.push(record);
      onProgress?.({ step, steps: config.steps, ...record });
    }
  } catch (error) {
    optimizer.dispose();
    vae.dispose();
    throw error;
  }
  optimizer.dispose();
  return { vae, history, seconds: (performance.now() - started) / 1000 };
}
