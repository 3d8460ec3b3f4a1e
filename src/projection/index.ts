/**
 * One entry point for the three projections, as resumable runs (a worker advances them in slices
 * and posts intermediate frames) or synchronously.
 */
import { pca, type Matrix, type PcaOptions } from './pca';
import { Tsne, type TsneOptions } from './tsne';
import { Umap, type UmapOptions } from './umap';

export type { Matrix, PcaOptions, TsneOptions, UmapOptions };
export { pca } from './pca';
export { tsne, Tsne } from './tsne';
export { umap, Umap } from './umap';

export type ProjectionMethod = 'pca' | 'tsne' | 'umap';

export const PROJECTION_METHODS: readonly ProjectionMethod[] = ['pca', 'tsne', 'umap'];

export interface ProjectionOptionsByMethod {
  pca: PcaOptions;
  tsne: TsneOptions;
  umap: UmapOptions;
}

/** A projection in progress. */
export interface ProjectionRun {
  readonly method: ProjectionMethod;
  /** Output dimensions: coords() is n × components. */
  readonly components: number;
  readonly totalIterations: number;
  readonly iteration: number;
  readonly warmStarted: boolean;
  readonly done: boolean;
  /** Advances up to `count` iterations (epochs for UMAP); true when finished. */
  step(count?: number): boolean;
  /** The current layout (a fresh copy). */
  coords(): Float32Array;
}

export interface ProjectionResult {
  coords: Float32Array;
  components: number;
  iterations: number;
  warmStarted: boolean;
}

/** Output dimensions a method will produce for these options (t-SNE is 2-D only). */
export function outputComponents<M extends ProjectionMethod>(
  method: M,
  options?: ProjectionOptionsByMethod[M],
): number {
  if (method === 'tsne') return 2;
  return (options as PcaOptions | UmapOptions | undefined)?.components ?? 2;
}

export function createProjection<M extends ProjectionMethod>(
  method: M,
  data: Matrix,
  n: number,
  dim: number,
  options?: ProjectionOptionsByMethod[M],
  previous?: Float32Array | null,
): ProjectionRun {
  if (method === 'tsne') {
    const t = new Tsne(data, n, dim, (options ?? {}) as TsneOptions, previous);
    return {
      method,
      components: 2,
      get totalIterations() {
        return t.totalIterations;
      },
      get iteration() {
        return t.iteration;
      },
      warmStarted: t.warmStarted,
      get done() {
        return t.done;
      },
      step: (count = 1) => t.step(count),
      coords: () => t.coords(),
    };
  }
  if (method === 'umap') {
    const u = new Umap(data, n, dim, (options ?? {}) as UmapOptions, previous);
    return {
      method,
      components: u.components,
      get totalIterations() {
        return u.totalEpochs;
      },
      get iteration() {
        return u.epoch;
      },
      warmStarted: u.warmStarted,
      get done() {
        return u.done;
      },
      step: (count = 1) => u.step(count),
      coords: () => u.coords(),
    };
  }
  if (method === 'pca') {
    const opts = (options ?? {}) as PcaOptions;
    const components = opts.components ?? 2;
    let result: Float32Array | null = null;
    return {
      method,
      components,
      totalIterations: 1,
      get iteration() {
        return result ? 1 : 0;
      },
      warmStarted: !!previous && previous.length === n * components,
      get done() {
        return result !== null;
      },
      step: () => {
        result ??= pca(data, n, dim, opts, previous).coords;
        return true;
      },
      coords: () => Float32Array.from(result ?? new Float32Array(n * components)),
    };
  }
  throw new Error(`unknown projection method '${String(method)}'`);
}

/** Runs a projection to the end, synchronously. */
export function project<M extends ProjectionMethod>(
  method: M,
  data: Matrix,
  n: number,
  dim: number,
  options?: ProjectionOptionsByMethod[M],
  previous?: Float32Array | null,
): ProjectionResult {
  const run = createProjection(method, data, n, dim, options, previous);
  while (!run.done) run.step(run.totalIterations);
  return {
    coords: run.coords(),
    components: run.components,
    iterations: run.iteration,
    warmStarted: run.warmStarted,
  };
}

/**
 * The settings the playground uses (measured in docs/PROJECTION.md): a cold t-SNE of 500
 * iterations (250 with early exaggeration, then 250; scikit-learn runs 1,000) and warm frames of
 * 300; UMAP with 200 epochs cold (umap-learn's count for large data; 500 below 10,000 points) and
 * 100 warm. Intermediate frames are shown while a cold run converges.
 */
export const PLAYGROUND_SETTINGS = {
  tsne: { perplexity: 30, iterations: 500, warmIterations: 300 },
  umap: { nNeighbors: 15, minDist: 0.1, epochs: 200, warmEpochs: 100 },
} as const satisfies { tsne: TsneOptions; umap: UmapOptions };
