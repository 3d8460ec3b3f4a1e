/**
 * Seeded image augmentations as TF.js tensor ops (tfjs-core only), for contrastive views:
 * random resized crop or translation, rotation, flips, brightness / contrast / saturation / hue
 * jitter, blur, Gaussian noise and cutout. All random numbers come from the seeded PRNG of
 * random.ts (never from tf.random*), so a seed gives the same views on every backend. Spatial ops
 * use one affine map per view, applied by tf.image.transform (bilinear, edge pixels repeated) in
 * one kernel for the batch; on the cpu backend one image at a time, because tfjs-backend-cpu 4.22's
 * `Transform` kernel returns after the first image of a batch.
 *
 * Output layout: view-major [V·N, h, w, c] — row v·N + i is view v of sample i (src/ml/layout.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '../ml/random';
import { augmentArray, drawParams, type AugmentConfig } from './augmentCpu';

export type { AugmentConfig };
import type { DataSplit, DatasetInfo } from './types';

export interface AugmentOptions {
  seed: number;
  /** Views per image (default 2). */
  views?: number;
}

/** Per-data-set defaults: no flips for digits or brains, no colour jitter for colored MNIST (the bias). */
export const AUGMENT_DEFAULTS: Record<string, AugmentConfig> = {
  mnist: {
    crop: { scale: [0.7, 1], ratio: [0.85, 1.18] },
    rotate: 10,
    brightness: 0.2,
    contrast: 0.2,
    noise: 0.05,
  },
  'fashion-mnist': {
    crop: { scale: [0.6, 1], ratio: [0.8, 1.25] },
    hflip: true,
    rotate: 5,
    brightness: 0.3,
    contrast: 0.3,
    noise: 0.03,
  },
  'colored-mnist': {
    crop: { scale: [0.7, 1], ratio: [0.85, 1.18] },
    rotate: 10,
    brightness: 0.1,
    contrast: 0.1,
    noise: 0.03,
  },
  'digits-on-fashion': {
    crop: { scale: [0.8, 1], ratio: [0.9, 1.1] },
    rotate: 5,
    brightness: 0.2,
    contrast: 0.2,
    noise: 0.03,
  },
  'brain-mri': {
    translate: 0.05,
    rotate: 5,
    brightness: 0.1,
    contrast: 0.1,
    blur: { p: 0.3, sigma: 1 },
    noise: 0.03,
    cutout: { p: 0.25, size: 0.25 },
  },
  'brain-mri-sepclr': {
    translate: 0.05,
    rotate: 5,
    brightness: 0.1,
    contrast: 0.1,
    blur: { p: 0.3, sigma: 1 },
    noise: 0.03,
    cutout: { p: 0.25, size: 0.25 },
  },
  /** Shapes: position and rotation are attributes, so only a small shift and noise. */
  shapes: { translate: 0.03, noise: 0.05, blur: { p: 0.2, sigma: 0.8 } },
  gaussians: { noise: 0.02 },
  'user-features': { noise: 0.02 },
  'user-images': {
    crop: { scale: [0.7, 1], ratio: [0.85, 1.18] },
    rotate: 10,
    brightness: 0.2,
    contrast: 0.2,
    noise: 0.03,
  },
};

export function defaultAugmentation(info: Pick<DatasetInfo, 'id'>): AugmentConfig {
  return AUGMENT_DEFAULTS[info.id] ?? { noise: 0.03 };
}

/** Bilinear affine warp with edge clamping: x [R, h, w, c], affine [R, 6] (output → input pixels). */
export function affineWarp(x: tf.Tensor4D, affine: Float32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const R = x.shape[0];
    // One fused kernel (ImageProjectiveTransform) on every backend: the gather-based warp it
    // replaces cost ~430 ms per 128 brain slices on WASM, this one a few ms. Each row of
    // `affine` maps output pixel (x, y, 1) to input coordinates; 'nearest' fill clamps them to the
    // image, as bilinear sampling at the border should.
    const transforms = new Float32Array(R * 8);
    for (let r = 0; r < R; r++) transforms.set(affine.subarray(r * 6, r * 6 + 6), r * 8);
    const all = tf.tensor2d(transforms, [R, 8]);
    // tfjs-backend-cpu 4.22's Transform returns from inside its batch loop: only the first image
    // is warped, the others stay 0. There, warp one image at a time.
    if (tf.getBackend() === 'cpu' && R > 1) {
      const images = tf.split(x, R, 0) as tf.Tensor4D[];
      const rows = tf.split(all, R, 0) as tf.Tensor2D[];
      return tf.concat(
        images.map((image, r) => tf.image.transform(image, rows[r]!, 'bilinear', 'nearest')),
        0,
      ) as tf.Tensor4D;
    }
    return tf.image.transform(x, all, 'bilinear', 'nearest');
  });
}

function gaussianKernel(sigma: number, c: number): tf.Tensor4D {
  const r = Math.max(1, Math.ceil(2 * sigma));
  const k1: number[] = [];
  for (let i = -r; i <= r; i++) k1.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const s = k1.reduce((a, b) => a + b, 0);
  const n = 2 * r + 1;
  const k = new Float32Array(n * n * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let ch = 0; ch < c; ch++)
        k[(i * n + j) * c + ch] = ((k1[i] as number) * (k1[j] as number)) / (s * s);
    }
  }
  return tf.tensor4d(k, [n, n, c, 1]);
}

/**
 * How `augment` computes the views: 'auto' is one pass in JavaScript on CPU-side backends (wasm,
 * cpu; augmentCpu.ts) and tensor ops elsewhere, where the pixels stay on the GPU. Both give the
 * same views to float rounding (test/unit/data/augment.test.ts).
 */
export type AugmentPath = 'auto' | 'tensor' | 'cpu';

/**
 * V augmented views of every image: [N, h, w, c] → view-major [V·N, h, w, c], values clipped to
 * [0, 1]. Deterministic for `opts.seed`. The input is not disposed.
 */
export function augment(
  images: tf.Tensor4D,
  config: AugmentConfig,
  opts: AugmentOptions,
  path: AugmentPath = 'auto',
): tf.Tensor4D {
  const V = opts.views ?? 2;
  if (!Number.isInteger(V) || V < 1)
    throw new Error(`augment: views must be a positive integer, got ${V}`);
  const [N, h, w, c] = images.shape;
  const R = V * N;
  const rng = SeededRandom.stream(opts.seed, 'augment');
  const colour = c === 3 && !!(config.saturation || config.hue);
  const backend = tf.getBackend();
  // A synchronous read is safe here: this path runs only where the tensor already lives in CPU
  // memory (wasm, cpu; 'cpu' is forced only by tests on the cpu backend), never on WebGPU, where a
  // dataSync can stall or read zeros.
  if (path === 'cpu' || (path === 'auto' && !colour && (backend === 'wasm' || backend === 'cpu')))
    return tf.tensor4d(
      augmentArray(images.dataSync() as Float32Array, [N, h, w, c], config, opts.seed, V),
      [R, h, w, c],
    );
  const p = drawParams(config, R, h, w, rng);
  const noise = new Float32Array(R * h * w * c);
  if (config.noise) {
    // Ziggurat normals (Box–Muller one value at a time cost 40–60 ms per brain-MRI batch), view
    // after view: augmentCpu.ts draws the same values.
    for (let r = 0; r < R; r++) {
      const sd = p.noiseSd[r] as number;
      if (sd !== 0) rng.fillNormal(noise, r * h * w * c, (r + 1) * h * w * c, sd);
    }
  }
  return tf.tidy(() => {
    let x: tf.Tensor4D =
      V === 1 ? tf.clone(images) : (tf.concat(new Array(V).fill(images), 0) as tf.Tensor4D);
    if (p.affineUsed) x = affineWarp(x, p.affine);
    const col = (a: Float32Array) => tf.tensor4d(a, [R, 1, 1, 1]);
    if (config.brightness) x = tf.mul(x, col(p.bright));
    if (config.contrast && (h > 1 || w > 1)) {
      const m = tf.mean(x, [1, 2, 3], true);
      x = tf.add(tf.mul(tf.sub(x, m), col(p.contrast)), m);
    }
    if (c === 3 && (config.saturation || config.hue)) {
      const grey = tf.sum(tf.mul(x, tf.tensor4d([0.299, 0.587, 0.114], [1, 1, 1, 3])), 3, true);
      if (config.saturation) x = tf.add(grey, tf.mul(tf.sub(x, grey), col(p.sat)));
      if (config.hue) {
        // Rotate the chroma plane of YIQ by the per-view angle.
        const toYiq = [0.299, 0.596, 0.211, 0.587, -0.274, -0.523, 0.114, -0.322, 0.312];
        const toRgb = [1, 1, 1, 0.956, -0.272, -1.106, 0.621, -0.647, 1.703];
        const mats = new Float32Array(R * 9);
        for (let r = 0; r < R; r++) {
          const a = p.hue[r] as number;
          const rot = [1, 0, 0, 0, Math.cos(a), Math.sin(a), 0, -Math.sin(a), Math.cos(a)];
          // M = toYiq · rot · toRgb (row-vector convention: pixel · M)
          const mul = (A: number[], B: number[]) =>
            [0, 1, 2].flatMap((i) =>
              [0, 1, 2].map((j) =>
                [0, 1, 2].reduce(
                  (s, k) => s + (A[i * 3 + k] as number) * (B[k * 3 + j] as number),
                  0,
                ),
              ),
            );
          mats.set(mul(mul(toYiq, rot), toRgb), r * 9);
        }
        x = tf.reshape(tf.matMul(tf.reshape(x, [R, h * w, 3]), tf.tensor3d(mats, [R, 3, 3])), [
          R,
          h,
          w,
          3,
        ]);
      }
    }
    if (config.blur && p.blurW.some((v) => v > 0)) {
      const blurred = tf.depthwiseConv2d(x, gaussianKernel(config.blur.sigma, c), 1, 'same');
      const bw = col(p.blurW);
      x = tf.add(tf.mul(x, tf.sub(1, bw)), tf.mul(blurred, bw));
    }
    if (config.noise) x = tf.add(x, tf.tensor4d(noise, [R, h, w, c]));
    if (config.cutout) {
      const mask = new Float32Array(R * h * w).fill(1);
      for (let r = 0; r < R; r++) {
        const [x0, y0, x1, y1] = p.cutout.subarray(r * 4, r * 4 + 4) as unknown as [
          number,
          number,
          number,
          number,
        ];
        for (let yy = Math.max(0, y0); yy < Math.min(h, y1); yy++) {
          for (let xx = Math.max(0, x0); xx < Math.min(w, x1); xx++)
            mask[r * h * w + yy * w + xx] = 0;
        }
      }
      x = tf.mul(x, tf.tensor4d(mask, [R, h, w, 1]));
    }
    return tf.clipByValue(x, 0, 1);
  });
}

export interface AugmentedBatch {
  /** View-major [V·N, h, w, c]. */
  images: tf.Tensor4D;
  /** Labels, attributes and flags of each row (sample i repeated for each view, view-major). */
  labels: Record<string, Int32Array>;
  attributes: Record<string, Float32Array>;
  flags: Record<string, Uint8Array>;
  /** The sample (index into `indices`) behind each row. */
  sampleOfRow: Int32Array;
}

/** Views of the samples `indices` of a split, with their labels repeated view-major. */
export function augmentBatch(
  split: DataSplit,
  indices: ArrayLike<number>,
  shape: { height: number; width: number; channels: number },
  config: AugmentConfig,
  opts: AugmentOptions,
): AugmentedBatch {
  const V = opts.views ?? 2;
  const N = indices.length;
  const per = shape.height * shape.width * shape.channels;
  const buf = new Float32Array(N * per);
  for (let i = 0; i < N; i++) {
    const j = indices[i] as number;
    buf.set(split.images.subarray(j * per, (j + 1) * per), i * per);
  }
  const input = tf.tensor4d(buf, [N, shape.height, shape.width, shape.channels]);
  const images = augment(input, config, opts);
  input.dispose();
  const sampleOfRow = new Int32Array(V * N);
  for (let r = 0; r < V * N; r++) sampleOfRow[r] = r % N;
  const rep = <T extends Int32Array | Float32Array | Uint8Array>(
    src: T,
    make: (n: number) => T,
  ): T => {
    const out = make(V * N);
    for (let r = 0; r < V * N; r++) out[r] = src[indices[r % N] as number] as number;
    return out;
  };
  const labels: Record<string, Int32Array> = {};
  for (const [k, v] of Object.entries(split.labels)) labels[k] = rep(v, (n) => new Int32Array(n));
  const attributes: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(split.attributes))
    attributes[k] = rep(v, (n) => new Float32Array(n));
  const flags: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(split.flags)) flags[k] = rep(v, (n) => new Uint8Array(n));
  return { images, labels, attributes, flags, sampleOfRow };
}
