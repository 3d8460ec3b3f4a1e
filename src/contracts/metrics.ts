/**
 * Metric names of `history` and `final` (a contract with the UI, the runner and outside checks).
 * A metric that does not apply to a run is absent, never 0.
 */
export interface MetricsRecord {
  step: number;
  loss?: number;
  alignment?: number;
  uniformity?: number;
  effectiveRank?: number;
  knnAccuracy?: number;
  linearProbeAccuracy?: number;
  regressionMAE?: number;
  regressionR2?: number;
  biasAlignedAccuracy?: number;
  biasConflictingAccuracy?: number;
  biasPredictability?: number;
  /** SepCLR: label → probe accuracy from the common space. */
  commonProbe?: Record<string, number>;
  /** SepCLR: label → probe accuracy from the salient space. */
  salientProbe?: Record<string, number>;
}

export const SCALAR_METRICS = [
  'loss',
  'alignment',
  'uniformity',
  'effectiveRank',
  'knnAccuracy',
  'linearProbeAccuracy',
  'regressionMAE',
  'regressionR2',
  'biasAlignedAccuracy',
  'biasConflictingAccuracy',
  'biasPredictability',
] as const satisfies readonly (keyof MetricsRecord)[];

export type ScalarMetric = (typeof SCALAR_METRICS)[number];

/** Histograms of cosine similarities of the held-out embeddings (counts over `edges`). */
export interface SimilarityHistogramsSnapshot {
  edges: Float32Array;
  positive: Float32Array;
  negative: Float32Array;
  /** Split by bias group, when the data set has a bias label. */
  byBias?: {
    positiveAligned: Float32Array;
    positiveConflicting: Float32Array;
    negativeAligned: Float32Array;
    negativeConflicting: Float32Array;
  };
}

/** What the plots need from one evaluation; plain typed arrays so they can be transferred. */
export interface EmbeddingSnapshot {
  step: number;
  n: number;
  dim: number;
  /** [n, dim] held-out projections, L2-normalised (points on the hypersphere). */
  projection: Float32Array;
  /** SepCLR: [n, salientDim] salient codes. */
  salient?: Float32Array;
  salientDim?: number;
  histograms?: SimilarityHistogramsSnapshot;
}
