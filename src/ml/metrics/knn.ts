/**
 * k-nearest-neighbour classification of test embeddings against labelled train embeddings, the
 * kNN monitor of contrastive papers (cosine similarity on L2-normalised embeddings by default).
 */
import { A_TILE, B_TILE, dotsNT } from './dots';
import { accuracyOf, labelsOf, rowsOf, type NumericArray } from './shapes';

export type KnnMetric = 'cosine' | 'euclidean';

export interface KnnOptions {
  /** Neighbours that vote, default 20 (DINO's k, but an unweighted vote); clamped to train size. */
  k?: number;
  /** 'cosine' (default): similarity of L2-normalised rows; 'euclidean': similarity −‖a − b‖. */
  metric?: KnnMetric;
}

export interface KnnResult {
  /** Fraction of test rows whose predicted label equals their label. */
  accuracy: number;
  /** Predicted label of each test row. */
  predictions: Int32Array;
  /** k actually used (min(k, train rows)). */
  k: number;
}

/**
 * Rows copied into float64, scaled to unit L2 norm when `normalize` (a zero row stays zero, so its
 * cosine with everything is 0), padded with zero rows up to a multiple of `multiple` for dotsNT's tiles.
 */
function paddedRows(
  x: Float32Array,
  n: number,
  dim: number,
  normalize: boolean,
  multiple: number,
): Float64Array {
  const out = new Float64Array(Math.ceil(n / multiple) * multiple * dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    let scale = 1;
    if (normalize) {
      let sq = 0;
      for (let k = 0; k < dim; k++) sq += x[row + k]! * x[row + k]!;
      scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    }
    for (let k = 0; k < dim; k++) out[row + k] = x[row + k]! * scale;
  }
  return out;
}

/** Squared L2 norm of each row of a row-major float64 matrix. */
function squaredNorms(x: Float64Array, rows: number, dim: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += x[i * dim + k]! ** 2;
    out[i] = sq;
  }
  return out;
}

/**
 * Predicts each test row's label by a majority vote of its k most similar train rows; a tie in
 * votes goes to the class with the larger summed similarity, then to the smaller label. Among
 * train rows of equal similarity, the one with the lower index is the nearer.
 */
export function knnClassify(
  trainX: Float32Array,
  trainLabels: NumericArray,
  testX: Float32Array,
  testLabels: NumericArray,
  dim: number,
  options: KnnOptions = {},
): KnnResult {
  const fn = 'knnClassify';
  const nTrain = rowsOf(trainX, dim, fn, 'trainX');
  const nTest = rowsOf(testX, dim, fn, 'testX');
  const yTrain = labelsOf(trainLabels, nTrain, fn, 'trainLabels');
  const yTest = labelsOf(testLabels, nTest, fn, 'testLabels');
  const metric = options.metric ?? 'cosine';
  if (metric !== 'cosine' && metric !== 'euclidean')
    throw new Error(`${fn}: metric must be 'cosine' or 'euclidean', got '${String(metric)}'.`);
  const kRequested = options.k ?? 20;
  if (!Number.isInteger(kRequested) || kRequested < 1)
    throw new Error(`${fn}: k must be a positive integer, got ${kRequested}.`);
  const k = Math.min(kRequested, nTrain);

  const cosine = metric === 'cosine';
  const a = paddedRows(trainX, nTrain, dim, cosine, B_TILE);
  const b = paddedRows(testX, nTest, dim, cosine, A_TILE);
  const trainRows = a.length / dim;
  // Euclidean ranks by −‖a − b‖² = 2a·b − ‖a‖² − ‖b‖² (same order as −‖a − b‖), from the same dots.
  const aNorms = cosine ? null : squaredNorms(a, trainRows, dim);
  const bNorms = cosine ? null : squaredNorms(b, b.length / dim, dim);

  // Dense class ids so that votes can live in a small array.
  const classes = Array.from(new Set(yTrain)).sort((p, q) => p - q);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const trainClass = Int32Array.from(yTrain, (c) => classIndex.get(c)!);
  const votes = new Int32Array(classes.length);
  const simSums = new Float64Array(classes.length);

  // The current k best, kept sorted by descending score (insertion into a short list).
  const bestScore = new Float64Array(k);
  const bestIdx = new Int32Array(k);
  const dots = new Float64Array(A_TILE * trainRows);
  const predictions = new Int32Array(nTest);

  // One tile of test rows at a time keeps the score buffer small (A_TILE × train rows).
  for (let t0 = 0; t0 < nTest; t0 += A_TILE) {
    dotsNT(b.subarray(t0 * dim, (t0 + A_TILE) * dim), A_TILE, a, trainRows, dim, dots);
    for (let u = 0; u < A_TILE && t0 + u < nTest; u++) {
      const t = t0 + u;
      const offset = u * trainRows;
      if (aNorms && bNorms) {
        const bn = bNorms[t]!;
        for (let j = 0; j < nTrain; j++) dots[offset + j] = 2 * dots[offset + j]! - aNorms[j]! - bn;
      }
      let filled = 0;
      for (let j = 0; j < nTrain; j++) {
        const s = dots[offset + j]!;
        // Strict comparison keeps the earlier (lower-index) row on equal score.
        if (filled === k && !(s > bestScore[k - 1]!)) continue;
        let p = filled < k ? filled++ : k - 1;
        while (p > 0 && s > bestScore[p - 1]!) {
          bestScore[p] = bestScore[p - 1]!;
          bestIdx[p] = bestIdx[p - 1]!;
          p--;
        }
        bestScore[p] = s;
        bestIdx[p] = j;
      }

      votes.fill(0);
      simSums.fill(0);
      for (let m = 0; m < k; m++) {
        const c = trainClass[bestIdx[m]!]!;
        votes[c]!++;
        // Similarity for the tie-break: the cosine, or −‖a − b‖ (rounding can make ‖·‖² slightly < 0).
        simSums[c]! += cosine ? bestScore[m]! : -Math.sqrt(Math.max(0, -bestScore[m]!));
      }
      let winner = 0;
      for (let c = 1; c < classes.length; c++) {
        if (
          votes[c]! > votes[winner]! ||
          (votes[c] === votes[winner] && simSums[c]! > simSums[winner]!)
        )
          winner = c;
      }
      predictions[t] = classes[winner]!;
    }
  }
  return { accuracy: accuracyOf(predictions, yTest), predictions, k };
}

/** kNN accuracy of test embeddings against labelled train embeddings (see knnClassify). */
export function knnAccuracy(
  trainX: Float32Array,
  trainLabels: NumericArray,
  testX: Float32Array,
  testLabels: NumericArray,
  dim: number,
  options: KnnOptions = {},
): number {
  return knnClassify(trainX, trainLabels, testX, testLabels, dim, options).accuracy;
}
