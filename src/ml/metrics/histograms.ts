/**
 * Histograms of cosine similarities between pairs of embeddings: positives (same class) against
 * negatives (different class), optionally split by bias group (same bias label = bias-aligned
 * pair, different bias label = bias-conflicting pair), on fixed bins over [−1, 1].
 */
import { A_TILE, dotsNT, padRows } from './dots';
import { labelsOf, rowsOf, type NumericArray } from './shapes';

export interface SimilarityHistogramOptions {
  /** Number of equal-width bins over [−1, 1]; default 40. */
  bins?: number;
  /** A bias label per row; when given, the histograms are also split by bias group. */
  biasLabels?: NumericArray;
}

export interface BiasSplitHistograms {
  /** Same class, same bias label. */
  positiveAligned: Float32Array;
  /** Same class, different bias label. */
  positiveConflicting: Float32Array;
  /** Different class, same bias label. */
  negativeAligned: Float32Array;
  /** Different class, different bias label. */
  negativeConflicting: Float32Array;
}

export interface SimilarityHistograms {
  /** bins + 1 edges from −1 to 1; bin b holds [edges[b], edges[b+1]), the last one also 1. */
  edges: Float32Array;
  /** Counts of unordered pairs i < j of the same class, per bin. */
  positive: Float32Array;
  /** Counts of unordered pairs i < j of different classes, per bin. */
  negative: Float32Array;
  positivePairs: number;
  negativePairs: number;
  byBias?: BiasSplitHistograms;
}

/**
 * Counts each unordered pair i < j once (the similarity is symmetric). A zero row has cosine 0
 * with everything. Counts accumulate in float64 and are returned as Float32Array.
 */
export function similarityHistograms(
  x: Float32Array,
  dim: number,
  labels: NumericArray,
  options: SimilarityHistogramOptions = {},
): SimilarityHistograms {
  const fn = 'similarityHistograms';
  const n = rowsOf(x, dim, fn, 'x');
  const y = labelsOf(labels, n, fn, 'labels');
  const bins = options.bins ?? 40;
  if (!Number.isInteger(bins) || bins < 1)
    throw new Error(`${fn}: bins must be a positive integer, got ${bins}.`);
  const bias = options.biasLabels ? labelsOf(options.biasLabels, n, fn, 'biasLabels') : null;

  const nPad = padRows(n, A_TILE);
  const unit = new Float64Array(nPad * dim);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += x[i * dim + k]! ** 2;
    const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let k = 0; k < dim; k++) unit[i * dim + k] = x[i * dim + k]! * inv;
  }

  // Index = pair kind: 0 positive-aligned, 1 positive-conflicting, 2 negative-aligned, 3 negative-conflicting.
  const counts = Array.from({ length: 4 }, () => new Float64Array(bins));
  const dots = new Float64Array(A_TILE * nPad);
  for (let i0 = 0; i0 < n; i0 += A_TILE) {
    // Only rows j ≥ i0 can pair with the tile's rows (j > i); nPad − i0 stays a multiple of 4.
    const cols = nPad - i0;
    dotsNT(unit.subarray(i0 * dim), A_TILE, unit.subarray(i0 * dim), cols, dim, dots);
    for (let u = 0; u < A_TILE && i0 + u < n; u++) {
      const i = i0 + u;
      for (let j = i + 1; j < n; j++) {
        const s = dots[u * cols + (j - i0)]!;
        // Rounding can put a cosine a hair outside [−1, 1]; clamp into the first/last bin.
        let b = Math.floor(((s + 1) / 2) * bins);
        if (b < 0) b = 0;
        else if (b >= bins) b = bins - 1;
        const kind = (y[i] === y[j] ? 0 : 2) + (bias && bias[i] !== bias[j] ? 1 : 0);
        counts[kind]![b]!++;
      }
    }
  }

  const edges = Float32Array.from({ length: bins + 1 }, (_, b) => -1 + (2 * b) / bins);
  const positive = new Float32Array(bins);
  const negative = new Float32Array(bins);
  for (let b = 0; b < bins; b++) {
    positive[b] = counts[0]![b]! + counts[1]![b]!;
    negative[b] = counts[2]![b]! + counts[3]![b]!;
  }
  const sum = (v: Float64Array) => v.reduce((s, c) => s + c, 0);
  const result: SimilarityHistograms = {
    edges,
    positive,
    negative,
    positivePairs: sum(counts[0]!) + sum(counts[1]!),
    negativePairs: sum(counts[2]!) + sum(counts[3]!),
  };
  if (bias)
    result.byBias = {
      positiveAligned: Float32Array.from(counts[0]!),
      positiveConflicting: Float32Array.from(counts[1]!),
      negativeAligned: Float32Array.from(counts[2]!),
      negativeConflicting: Float32Array.from(counts[3]!),
    };
  return result;
}
