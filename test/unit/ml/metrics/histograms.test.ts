import { describe, expect, test } from 'vitest';
import { similarityHistograms } from '../../../../src/ml/metrics/histograms';
import { normalRows, randomLabels } from './random';

/** Naive: every pair i < j, its cosine, its bin found by walking the edges. */
function naiveHistograms(
  x: Float32Array,
  dim: number,
  labels: Int32Array,
  bias: Int32Array,
  bins: number,
) {
  const n = labels.length;
  const edges = Array.from({ length: bins + 1 }, (_, b) => -1 + (2 * b) / bins);
  const h = {
    positive: new Array<number>(bins).fill(0),
    negative: new Array<number>(bins).fill(0),
    positiveAligned: new Array<number>(bins).fill(0),
    positiveConflicting: new Array<number>(bins).fill(0),
    negativeAligned: new Array<number>(bins).fill(0),
    negativeConflicting: new Array<number>(bins).fill(0),
  };
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      let ni = 0;
      let nj = 0;
      for (let k = 0; k < dim; k++) {
        dot += x[i * dim + k]! * x[j * dim + k]!;
        ni += x[i * dim + k]! ** 2;
        nj += x[j * dim + k]! ** 2;
      }
      const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(ni * nj)));
      let b = 0;
      while (b < bins - 1 && cos >= edges[b + 1]!) b++;
      const same = labels[i] === labels[j];
      const sameBias = bias[i] === bias[j];
      (same ? h.positive : h.negative)[b]!++;
      if (same) (sameBias ? h.positiveAligned : h.positiveConflicting)[b]!++;
      else (sameBias ? h.negativeAligned : h.negativeConflicting)[b]!++;
    }
  return h;
}

describe('similarityHistograms', () => {
  // n = 37 is not a multiple of the tile, dim = 5 is odd.
  const n = 37;
  const dim = 5;
  const x = normalRows(n, dim, 1);
  const labels = randomLabels(n, 3, 2);
  const bias = randomLabels(n, 2, 3);

  for (const bins of [1, 7, 40])
    test(`matches a naive pair loop (${bins} bins), split by bias group too`, () => {
      const naive = naiveHistograms(x, dim, labels, bias, bins);
      const h = similarityHistograms(x, dim, labels, { bins, biasLabels: bias });
      expect(Array.from(h.positive)).toEqual(naive.positive);
      expect(Array.from(h.negative)).toEqual(naive.negative);
      expect(Array.from(h.byBias!.positiveAligned)).toEqual(naive.positiveAligned);
      expect(Array.from(h.byBias!.positiveConflicting)).toEqual(naive.positiveConflicting);
      expect(Array.from(h.byBias!.negativeAligned)).toEqual(naive.negativeAligned);
      expect(Array.from(h.byBias!.negativeConflicting)).toEqual(naive.negativeConflicting);
    });

  test('counts every unordered pair once; edges span [−1, 1]', () => {
    const h = similarityHistograms(x, dim, labels);
    const sum = (v: Float32Array) => v.reduce((s, c) => s + c, 0);
    let same = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (labels[i] === labels[j]) same++;
    expect(sum(h.positive)).toBe(same);
    expect(h.positivePairs).toBe(same);
    expect(sum(h.positive) + sum(h.negative)).toBe((n * (n - 1)) / 2);
    expect(h.negativePairs).toBe((n * (n - 1)) / 2 - same);
    expect(h.edges.length).toBe(41);
    expect(h.edges[0]).toBe(-1);
    expect(h.edges[40]).toBe(1);
    expect(h.edges[20]).toBe(0);
    expect(h.byBias).toBeUndefined();
  });

  test('identical rows land in the last bin, opposite rows in the first, a zero row at 0', () => {
    const rows = Float32Array.from([1, 2, 2, 4, -3, -6, 0, 0]);
    const h = similarityHistograms(rows, 2, [0, 0, 1, 1], { bins: 4 });
    // Pairs: (0,1) cos 1 same class; (0,2), (1,2) cos −1 different; (0,3), (1,3) cos 0 different; (2,3) cos 0 same.
    expect(Array.from(h.positive)).toEqual([0, 0, 1, 1]);
    expect(Array.from(h.negative)).toEqual([2, 0, 2, 0]);
  });

  test('the bias split adds up to the unsplit histograms', () => {
    const big = normalRows(300, 16, 4);
    const y = randomLabels(300, 10, 5);
    const b = randomLabels(300, 3, 6);
    const h = similarityHistograms(big, 16, y, { bins: 25, biasLabels: b });
    for (let k = 0; k < 25; k++) {
      expect(h.byBias!.positiveAligned[k]! + h.byBias!.positiveConflicting[k]!).toBe(h.positive[k]);
      expect(h.byBias!.negativeAligned[k]! + h.byBias!.negativeConflicting[k]!).toBe(h.negative[k]);
    }
    expect(h.positivePairs + h.negativePairs).toBe((300 * 299) / 2);
  });

  test('a single row has no pairs', () => {
    const h = similarityHistograms(Float32Array.from([1, 0]), 2, [0], { bins: 3 });
    expect(h.positivePairs + h.negativePairs).toBe(0);
    expect(Array.from(h.positive)).toEqual([0, 0, 0]);
  });

  test('rejects bad shapes and options with clear messages', () => {
    expect(() => similarityHistograms(x, 4, labels)).toThrow(/x has 185 values.*\[n, 4\]/);
    expect(() => similarityHistograms(x, dim, labels.subarray(1))).toThrow(
      /labels has 36 entries but there are 37 rows/,
    );
    expect(() => similarityHistograms(x, dim, labels, { bins: 0 })).toThrow(/bins must be/);
    expect(() => similarityHistograms(x, dim, labels, { biasLabels: [0, 1] })).toThrow(
      /biasLabels has 2 entries/,
    );
  });
});
