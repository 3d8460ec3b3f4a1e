/**
 * The data a run's threads and layers pass each other, as plain types: what every data set
 * fulfils (the engine, the runner and the page rely on it). Images are float32 in [0, 1],
 * row-major [n, height, width, channels]. Labels, attributes and flags are keyed by name so one
 * data set can expose several (e.g. brain-mri: `site`, `diagnosis`; age). The loaders live in
 * data/, which re-exports these.
 */

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface LabelInfo {
  name: string;
  /** Display names of the classes, index = label value. */
  classNames: string[];
  description?: string;
}

export interface AttributeInfo {
  name: string;
  description?: string;
  /** Physical unit, e.g. "years". */
  unit?: string;
  min: number;
  max: number;
  /** Computed from the images by a model (a learnt prior's features), not a property of the sample. */
  learnt?: boolean;
}

export interface DatasetInfo {
  /** Stable id, e.g. `mnist`, `colored-mnist`, `brain-mri`. */
  id: string;
  title: string;
  /** One paragraph: what it is, what is real and what is simulated. */
  description: string;
  source: string;
  licence: string;
  imageShape: ImageShape;
  /** Integer labels by name. */
  labels: LabelInfo[];
  /** Continuous attributes by name. */
  attributes: AttributeInfo[];
  /** The label that counts as "the class" (kNN / probe / SupCon positives), if any. */
  classLabel?: string;
  /** The label that counts as "the bias" (FairKL, bias metrics), if any. */
  biasLabel?: string;
  /** Whether samples carry an `isTarget` flag (SepCLR: 1 target, 0 background). */
  hasTargetFlag: boolean;
  /** Names of the image channels where they mean something (e.g. brain-mri slices). */
  channelNames?: string[];
  /** The resolved parameters (defaults filled in) and the seed, for the data card. */
  params?: Record<string, unknown>;
  /** How to read the image (orientation, features-as-image convention, ...). */
  notes?: string;
}

export interface DataSplit {
  n: number;
  /** [n, h, w, c] in [0, 1]. */
  images: Float32Array;
  labels: Record<string, Int32Array>;
  attributes: Record<string, Float32Array>;
  /** 0/1 per sample: `biasAligned` (biased data), `isTarget` (SepCLR pairs). */
  flags: Record<string, Uint8Array>;
}

export interface Dataset {
  info: DatasetInfo;
  train: DataSplit;
  /** The held-out split (unbiased for colored-mnist). */
  test: DataSplit;
}

/** `{name, seed, ...params}`: which data set, its seed and its parameters (see docs/DATASETS.md). */
export interface DatasetConfig {
  name: string;
  seed?: number;
  [param: string]: unknown;
}

/** A problem with one uploaded file; the other files are kept. */
export interface DataError {
  file: string;
  /** 1-based line of the CSV, where the problem is tied to one. */
  line?: number;
  message: string;
}

/**
 * What the page's data set menu shows of a data set: its name, one line, and the parameters it
 * takes with their defaults. main.tsx builds the list from the data registry and hands it to the
 * panels, so the page's layers never import the loaders.
 */
export interface DatasetMenuEntry {
  id: string;
  title: string;
  summary: string;
  /** Built-in (assets or procedural) or the user's own files. */
  kind: 'builtin' | 'user';
  defaults: Record<string, unknown>;
}
