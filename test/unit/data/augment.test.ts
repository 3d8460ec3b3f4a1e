import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUGMENT_DEFAULTS, affineWarp, augment, augmentBatch } from '../../../src/data/augment';
import { loadDataset } from '../../../src/data/index';
import { nodeReader } from '../../../src/data/nodeReader';
import { SeededRandom } from '../../../src/ml/random';
import { pearson } from './stats';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomImages(n: number, h: number, w: number, c: number, seed = 1): tf.Tensor4D {
  const rng = new SeededRandom(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * h * w * c }, () => rng.next()),
    [n, h, w, c],
  );
}

describe('augment', () => {
  it('returns view-major [V·N, h, w, c] in [0, 1] and leaks no tensor', () => {
    const x = randomImages(6, 28, 28, 1);
    for (const [id, cfg] of Object.entries(AUGMENT_DEFAULTS)) {
      if (id === 'gaussians' || id === 'user-features') continue;
      const before = tf.memory().numTensors;
      const y = augment(x, cfg, { seed: 3, views: 3 });
      expect(tf.memory().numTensors - before).toBe(1);
      expect(y.shape).toEqual([18, 28, 28, 1]);
      const v = y.dataSync();
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThanOrEqual(1);
      y.dispose();
    }
    const c3 = randomImages(4, 16, 16, 3);
    const before = tf.memory().numTensors;
    const y = augment(
      c3,
      {
        crop: { scale: [0.5, 1], ratio: [0.8, 1.25] },
        hue: 0.2,
        saturation: 0.5,
        blur: { p: 1, sigma: 1 },
        cutout: { p: 1, size: 0.3 },
        noise: 0.1,
      },
      { seed: 1 },
    );
    expect(y.shape).toEqual([8, 16, 16, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    c3.dispose();
  });

  it('is seeded: same seed → identical views, other seed → different views', () => {
    const x = randomImages(5, 20, 20, 2);
    const cfg = AUGMENT_DEFAULTS['brain-mri']!;
    const a = augment(x, cfg, { seed: 42 });
    const b = augment(x, cfg, { seed: 42 });
    const c = augment(x, cfg, { seed: 43 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([x, a, b, c]);
  });

  it('the identity configuration repeats the images view-major', () => {
    const x = randomImages(4, 8, 8, 1);
    const y = augment(x, {}, { seed: 1, views: 2 });
    const xs = x.dataSync();
    const ys = y.dataSync();
    expect(Array.from(ys.subarray(0, xs.length))).toEqual(Array.from(xs));
    expect(Array.from(ys.subarray(xs.length))).toEqual(Array.from(xs));
    tf.dispose([x, y]);
  });

  it('flips exactly (every view is the image or its mirror, both occur)', () => {
    const x = randomImages(20, 6, 7, 1, 5);
    const y = augment(x, { hflip: true }, { seed: 9 });
    const xs = x.dataSync();
    const ys = y.dataSync();
    let mirrored = 0;
    for (let r = 0; r < 40; r++) {
      const i = r % 20;
      let same = true;
      let mirror = true;
      for (let yy = 0; yy < 6; yy++) {
        for (let xx = 0; xx < 7; xx++) {
          const v = ys[r * 42 + yy * 7 + xx] as number;
          if (Math.abs(v - (xs[i * 42 + yy * 7 + xx] as number)) > 1e-6) same = false;
          if (Math.abs(v - (xs[i * 42 + yy * 7 + (6 - xx)] as number)) > 1e-6) mirror = false;
        }
      }
      expect(same || mirror).toBe(true);
      if (mirror && !same) mirrored++;
    }
    expect(mirrored).toBeGreaterThan(5);
    expect(mirrored).toBeLessThan(35);
    tf.dispose([x, y]);
  });

  it('rotates about the centre (90° maps columns to rows)', () => {
    const x = randomImages(1, 9, 9, 1, 2);
    const y = augment(x, { rotate: 90 }, { seed: 1, views: 1 });
    // rotate is uniform in ±90°; check that the warp matches a nearest reference for the angle drawn
    // by comparing the centre pixel (fixed point of any rotation about the centre)
    expect(y.dataSync()[40]).toBeCloseTo(x.dataSync()[40] as number, 5);
    tf.dispose([x, y]);
  });

  it('keeps labels: rows carry their sample’s labels and look most like their own sample', async () => {
    const { dataset } = await loadDataset(
      { name: 'mnist', seed: 1, nTrain: 64, nTest: 1 },
      nodeReader(),
    );
    const idx = Array.from({ length: 32 }, (_, i) => i * 2);
    const before = tf.memory().numTensors;
    const batch = augmentBatch(
      dataset.train,
      idx,
      dataset.info.imageShape,
      AUGMENT_DEFAULTS.mnist!,
      { seed: 5, views: 2 },
    );
    expect(batch.images.shape).toEqual([64, 28, 28, 1]);
    const ys = batch.images.dataSync();
    batch.images.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const digit = dataset.train.labels.digit as Int32Array;
    let own = 0;
    for (let r = 0; r < 64; r++) {
      expect(batch.labels.digit?.[r]).toBe(digit[idx[r % 32] as number]);
      expect(batch.sampleOfRow[r]).toBe(r % 32);
      const view = ys.subarray(r * 784, (r + 1) * 784);
      let best = -1;
      let bestR = -Infinity;
      for (let s = 0; s < 32; s++) {
        const j = idx[s] as number;
        const rr = pearson(view, dataset.train.images.subarray(j * 784, (j + 1) * 784));
        if (rr > bestR) {
          bestR = rr;
          best = s;
        }
      }
      if (best === r % 32) own++;
    }
    expect(own / 64).toBeGreaterThan(0.8);
  });

  it('features-as-image: only noise applies', () => {
    const x = randomImages(50, 1, 1, 3);
    const y = augment(x, AUGMENT_DEFAULTS.gaussians!, { seed: 2 });
    const xs = x.dataSync();
    const ys = y.dataSync();
    let maxDiff = 0;
    let changed = 0;
    for (let k = 0; k < ys.length; k++) {
      const d = Math.abs((ys[k] as number) - (xs[k % xs.length] as number));
      maxDiff = Math.max(maxDiff, d);
      if (d > 0) changed++;
    }
    expect(changed).toBeGreaterThan(ys.length / 2);
    expect(maxDiff).toBeLessThan(0.02 * 5);
    tf.dispose([x, y]);
  });
});

/** Bilinear sampling at affine-mapped coordinates, clamped to the image: the warp's definition. */
function naiveWarp(
  src: Float32Array,
  [n, h, w, c]: [number, number, number, number],
  affine: Float32Array,
): Float32Array {
  const out = new Float32Array(src.length);
  const at = (r: number, y: number, x: number, k: number) =>
    y < h && x < w ? src[((r * h + y) * w + x) * c + k]! : 0;
  for (let r = 0; r < n; r++) {
    const a = affine.subarray(r * 6, r * 6 + 6);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const xi = Math.min(Math.max(a[0]! * x + a[1]! * y + a[2]!, 0), w - 1);
        const yi = Math.min(Math.max(a[3]! * x + a[4]! * y + a[5]!, 0), h - 1);
        const x0 = Math.floor(xi);
        const y0 = Math.floor(yi);
        const fx = xi - x0;
        const fy = yi - y0;
        for (let k = 0; k < c; k++) {
          const top = at(r, y0, x0, k) * (1 - fx) + at(r, y0, x0 + 1, k) * fx;
          const bottom = at(r, y0 + 1, x0, k) * (1 - fx) + at(r, y0 + 1, x0 + 1, k) * fx;
          out[((r * h + y) * w + x) * c + k] = top * (1 - fy) + bottom * fy;
        }
      }
  }
  return out;
}

describe.each(['cpu', 'wasm'])('affineWarp on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  it('matches a naive bilinear warp with clamped coordinates (rotation, shift, zoom, identity)', async () => {
    const x = randomImages(4, 9, 7, 2, 5);
    const t = 0.3;
    const affine = Float32Array.from([
      ...[Math.cos(t), -Math.sin(t), 1.5, Math.sin(t), Math.cos(t), -0.7],
      ...[1, 0, 2.25, 0, 1, -1.5],
      ...[0.8, 0, 0.6, 0, 0.8, 0.9],
      ...[1, 0, 0, 0, 1, 0],
    ]);
    const warped = affineWarp(x, affine);
    const expected = naiveWarp((await x.data()) as Float32Array, x.shape, affine);
    const got = await warped.data();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
    expect(worst).toBeLessThan(1e-5);
    // The identity row returns the image itself.
    const identity = (await x.data()).subarray(3 * 9 * 7 * 2);
    expect(Array.from(got.subarray(3 * 9 * 7 * 2))).toEqual(Array.from(identity));
    tf.dispose([x, warped]);
  });
});
