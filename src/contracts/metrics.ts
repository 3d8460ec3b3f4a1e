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
  /** Transfer with few labels (config.transfer), at the final evaluation. */
  transfer?: TransferMetrics;
}

/**
 * One downstream label read from few labelled samples. Classification scores are balanced
 * accuracies (higher is better); regression scores are MAEs (lower is better).
 */
export interface TransferMetrics {
  label: string;
  task: 'classification' | 'regression';
  metric: 'balancedAccuracy' | 'mae';
  /** Labelled training samples used. */
  labelled: number;
  /** Linear probe on the frozen pre-trained representation. */
  linearProbe: number;
  /** Pre-trained encoder + linear head, all fine-tuned. */
  fineTuned: number;
  /** The same encoder + head from a random initialisation, same budget. */
  scratch: number;
  /** Linear probe on the randomly initialised (untrained) encoder. */
  randomProbe: number;
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
