import { describe, expect, it } from 'vitest';
import { loadDataset, type DataSplit } from '../../../src/data/index';
import { nodeReader } from '../../../src/data/nodeReader';
import { BIAS_COLOURS } from '../../../src/data/vision';

const reader = nodeReader();

function range(a: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function counts(labels: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const l of labels) c[l] = (c[l] as number) + 1;
  return c;
}

const bytes = (s: DataSplit) =>
  Buffer.from(s.images.buffer, s.images.byteOffset, s.images.byteLength);

describe('mnist and fashion-mnist (real data from the committed assets)', () => {
  for (const [name, label, nTrain, nTest] of [
    ['mnist', 'digit', 8000, 2000],
    ['fashion-mnist', 'item', 5000, 1000],
  ] as const) {
    it(`${name}: shapes, value range, class balance`, async () => {
      const { dataset, errors } = await loadDataset({ name, seed: 1 }, reader);
      expect(errors).toEqual([]);
      const { train, test, info } = dataset;
      expect(info.imageShape).toEqual({ height: 28, width: 28, channels: 1 });
      expect([train.n, test.n]).toEqual([nTrain, nTest]);
      expect(train.images.length).toBe(nTrain * 784);
      const [lo, hi] = range(train.images);
      expect(lo).toBe(0);
      expect(hi).toBe(1);
      // real images: about 19 % (MNIST) to 50 % (Fashion) of the pixels are non-zero
      let nz = 0;
      for (const v of train.images) if (v > 0) nz++;
      expect(nz / train.images.length).toBeGreaterThan(0.1);
      for (const split of [train, test]) {
        const c = counts(split.labels[label] as Int32Array, 10);
        // every class present, none more than 1.6× the uniform share
        for (const v of c) {
          expect(v).toBeGreaterThan(0);
          expect(v / split.n).toBeLessThan(0.16);
        }
      }
      expect(info.labels[0]?.classNames).toHaveLength(10);
    });
  }

  it('held-out and training images are disjoint (no duplicate bytes)', async () => {
    const { dataset } = await loadDataset({ name: 'mnist', seed: 1 }, reader);
    const key = (s: DataSplit, i: number) =>
      Buffer.from(s.images.slice(i * 784, (i + 1) * 784).buffer).toString('base64');
    const train = new Set(Array.from({ length: dataset.train.n }, (_, i) => key(dataset.train, i)));
    for (let i = 0; i < dataset.test.n; i++) expect(train.has(key(dataset.test, i))).toBe(false);
  });

  it('is deterministic for a seed; the seed orders the training set', async () => {
    const a = (await loadDataset({ name: 'mnist', seed: 3, nTrain: 500, nTest: 100 }, reader))
      .dataset;
    const b = (await loadDataset({ name: 'mnist', seed: 3, nTrain: 500, nTest: 100 }, reader))
      .dataset;
    const c = (await loadDataset({ name: 'mnist', seed: 4, nTrain: 500, nTest: 100 }, reader))
      .dataset;
    expect(bytes(a.train).equals(bytes(b.train))).toBe(true);
    expect(bytes(a.train).equals(bytes(c.train))).toBe(false);
    // the held-out split does not depend on the seed
    expect(bytes(a.test).equals(bytes(c.test))).toBe(true);
  });
});

describe('colored-mnist (Biased MNIST, Bahng et al. 2020)', () => {
  for (const rho of [0.99, 0.995, 0.997, 0.999]) {
    it(`ρ = ${rho}: bias-aligned fraction ≈ ρ in training, unbiased held-out set`, async () => {
      const { dataset } = await loadDataset({ name: 'colored-mnist', seed: 7, rho }, reader);
      const { train, test } = dataset;
      const aligned = train.flags.biasAligned as Uint8Array;
      let k = 0;
      for (const v of aligned) k += v;
      const frac = k / train.n;
      const se = Math.sqrt((rho * (1 - rho)) / train.n);
      expect(Math.abs(frac - rho)).toBeLessThan(4 * se + 1 / train.n);
      // flags agree with the labels
      for (let i = 0; i < train.n; i++)
        expect(aligned[i]).toBe(train.labels.class?.[i] === train.labels.bias?.[i] ? 1 : 0);
      // held-out: colour independent of the digit — aligned ≈ 10 %, each colour ≈ 10 %
      const tAligned = (test.flags.biasAligned as Uint8Array).reduce((s, v) => s + v, 0) / test.n;
      expect(Math.abs(tAligned - 0.1)).toBeLessThan(4 * Math.sqrt(0.09 / test.n));
      const cc = counts(test.labels.bias as Int32Array, 10);
      for (const v of cc)
        expect(Math.abs(v / test.n - 0.1)).toBeLessThan(4 * Math.sqrt(0.09 / test.n));
    });
  }

  it('paints the background with the bias colour and keeps the digit white', async () => {
    const { dataset } = await loadDataset(
      { name: 'colored-mnist', seed: 2, nTrain: 200, nTest: 10 },
      reader,
    );
    const t = dataset.train;
    expect(dataset.info.imageShape.channels).toBe(3);
    for (let i = 0; i < 50; i++) {
      const col = BIAS_COLOURS[t.labels.bias?.[i] as number] as number[];
      // the top-left pixel is background in MNIST
      for (let c = 0; c < 3; c++)
        expect(t.images[i * 784 * 3 + c]).toBeCloseTo((col[c] as number) / 255, 6);
      let white = 0;
      for (let p = 0; p < 784; p++) {
        const o = (i * 784 + p) * 3;
        if (t.images[o] === 1 && t.images[o + 1] === 1 && t.images[o + 2] === 1) white++;
      }
      expect(white).toBeGreaterThan(30);
    }
  });

  it('is deterministic for a seed', async () => {
    const a = (
      await loadDataset({ name: 'colored-mnist', seed: 9, nTrain: 300, nTest: 50 }, reader)
    ).dataset;
    const b = (
      await loadDataset({ name: 'colored-mnist', seed: 9, nTrain: 300, nTest: 50 }, reader)
    ).dataset;
    const c = (
      await loadDataset({ name: 'colored-mnist', seed: 10, nTrain: 300, nTest: 50 }, reader)
    ).dataset;
    expect(bytes(a.train).equals(bytes(b.train))).toBe(true);
    expect(a.train.labels.bias).toEqual(b.train.labels.bias);
    expect(bytes(a.train).equals(bytes(c.train))).toBe(false);
    expect(bytes(a.test).equals(bytes(c.test))).toBe(false); // colours are re-drawn
  });
});

describe('digits-on-fashion (SepCLR pair)', () => {
  it('targets = 0.5·item + 0.5·digit, backgrounds = 0.5·item, labels kept', async () => {
    const { dataset } = await loadDataset({ name: 'digits-on-fashion', seed: 1 }, reader);
    const fashion = (await loadDataset({ name: 'fashion-mnist', seed: 1 }, reader)).dataset;
    const { train, test, info } = dataset;
    expect(info.hasTargetFlag).toBe(true);
    expect([train.n, test.n]).toEqual([5000, 1000]);
    for (const s of [train, test]) {
      const isT = s.flags.isTarget as Uint8Array;
      const nT = isT.reduce((a, v) => a + v, 0);
      expect(nT).toBe(Math.round(s.n / 2));
      const digit = s.labels.digit as Int32Array;
      for (let i = 0; i < s.n; i++) {
        if (isT[i]) expect(digit[i]).toBeLessThan(10);
        else expect(digit[i]).toBe(10);
      }
      // digit classes of the targets all present
      const c = counts(digit, 11);
      for (let d = 0; d < 10; d++) expect(c[d]).toBeGreaterThan(0);
    }
    const [lo, hi] = range(train.images);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    // every background pixel is half an item: max ≤ 0.5; targets exceed 0.5 where the digit is
    const isT = train.flags.isTarget as Uint8Array;
    let bgMax = 0;
    let tgtAbove = 0;
    for (let i = 0; i < train.n; i++) {
      let m = 0;
      for (let p = 0; p < 784; p++) m = Math.max(m, train.images[i * 784 + p] as number);
      if (isT[i]) tgtAbove += m > 0.5 ? 1 : 0;
      else bgMax = Math.max(bgMax, m);
    }
    expect(bgMax).toBeLessThanOrEqual(0.5);
    expect(tgtAbove / isT.reduce((a, v) => a + v, 0)).toBeGreaterThan(0.95);
    // the held-out items are the fashion-mnist held-out items at half intensity
    const f = fashion.test;
    const bgTest = test.flags.isTarget as Uint8Array;
    const i = bgTest.findIndex((v) => v === 0);
    expect(test.labels.item?.[i]).toBe(f.labels.item?.[i]);
    for (let p = 0; p < 784; p++)
      expect(test.images[i * 784 + p]).toBeCloseTo(0.5 * (f.images[i * 784 + p] as number), 6);
  });
});
