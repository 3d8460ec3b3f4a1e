/** Positive sets as weight matrices (src/ml/positives.ts) and the batch layouts (src/ml/layout.ts). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contrastiveMasks,
  offDiagonalMask,
  positiveMask,
  positiveWeights,
  sameClass,
} from '../../../src/ml/positives';
import {
  pairsToViewMajor,
  repeatForViews,
  sampleMajorToViewMajor,
  sampleOfRow,
  splitViews,
  viewMajorToSampleMajor,
} from '../../../src/ml/layout';
import {
  makeRng,
  randomInts,
  randomMatrix,
  randomTensor3,
  randomUniform,
  sqDist,
  useCpuBackend,
} from './helpers';

beforeAll(useCpuBackend);

/** Row a of a view-major batch is view ⌊a/N⌋ of sample a mod N; the diagonal is never a positive. */
function naiveWeights(n: number, v: number, pair: (i: number, j: number) => number): number[] {
  const m = n * v;
  const out: number[] = [];
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) out.push(a === b ? 0 : pair(a % n, b % n));
  return out;
}

describe('positiveWeights', () => {
  for (const [n, v] of [
    [4, 1],
    [5, 2],
    [3, 3],
  ] as const) {
    it(`views: the other views of the same sample (N=${n}, V=${v})`, () => {
      const got = Array.from(positiveWeights({ name: 'views' }, { nSamples: n, nViews: v }).values);
      expect(got).toEqual(naiveWeights(n, v, (i, j) => (i === j ? 1 : 0)));
    });

    it(`class: every other row of the same class (N=${n}, V=${v})`, () => {
      const labels = randomInts(makeRng(1500 + n), n, 2).map((l) => 3 * l - 5);
      const got = Array.from(
        positiveWeights({ name: 'class' }, { nSamples: n, nViews: v, labels }).values,
      );
      expect(got).toEqual(naiveWeights(n, v, (i, j) => (labels[i] === labels[j] ? 1 : 0)));
    });

    it(`kernel: kernel weights off the diagonal (N=${n}, V=${v})`, () => {
      const attributes = randomUniform(makeRng(1510 + n), n, 0, 5);
      const got = Array.from(
        positiveWeights(
          { name: 'kernel', kernel: 'rbf', params: { sigma: 1.5 } },
          { nSamples: n, nViews: v, attributes },
        ).values,
      );
      const want = naiveWeights(n, v, (i, j) =>
        Math.exp(-((attributes[i]! - attributes[j]!) ** 2) / (2 * 1.5 ** 2)),
      );
      want.forEach((w, k) => expect(Math.abs(got[k]! - w)).toBeLessThan(1e-14));
    });

    it(`threshold: attributes within δ (N=${n}, V=${v})`, () => {
      const attributes = randomMatrix(makeRng(1520 + n), n, 2);
      const delta = 1.2;
      const got = Array.from(
        positiveWeights({ name: 'threshold', delta }, { nSamples: n, nViews: v, attributes })
          .values,
      );
      expect(got).toEqual(
        naiveWeights(n, v, (i, j) =>
          Math.sqrt(sqDist(attributes[i]!, attributes[j]!)) <= delta ? 1 : 0,
        ),
      );
    });
  }

  it('compares class labels as integers (negative and non-contiguous ids)', () => {
    expect(sameClass(-3, -3)).toBe(true);
    expect(sameClass(7, 100)).toBe(false);
    const labels = [-3, 100, -3, 7];
    const got = Array.from(
      positiveWeights({ name: 'class' }, { nSamples: 4, nViews: 1, labels }).values,
    );
    expect(got).toEqual(naiveWeights(4, 1, (i, j) => (labels[i] === labels[j] ? 1 : 0)));
  });

  it('rejects labels or attributes of the wrong length', () => {
    expect(() =>
      positiveWeights({ name: 'class' }, { nSamples: 3, nViews: 2, labels: [0, 1] }),
    ).toThrow(/expected 3/);
    expect(() =>
      positiveWeights(
        { name: 'kernel', kernel: 'rbf', params: { sigma: 1 } },
        { nSamples: 3, nViews: 1 },
      ),
    ).toThrow(/attribute/);
  });
});

describe('positiveMask and offDiagonalMask', () => {
  it('positiveMask: labels → same class, null → same sample; diagonal 0', () => {
    const labels = [0, 1, 0];
    expect(Array.from(positiveMask(3, 2, labels))).toEqual(
      naiveWeights(3, 2, (i, j) => (labels[i] === labels[j] ? 1 : 0)),
    );
    expect(Array.from(positiveMask(3, 2, null))).toEqual(
      naiveWeights(3, 2, (i, j) => (i === j ? 1 : 0)),
    );
  });

  it('offDiagonalMask: 1 everywhere but the diagonal', () => {
    expect(Array.from(offDiagonalMask(3))).toEqual([0, 1, 1, 1, 0, 1, 1, 1, 0]);
  });
});

describe('layouts', () => {
  it('sampleOfRow is a mod N (view-major, never interleaved)', () => {
    expect([0, 1, 2, 3, 4, 5].map((r) => sampleOfRow(r, 3))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('view-major ↔ sample-major round trip puts view v of sample i at row v·N + i', () => {
    const z = randomTensor3(makeRng(1530), 4, 3, 2);
    const t = tf.tensor3d(z);
    const flat = sampleMajorToViewMajor(t);
    const rows = flat.arraySync();
    for (let v = 0; v < 3; v++)
      for (let i = 0; i < 4; i++) expect(rows[v * 4 + i]).toEqual(z[i]![v]);
    const back = viewMajorToSampleMajor(flat, 3);
    expect(back.arraySync()).toEqual(z);
    tf.dispose([t, flat, back]);
  });

  it('pairsToViewMajor, splitViews and repeatForViews', () => {
    const rng = makeRng(1531);
    const x = randomMatrix(rng, 3, 2);
    const y = randomMatrix(rng, 3, 2);
    const [tx, ty] = [tf.tensor2d(x), tf.tensor2d(y)];
    const both = pairsToViewMajor(tx, ty);
    expect(both.arraySync()).toEqual([...x, ...y]);
    const parts = splitViews(both, 2);
    expect(parts.map((p) => p.arraySync())).toEqual([x, y]);
    expect(repeatForViews([5, 6, 7], 2)).toEqual([5, 6, 7, 5, 6, 7]);
    expect(() => splitViews(both, 4)).toThrow(/views/);
    tf.dispose([tx, ty, both, ...parts]);
  });
});

describe('contrastiveMasks (one pass, cached)', () => {
  it('equals positiveMask, offDiagonalMask, their difference and the row counts', () => {
    for (const [n, views, labels] of [
      [5, 2, null],
      [4, 3, null],
      [6, 2, [0, 1, 0, 2, 1, 0]],
      [3, 2, [7, 7, 7]],
      [4, 1, [-1, 2.2, 2, -1]],
      [4, 2, [NaN, 0, NaN, 0]],
    ] as const) {
      for (let repeat = 0; repeat < 2; repeat++) {
        const masks = contrastiveMasks(n, views, labels);
        const pos = positiveMask(n, views, labels);
        const others = offDiagonalMask(n * views);
        expect(Array.from(masks.positives)).toEqual(Array.from(pos));
        expect(Array.from(masks.others)).toEqual(Array.from(others));
        expect(Array.from(masks.negatives)).toEqual(Array.from(others, (o, i) => o - pos[i]!));
        const m = n * views;
        const counts = Array.from({ length: m }, (_, a) =>
          pos.slice(a * m, (a + 1) * m).reduce((x, y) => x + y, 0),
        );
        expect(Array.from(masks.positiveCounts)).toEqual(counts);
        const weights = Array.from({ length: m * m }, (_, i) =>
          Math.fround(pos[i]! / Math.max(counts[Math.floor(i / m)]!, 1) / m),
        );
        expect(Array.from(masks.meanWeights())).toEqual(weights);
      }
    }
  });

  it('builds each mask from any read order, for random labels (rows copied per class)', () => {
    const rng = makeRng(11);
    for (const [n, views, classes] of [
      [37, 3, 5],
      [64, 2, 10],
      [9, 2, 9],
    ] as const) {
      const labels = randomInts(rng, n, classes).map((c) => c - 2);
      const m = n * views;
      const pos = positiveMask(n, views, labels);
      // Weights first, then negatives, then positives: no mask depends on another being read.
      const masks = contrastiveMasks(n, views, labels);
      const counts = Array.from({ length: m }, (_, a) =>
        pos.slice(a * m, (a + 1) * m).reduce((x, y) => x + y, 0),
      );
      expect(Array.from(masks.meanWeights())).toEqual(
        Array.from({ length: m * m }, (_, i) =>
          Math.fround(pos[i]! / Math.max(counts[Math.floor(i / m)]!, 1) / m),
        ),
      );
      expect(Array.from(masks.negatives)).toEqual(
        Array.from(offDiagonalMask(m), (o, i) => o - pos[i]!),
      );
      expect(Array.from(masks.positives)).toEqual(Array.from(pos));
      expect(Array.from(masks.positiveCounts)).toEqual(counts);
    }
  });

  it('refills the arrays of evicted masks completely, and refuses reads of evicted masks', () => {
    const rng = makeRng(5);
    const n = 12;
    const draw = () => randomInts(rng, n, 4);
    // Fill the cache and beyond with masks whose arrays were all built, then poison the arrays
    // that go back to the spares: whatever is reused must be overwritten everywhere.
    const made = Array.from({ length: 5 }, () => {
      const masks = contrastiveMasks(n, 2, draw());
      return { masks, arrays: [masks.positives, masks.negatives, masks.meanWeights()] };
    });
    // The cache holds the last four: the first is evicted, the second goes with the next masks.
    expect(() => made[0]!.masks.positives).toThrow(/reused/);
    expect(() => made[0]!.masks.meanWeights()).toThrow(/reused/);
    const firstArrays = made[1]!.arrays;
    for (const a of firstArrays) a.fill(7);
    const labels = draw();
    const masks = contrastiveMasks(n, 2, labels);
    const m = 2 * n;
    const pos = positiveMask(n, 2, labels);
    expect(Array.from(masks.positives)).toEqual(Array.from(pos));
    expect(Array.from(masks.negatives)).toEqual(
      Array.from(offDiagonalMask(m), (o, i) => o - pos[i]!),
    );
    const counts = Array.from(masks.positiveCounts);
    expect(Array.from(masks.meanWeights())).toEqual(
      Array.from({ length: m * m }, (_, i) =>
        Math.fround(pos[i]! / Math.max(counts[Math.floor(i / m)]!, 1) / m),
      ),
    );
    // At least one poisoned array came back, so the check above is about reuse.
    const reusedArrays = [masks.positives, masks.negatives, masks.meanWeights()];
    expect(reusedArrays.some((a) => firstArrays.includes(a))).toBe(true);
  });

  it('returns the cached arrays for the same shape and labels, fresh ones for new labels', () => {
    const a = contrastiveMasks(8, 2, null);
    expect(contrastiveMasks(8, 2, null)).toBe(a);
    const b = contrastiveMasks(4, 2, [0, 1, 0, 1]);
    const c = contrastiveMasks(4, 2, [0, 1, 1, 1]);
    expect(c).not.toBe(b);
    expect(c.positives[1]).toBe(0);
  });
});
