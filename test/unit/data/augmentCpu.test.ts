/**
 * The one-pass augmentation of CPU-side backends (src/data/augmentCpu.ts) against the tensor ops
 * it replaces and against naive loops, and the ziggurat normals that feed both.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { AUGMENT_DEFAULTS, augment, type AugmentConfig } from '../../../src/data/augment';
import { blurInto, warpInto } from '../../../src/data/augmentCpu';
import { SeededRandom as Rng } from '../../../src/ml/random';
import { mulberry32U32 } from '../../../src/ml/random';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Standard normal CDF from erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

describe('Rng.fillNormal (ziggurat)', () => {
  const n = 1 << 20;
  const z = new Float32Array(n);
  new Rng(2024).fillNormal(z, 0, n, 1);

  it('draws standard normals: moments, tails and the whole distribution (Kolmogorov–Smirnov)', () => {
    let m = 0;
    let v = 0;
    let k4 = 0;
    let beyond2 = 0;
    let beyondR = 0;
    for (const x of z) {
      m += x;
      v += x * x;
      k4 += x ** 4;
      if (Math.abs(x) > 2) beyond2++;
      if (Math.abs(x) > 3.442619855899) beyondR++; // the ziggurat's tail, drawn separately
    }
    m /= n;
    v /= n;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    expect(Math.abs(k4 / n - 3)).toBeLessThan(0.05);
    const p2 = 2 * (1 - normalCdf(2));
    expect(Math.abs(beyond2 / n - p2)).toBeLessThan(5 * Math.sqrt(p2 / n));
    const pR = 2 * (1 - normalCdf(3.442619855899));
    expect(Math.abs(beyondR / n - pR)).toBeLessThan(5 * Math.sqrt(pR / n));
    const sorted = Float64Array.from(z).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(sorted[i]!);
      d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
    }
    // The 0.1 % critical value of the one-sample KS statistic is 1.95/√n.
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('draws independent values (no lag-1 or lag-128 correlation) and scales them', () => {
    for (const lag of [1, 2, 128]) {
      let s = 0;
      for (let i = lag; i < n; i++) s += z[i]! * z[i - lag]!;
      expect(Math.abs(s / (n - lag))).toBeLessThan(5 / Math.sqrt(n));
    }
    const scaled = new Float32Array(10);
    const plain = new Float32Array(10);
    new Rng(5).fillNormal(scaled, 0, 10, 0.25);
    new Rng(5).fillNormal(plain, 0, 10, 1);
    scaled.forEach((x, i) => expect(x).toBeCloseTo(0.25 * plain[i]!, 6));
  });

  it('is seeded, fills only [start, end), and keeps the uniform stream of mulberry32', () => {
    const a = new Float32Array(300);
    const b = new Float32Array(300);
    new Rng(9).fillNormal(a, 100, 200, 1);
    new Rng(9).fillNormal(b, 100, 200, 1);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.subarray(0, 100).every((x) => x === 0)).toBe(true);
    expect(a.subarray(200).every((x) => x === 0)).toBe(true);
    const rng = new Rng(77);
    const reference = mulberry32U32(77);
    for (let i = 0; i < 1000; i++) expect(rng.nextU32()).toBe(reference());
  });
});

function randomArray(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.next());
}

describe('warpInto and blurInto against naive loops', () => {
  it('warpInto is bilinear sampling at clamped affine coordinates', () => {
    const [h, w, c] = [9, 7, 2];
    const image = randomArray(h * w * c, 3);
    const t = 0.4;
    const affine = Float32Array.from([
      ...[Math.cos(t) * 0.9, -Math.sin(t), 1.3, Math.sin(t), Math.cos(t) * 1.1, -0.6],
      ...[1, 0, 2.5, 0, 1, -3.25],
      ...[-1, 0, 6, 0, 1, 0],
    ]);
    const at = (y: number, x: number, k: number) =>
      y < h && x < w ? image[(y * w + x) * c + k]! : 0;
    for (let r = 0; r < 3; r++) {
      const out = new Float32Array(h * w * c);
      warpInto(image, h, w, c, affine, r * 6, out);
      const a = affine.subarray(r * 6, r * 6 + 6);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const xi = Math.min(Math.max(a[0]! * x + a[1]! * y + a[2]!, 0), w - 1);
          const yi = Math.min(Math.max(a[3]! * x + a[4]! * y + a[5]!, 0), h - 1);
          const [x0, y0] = [Math.floor(xi), Math.floor(yi)];
          const [fx, fy] = [xi - x0, yi - y0];
          for (let k = 0; k < c; k++) {
            const top = at(y0, x0, k) * (1 - fx) + at(y0, x0 + 1, k) * fx;
            const bottom = at(y0 + 1, x0, k) * (1 - fx) + at(y0 + 1, x0 + 1, k) * fx;
            expect(out[(y * w + x) * c + k]).toBeCloseTo(top * (1 - fy) + bottom * fy, 5);
          }
        }
    }
  });

  it('blurInto is the 2-D zero-padded convolution with the outer product of its kernel', () => {
    const [h, w, c] = [6, 11, 3];
    const view = randomArray(h * w * c, 4);
    const g = Float64Array.from([0.1, 0.2, 0.4, 0.2, 0.1]);
    const out = new Float32Array(h * w * c);
    blurInto(view, h, w, c, g, new Float32Array(h * w * c), out);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) {
          let s = 0;
          for (let i = -2; i <= 2; i++)
            for (let j = -2; j <= 2; j++) {
              const [yy, xx] = [y + i, x + j];
              if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                s += g[i + 2]! * g[j + 2]! * view[(yy * w + xx) * c + k]!;
            }
          expect(out[(y * w + x) * c + k]).toBeCloseTo(s, 6);
        }
  });
});

describe.each(['cpu', 'wasm'])(
  'augment on %s: the one-pass path equals the tensor ops',
  (backend) => {
    const configs: [string, AugmentConfig][] = [
      ...Object.entries(AUGMENT_DEFAULTS),
      [
        'everything grey',
        {
          crop: { scale: [0.5, 1], ratio: [0.8, 1.25] },
          rotate: 30,
          hflip: true,
          vflip: true,
          brightness: 0.4,
          contrast: 0.4,
          blur: { p: 1, sigma: 1.5 },
          noise: 0.1,
          cutout: { p: 1, size: 0.4 },
        },
      ],
      ['translate, blur half', { translate: 0.2, blur: { p: 0.5, sigma: 0.7 }, noise: 0.02 }],
    ];
    it.each(configs)('%s', async (_name, config) => {
      await tf.setBackend(backend);
      for (const [n, h, w, c] of [
        [6, 28, 28, 1],
        [4, 16, 12, 2],
        [5, 1, 1, 3],
      ] as const) {
        const x = tf.tensor4d(randomArray(n * h * w * c, n + h), [n, h, w, c]);
        const before = tf.memory().numTensors;
        const fast = augment(x, config, { seed: 11, views: 2 }, 'cpu');
        const ops = augment(x, config, { seed: 11, views: 2 }, 'tensor');
        expect(tf.memory().numTensors - before).toBe(2);
        expect(fast.shape).toEqual(ops.shape);
        const [a, b] = [await fast.data(), await ops.data()];
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        expect(worst).toBeLessThan(2e-5);
        tf.dispose([x, fast, ops]);
      }
    });

    it('auto takes the one-pass path here, and the colour jitter the tensor ops', async () => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(randomArray(4 * 8 * 8 * 3, 2), [4, 8, 8, 3]);
      const cfg = AUGMENT_DEFAULTS.mnist!;
      const [auto, fast] = [augment(x, cfg, { seed: 1 }), augment(x, cfg, { seed: 1 }, 'cpu')];
      expect(Array.from(await auto.data())).toEqual(Array.from(await fast.data()));
      const colour = { ...cfg, hue: 0.1, saturation: 0.3 };
      const [auto2, ops2] = [
        augment(x, colour, { seed: 1 }),
        augment(x, colour, { seed: 1 }, 'tensor'),
      ];
      expect(Array.from(await auto2.data())).toEqual(Array.from(await ops2.data()));
      expect(() => augment(x, colour, { seed: 1 }, 'cpu')).toThrow(/colour/);
      tf.dispose([x, auto, fast, auto2, ops2]);
    });
  },
);

describe('the augmentation worker', () => {
  it('answers with augmentArray’s views, or with the error', async () => {
    const { handleAugmentRequest } = await import('../../../src/worker/augment.worker');
    const { augmentArray } = await import('../../../src/data/augmentCpu');
    const pixels = randomArray(3 * 10 * 10 * 2, 8);
    const config = AUGMENT_DEFAULTS['brain-mri']!;
    const { reply, transfer } = handleAugmentRequest({
      id: 4,
      pixels,
      shape: [3, 10, 10, 2],
      config,
      seed: 12,
      views: 2,
    });
    expect(reply.id).toBe(4);
    expect('views' in reply && Array.from(reply.views)).toEqual(
      Array.from(augmentArray(pixels, [3, 10, 10, 2], config, 12, 2)),
    );
    expect(transfer).toHaveLength(1);
    const colour = handleAugmentRequest({
      id: 5,
      pixels: randomArray(2 * 4 * 4 * 3, 1),
      shape: [2, 4, 4, 3],
      config: { hue: 0.1 },
      seed: 1,
      views: 2,
    });
    expect(colour.reply).toEqual({ id: 5, error: expect.stringMatching(/colour/) });
  });
});
