import { describe, expect, test } from 'vitest';
import { knnAccuracy, knnClassify } from '../../../../src/ml/metrics/knn';
import { clusters, normalRows, randomLabels } from './random';

/** Brute force: every similarity, a full sort, a vote; written without the library's tricks. */
function naiveKnn(
  train: Float32Array,
  trainY: Int32Array,
  test: Float32Array,
  dim: number,
  k: number,
  metric: 'cosine' | 'euclidean',
): Int32Array {
  const nTrain = trainY.length;
  const nTest = test.length / dim;
  const out = new Int32Array(nTest);
  for (let t = 0; t < nTest; t++) {
    const scored: { sim: number; j: number }[] = [];
    for (let j = 0; j < nTrain; j++) {
      let dotp = 0;
      let na = 0;
      let nb = 0;
      let sq = 0;
      for (let c = 0; c < dim; c++) {
        const u = test[t * dim + c]!;
        const v = train[j * dim + c]!;
        dotp += u * v;
        na += u * u;
        nb += v * v;
        sq += (u - v) * (u - v);
      }
      const sim = metric === 'cosine' ? dotp / Math.sqrt(na * nb) : -Math.sqrt(sq);
      scored.push({ sim, j });
    }
    scored.sort((p, q) => q.sim - p.sim || p.j - q.j);
    const votes = new Map<number, { count: number; sum: number }>();
    for (const { sim, j } of scored.slice(0, Math.min(k, nTrain))) {
      const v = votes.get(trainY[j]!) ?? { count: 0, sum: 0 };
      v.count++;
      v.sum += sim;
      votes.set(trainY[j]!, v);
    }
    const ranked = [...votes.entries()].sort(
      ([la, a], [lb, b]) => b.count - a.count || b.sum - a.sum || la - lb,
    );
    out[t] = ranked[0]![0];
  }
  return out;
}

function naiveAccuracy(p: Int32Array, y: Int32Array): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) c++;
  return c / y.length;
}

describe('knnClassify', () => {
  // Odd sizes exercise the padding of the tiled dot products.
  const dim = 13;
  const trainY = randomLabels(301, 7, 11);
  const testY = randomLabels(103, 7, 12);
  const train = clusters(trainY, dim, 0.6, 1, 2);
  const queries = clusters(testY, dim, 0.6, 1, 3);

  for (const metric of ['cosine', 'euclidean'] as const)
    for (const k of [1, 4, 5, 20])
      test(`matches a brute-force kNN (${metric}, k = ${k})`, () => {
        const expected = naiveKnn(train, trainY, queries, dim, k, metric);
        const result = knnClassify(train, trainY, queries, testY, dim, { k, metric });
        expect(Array.from(result.predictions)).toEqual(Array.from(expected));
        expect(result.accuracy).toBeCloseTo(naiveAccuracy(expected, testY), 12);
        expect(result.k).toBe(k);
      });

  test('defaults to cosine with k = 20, and knnAccuracy returns the same accuracy', () => {
    const expected = naiveKnn(train, trainY, queries, dim, 20, 'cosine');
    const result = knnClassify(train, trainY, queries, testY, dim);
    expect(result.k).toBe(20);
    expect(Array.from(result.predictions)).toEqual(Array.from(expected));
    expect(knnAccuracy(train, trainY, queries, testY, dim)).toBe(result.accuracy);
  });

  test('matches brute force at the target size (2,000 train × 1,000 test × 128 dims)', () => {
    const d = 128;
    const bigTrainY = randomLabels(2000, 10, 21);
    const bigTestY = randomLabels(1000, 10, 22);
    const bigTrain = clusters(bigTrainY, d, 0.3, 5, 23);
    const bigTest = clusters(bigTestY, d, 0.3, 5, 24);
    const result = knnClassify(bigTrain, bigTrainY, bigTest, bigTestY, d);
    // Brute force on the first 60 test rows only (it is the slow part of this test).
    const head = naiveKnn(bigTrain, bigTrainY, bigTest.subarray(0, 60 * d), d, 20, 'cosine');
    expect(Array.from(result.predictions.subarray(0, 60))).toEqual(Array.from(head));
    expect(result.accuracy).toBeGreaterThan(0.5); // clusters are learnable, chance is 0.1
  });

  test('is perfect on well-separated clusters and near chance on random labels', () => {
    const y = randomLabels(400, 5, 31);
    const yt = randomLabels(200, 5, 32);
    expect(knnAccuracy(clusters(y, 16, 8, 7, 33), y, clusters(yt, 16, 8, 7, 34), yt, 16)).toBe(1);
    const noiseTrain = normalRows(400, 16, 35);
    const noiseTest = normalRows(400, 16, 36);
    const acc = knnAccuracy(noiseTrain, y, noiseTest, randomLabels(400, 5, 37), 16);
    expect(acc).toBeGreaterThan(0.1);
    expect(acc).toBeLessThan(0.3);
  });

  test('breaks a tie in votes by summed similarity, then by the smaller label', () => {
    // Query (1, 0); train rows at angles 10° (label 3) and 30° (label 1): one vote each.
    const deg = Math.PI / 180;
    const train = Float32Array.from([
      Math.cos(30 * deg),
      Math.sin(30 * deg),
      Math.cos(10 * deg),
      Math.sin(10 * deg),
    ]);
    const query = Float32Array.from([1, 0]);
    expect(knnClassify(train, [1, 3], query, [3], 2, { k: 2 }).predictions[0]).toBe(3);
    // Symmetric neighbours: equal votes and equal sums, so the smaller label wins.
    const sym = Float32Array.from([
      Math.cos(20 * deg),
      Math.sin(20 * deg),
      Math.cos(20 * deg),
      -Math.sin(20 * deg),
    ]);
    expect(knnClassify(sym, [4, 2], query, [2], 2, { k: 2 }).predictions[0]).toBe(2);
    expect(knnClassify(sym, [2, 4], query, [2], 2, { k: 2 }).predictions[0]).toBe(2);
    // Two votes beat one closer vote.
    const three = Float32Array.from([1, 0.01, 1, 0.5, 1, -0.5]);
    expect(knnClassify(three, [9, 5, 5], query, [5], 2, { k: 3 }).predictions[0]).toBe(5);
  });

  test('cosine ignores the scale of rows; Euclidean does not', () => {
    const train = Float32Array.from([10, 0, 0, 0.5]);
    const query = Float32Array.from([0.4, 0.6]);
    // (0.4, 0.6) is nearer (0, 0.5) in angle; stretching that row to (0, 50) changes nothing for
    // cosine, but under Euclidean distance (1, 0) becomes the nearer row.
    const scaled = Float32Array.from([1, 0, 0, 50]);
    expect(knnClassify(train, [0, 1], query, [1], 2, { k: 1 }).predictions[0]).toBe(1);
    expect(knnClassify(scaled, [0, 1], query, [1], 2, { k: 1 }).predictions[0]).toBe(1);
    expect(
      knnClassify(scaled, [0, 1], query, [1], 2, { k: 1, metric: 'euclidean' }).predictions[0],
    ).toBe(0);
  });

  test('clamps k to the train size and keeps arbitrary integer labels', () => {
    const train = Float32Array.from([1, 0, 0.9, 0.1, 0, 1]);
    const r = knnClassify(train, [-7, -7, 42], Float32Array.from([0, 1]), [42], 2, { k: 50 });
    expect(r.k).toBe(3);
    expect(r.predictions[0]).toBe(-7);
  });

  test('is deterministic', () => {
    const a = knnClassify(train, trainY, queries, testY, dim, { k: 5 });
    const b = knnClassify(train, trainY, queries, testY, dim, { k: 5 });
    expect(Array.from(a.predictions)).toEqual(Array.from(b.predictions));
  });

  test('rejects bad shapes and options with clear messages', () => {
    const x = new Float32Array(6);
    expect(() => knnClassify(x, [0, 0], x, [0, 0], 4)).toThrow(/trainX has 6 values.*\[n, 4\]/);
    expect(() => knnClassify(x, [0, 0], x, [0, 0, 0], 2)).toThrow(
      /trainLabels has 2 entries but there are 3 rows/,
    );
    expect(() => knnClassify(x, [0, 0, 0], x, [0, 0], 2)).toThrow(/testLabels has 2 entries/);
    expect(() => knnClassify(x, [0, 0.5, 0], x, [0, 0, 0], 2)).toThrow(/trainLabels\[1\] is 0.5/);
    expect(() => knnClassify(x, [0, 0, 0], x, [0, 0, 0], 2, { k: 0 })).toThrow(
      /k must be a positive integer/,
    );
    expect(() => knnClassify(x, [0, 0, 0], x, [0, 0, 0], 0)).toThrow(
      /dim must be a positive integer/,
    );
    expect(() =>
      knnClassify(x, [0, 0, 0], x, [0, 0, 0], 2, { metric: 'manhattan' as 'cosine' }),
    ).toThrow(/metric must be 'cosine' or 'euclidean'/);
    const bad = Float32Array.from([0, Number.NaN]);
    expect(() => knnClassify(bad, [0], x, [0, 0, 0], 2)).toThrow(
      /trainX holds a non-finite value \(NaN\) at row 0, column 1/,
    );
    expect(() => knnClassify(new Float32Array(0), [], x, [0, 0, 0], 2)).toThrow(/n ≥ 1/);
  });
});
