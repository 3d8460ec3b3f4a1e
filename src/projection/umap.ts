/**
 * UMAP (McInnes, Healy & Melville 2018) on typed arrays, following umap-learn 0.5:
 *
 * - exact k nearest neighbours (k = nNeighbors including the point itself, Euclidean);
 * - per-point ρ (distance to the nearest neighbour) and σ (binary search so that
 *   Σ exp(−(d − ρ)/σ) = log₂ k), memberships exp(−(d − ρ)/σ), fuzzy union w = a + b − ab;
 * - edges sampled in proportion to their weight (epochs_per_sample = max w / w, weak edges below
 *   max w / epochs dropped), `negativeSampleRate` negative samples per positive one, the
 *   gradients of 1 / (1 + a d^{2b}) clipped to ±4, learning rate decaying linearly to 0;
 * - a, b fitted to (spread, minDist) by Levenberg–Marquardt as umap-learn's `find_ab_params`.
 *
 * Powers d^{2b} come from a table (relative error < 4e-6; Math.pow dominated the run time).
 *
 * Differences: the initial layout is PCA (umap-learn's init='pca'; its default is a spectral
 * layout), scaled to [0, 10] per axis, and all randomness comes from a seed, so a seed reproduces
 * a layout exactly.
 *
 * Warm start: given the previous frame's layout, optimisation starts from it and runs
 * `warmEpochs` with a smaller initial learning rate, so the picture moves instead of jumping.
 */
import { fastExp, PowerTable } from './fastmath';
import { exactKnn } from './knn';
import { checkMatrix, pca, type Matrix } from './pca';
import { mulberry32 } from '../ml/random';
import { isUsableLayout } from './tsne';
import { preReduce, type PreReduceOptions } from './reduce';

export interface UmapOptions extends PreReduceOptions {
  /** Neighbourhood size, the point itself included (default 15). */
  nNeighbors?: number;
  /** Minimum distance between embedded points (default 0.1). */
  minDist?: number;
  /** Scale of the embedded points (default 1). */
  spread?: number;
  /** Output dimensions (default 2). */
  components?: number;
  /** Epochs of a cold start (default 500 below 10,000 points, else 200, as umap-learn). */
  epochs?: number;
  /** Epochs of a warm start from the previous layout (default 100). */
  warmEpochs?: number;
  /** Initial learning rate of a cold start (default 1). */
  learningRate?: number;
  /** Initial learning rate of a warm start (default 0.2). */
  warmLearningRate?: number;
  /** Negative samples per positive sample (default 5). */
  negativeSampleRate?: number;
  /** Weight of the repulsive term (default 1). */
  repulsionStrength?: number;
  /** Number of neighbours assumed locally connected (default 1). */
  localConnectivity?: number;
  /** 1 = fuzzy union, 0 = fuzzy intersection (default 1). */
  setOpMixRatio?: number;
  /** Initial layout of a cold start (default 'pca'). */
  init?: 'pca' | 'random';
  /** Seed of the negative sampling and random initialisation (default 0). */
  seed?: number;
}

export interface UmapResult {
  coords: Float32Array;
  epochs: number;
  warmStarted: boolean;
}

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * Fits 1 / (1 + a x^{2b}) to the curve that is 1 below minDist and exp(−(x − minDist) / spread)
 * above it, on 300 points of [0, 3·spread] (umap-learn's `find_ab_params`).
 */
export function findAB(spread: number, minDist: number): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = (i * spread * 3) / 299;
    xs.push(x);
    ys.push(x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
  }
  const cost = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const f = x > 0 ? 1 / (1 + a * Math.pow(x, 2 * b)) : 1;
      s += (f - ys[i]!) ** 2;
    }
    return s;
  };
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let current = cost(a, b);
  for (let iter = 0; iter < 500; iter++) {
    // Gauss–Newton normal equations J^T J δ = −J^T r with Levenberg–Marquardt damping.
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (x <= 0) continue;
      const x2b = Math.pow(x, 2 * b);
      const den = 1 + a * x2b;
      const f = 1 / den;
      const r = f - ys[i]!;
      const da = -x2b / (den * den);
      const db = (-a * x2b * 2 * Math.log(x)) / (den * den);
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      const m00 = jaa * (1 + lambda);
      const m11 = jbb * (1 + lambda);
      const det = m00 * m11 - jab * jab;
      if (!(Math.abs(det) > 0)) {
        lambda *= 10;
        continue;
      }
      const stepA = -(m11 * ga - jab * gb) / det;
      const stepB = -(m00 * gb - jab * ga) / det;
      const na = a + stepA;
      const nb = b + stepB;
      const c = na > 0 && nb > 0 ? cost(na, nb) : Infinity;
      if (c < current) {
        const rel = (current - c) / Math.max(current, 1e-300);
        a = na;
        b = nb;
        current = c;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = rel > 1e-14;
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return { a, b };
}

/** Per-point ρ and σ of umap-learn's `smooth_knn_dist` (distances exclude the point itself). */
export function smoothKnnDist(
  distances: Float64Array,
  n: number,
  kOthers: number,
  localConnectivity = 1,
): { sigmas: Float64Array; rhos: Float64Array } {
  const k = kOthers + 1; // the point itself counts as its first neighbour
  const target = Math.log2(k);
  const sigmas = new Float64Array(n);
  const rhos = new Float64Array(n);
  let meanAll = 0;
  for (let i = 0; i < n * kOthers; i++) meanAll += distances[i]!;
  meanAll /= Math.max(n * k, 1);
  const nonZero: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * kOthers;
    nonZero.length = 0;
    let sumRow = 0;
    for (let j = 0; j < kOthers; j++) {
      const d = distances[o + j]!;
      sumRow += d;
      if (d > 0) nonZero.push(d);
    }
    let rho = 0;
    if (nonZero.length >= localConnectivity) {
      const index = Math.floor(localConnectivity);
      const interpolation = localConnectivity - index;
      if (index > 0) {
        rho = nonZero[index - 1]!;
        if (interpolation > SMOOTH_K_TOLERANCE) {
          rho += interpolation * (nonZero[index]! - nonZero[index - 1]!);
        }
      } else {
        rho = interpolation * nonZero[0]!;
      }
    } else if (nonZero.length > 0) {
      rho = Math.max(...nonZero);
    }
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 0; j < kOthers; j++) {
        const d = distances[o + j]! - rho;
        psum += d > 0 ? fastExp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const meanRow = sumRow / k;
    if (rho > 0) {
      if (mid < MIN_K_DIST_SCALE * meanRow) mid = MIN_K_DIST_SCALE * meanRow;
    } else if (mid < MIN_K_DIST_SCALE * meanAll) {
      mid = MIN_K_DIST_SCALE * meanAll;
    }
    sigmas[i] = mid;
    rhos[i] = rho;
  }
  return { sigmas, rhos };
}

/** Edges (both directions) of the symmetric fuzzy graph, as parallel arrays. */
export interface FuzzyGraph {
  head: Int32Array;
  tail: Int32Array;
  weight: Float64Array;
}

/** The fuzzy simplicial set of umap-learn: memberships, then the (mixed) fuzzy union. */
export function fuzzySimplicialSet(
  data: Matrix,
  n: number,
  dim: number,
  nNeighbors: number,
  localConnectivity = 1,
  setOpMixRatio = 1,
): FuzzyGraph {
  const knn = exactKnn(data, n, dim, nNeighbors - 1);
  const k = knn.k;
  const dist = new Float64Array(n * k);
  for (let i = 0; i < n * k; i++) dist[i] = Math.sqrt(knn.sqDistances[i]!);
  const { sigmas, rhos } = smoothKnnDist(dist, n, k, localConnectivity);
  // Directed memberships, then per row the forward (i→j) and backward (j→i) values merged.
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      counts[i + 1]!++;
      counts[knn.indices[i * k + r]! + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) counts[i + 1] = counts[i + 1]! + counts[i]!;
  const total = counts[n]!;
  const fill = counts.slice(0, n);
  const col = new Int32Array(total);
  const val = new Float64Array(total);
  const forward = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const j = knn.indices[i * k + r]!;
      const d = dist[i * k + r]! - rhos[i]!;
      const v = d <= 0 ? 1 : fastExp(-(d / sigmas[i]!));
      let at = fill[i]!++;
      col[at] = j;
      val[at] = v;
      forward[at] = 1;
      at = fill[j]!++;
      col[at] = i;
      val[at] = v;
      forward[at] = 0;
    }
  }
  const head: number[] = [];
  const tail: number[] = [];
  const weight: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let a = counts[i]!; a < counts[i + 1]!; a++) order.push(a);
    order.sort((x, y) => col[x]! - col[y]! || forward[y]! - forward[x]!);
    for (let s = 0; s < order.length;) {
      const j = col[order[s]!]!;
      let f = 0;
      let b = 0;
      while (s < order.length && col[order[s]!]! === j) {
        const a = order[s]!;
        if (forward[a]) f = val[a]!;
        else b = val[a]!;
        s++;
      }
      const prod = f * b;
      const w = setOpMixRatio * (f + b - prod) + (1 - setOpMixRatio) * prod;
      if (w > 0) {
        head.push(i);
        tail.push(j);
        weight.push(w);
      }
    }
  }
  return {
    head: Int32Array.from(head),
    tail: Int32Array.from(tail),
    weight: Float64Array.from(weight),
  };
}

/** A UMAP optimisation that can be advanced in slices (for a worker that reports progress). */
export class Umap {
  readonly n: number;
  readonly components: number;
  readonly totalEpochs: number;
  readonly warmStarted: boolean;
  epoch = 0;
  private readonly y: Float64Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly epochsPerSample: Float64Array;
  private readonly epochOfNextSample: Float64Array;
  private readonly epochsPerNegativeSample: Float64Array;
  private readonly epochOfNextNegativeSample: Float64Array;
  private readonly a: number;
  private readonly b: number;
  private readonly powB: PowerTable;
  private readonly gamma: number;
  private readonly initialAlpha: number;
  private rngState: number;

  constructor(
    data: Matrix,
    n: number,
    dim: number,
    options: UmapOptions = {},
    previous?: Float32Array | null,
  ) {
    checkMatrix(data, n, dim);
    this.n = n;
    const components = options.components ?? 2;
    if (!Number.isInteger(components) || components < 1) {
      throw new Error(`umap: components must be a positive integer (got ${components})`);
    }
    this.components = components;
    const nNeighbors = Math.max(2, Math.min(options.nNeighbors ?? 15, n));
    const seed = options.seed ?? 0;
    this.rngState = seed ^ 0x9e3779b9 || 1;
    const { a, b } = findAB(options.spread ?? 1, options.minDist ?? 0.1);
    this.a = a;
    this.b = b;
    this.powB = new PowerTable(b);
    this.gamma = options.repulsionStrength ?? 1;
    this.warmStarted = isUsableLayout(previous, n, components);
    this.totalEpochs = this.warmStarted
      ? (options.warmEpochs ?? 100)
      : (options.epochs ?? (n <= 10000 ? 500 : 200));
    this.initialAlpha = this.warmStarted
      ? (options.warmLearningRate ?? 0.2)
      : (options.learningRate ?? 1);

    // Wide rows (raw pixels) are first reduced to their top 50 principal axes (reduce.ts); the
    // neighbour graph and the PCA initialisation then work on those.
    const input = preReduce(data, n, dim, options);
    const graph =
      n > 1
        ? fuzzySimplicialSet(
            input.data,
            n,
            input.dim,
            nNeighbors,
            options.localConnectivity ?? 1,
            options.setOpMixRatio ?? 1,
          )
        : { head: new Int32Array(0), tail: new Int32Array(0), weight: new Float64Array(0) };
    // Drop edges too weak to be sampled even once; schedule the others by weight.
    let maxW = 0;
    for (let e = 0; e < graph.weight.length; e++) maxW = Math.max(maxW, graph.weight[e]!);
    const keep: number[] = [];
    const epochs = Math.max(this.totalEpochs, 1);
    for (let e = 0; e < graph.weight.length; e++) {
      if (graph.weight[e]! >= maxW / epochs) keep.push(e);
    }
    this.head = Int32Array.from(keep, (e) => graph.head[e]!);
    this.tail = Int32Array.from(keep, (e) => graph.tail[e]!);
    this.epochsPerSample = Float64Array.from(keep, (e) => maxW / graph.weight[e]!);
    this.epochOfNextSample = Float64Array.from(this.epochsPerSample);
    const rate = options.negativeSampleRate ?? 5;
    this.epochsPerNegativeSample = this.epochsPerSample.map((v) => v / rate);
    this.epochOfNextNegativeSample = Float64Array.from(this.epochsPerNegativeSample);

    this.y = new Float64Array(n * components);
    if (this.warmStarted) {
      for (let i = 0; i < n * components; i++) this.y[i] = previous![i]!;
    } else {
      this.initialise(input.data, n, input.dim, options.init ?? 'pca', seed);
    }
  }

  private initialise(data: Matrix, n: number, dim: number, init: 'pca' | 'random', seed: number) {
    const c = this.components;
    const random = mulberry32(seed + 1);
    if (init === 'pca' && n > 2) {
      const start = pca(data, n, dim, { components: c }).coords;
      for (let i = 0; i < n * c; i++) this.y[i] = start[i]!;
    } else {
      for (let i = 0; i < n * c; i++) this.y[i] = random() * 20 - 10;
    }
    // umap-learn: each axis rescaled to [0, 10]; a flat axis gets a small random spread.
    for (let d = 0; d < c; d++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = this.y[i * c + d]!;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (!(hi - lo > 1e-12 * Math.max(1, Math.abs(hi)))) {
        for (let i = 0; i < n; i++) this.y[i * c + d] = random() * 10;
        continue;
      }
      for (let i = 0; i < n; i++) this.y[i * c + d] = (10 * (this.y[i * c + d]! - lo)) / (hi - lo);
    }
  }

  get done(): boolean {
    return this.epoch >= this.totalEpochs;
  }

  /** Runs up to `count` epochs; returns true when the optimisation is finished. */
  step(count = 1): boolean {
    for (let c = 0; c < count && !this.done; c++) this.optimiseEpoch();
    return this.done;
  }

  run(): Float32Array {
    this.step(this.totalEpochs);
    return this.coords();
  }

  /** The current layout, n × components (a fresh copy). */
  coords(): Float32Array {
    return Float32Array.from(this.y);
  }

  private optimiseEpoch() {
    const { y, head, tail, epochsPerSample, epochOfNextSample } = this;
    const { epochsPerNegativeSample, epochOfNextNegativeSample, a, b, gamma, powB } = this;
    const dim = this.components;
    const n = this.n;
    const epoch = this.epoch;
    const alpha = this.initialAlpha * (1 - epoch / this.totalEpochs);
    let state = this.rngState;
    const edges = head.length;
    for (let e = 0; e < edges; e++) {
      if (epochOfNextSample[e]! > epoch) continue;
      const j = head[e]!;
      const k = tail[e]!;
      const jo = j * dim;
      const ko = k * dim;
      let d2 = 0;
      for (let d = 0; d < dim; d++) d2 += (y[jo + d]! - y[ko + d]!) ** 2;
      if (d2 > 0) {
        const pb = powB.pow(d2);
        const coeff = (-2 * a * b * (pb / d2)) / (a * pb + 1);
        for (let d = 0; d < dim; d++) {
          let g = coeff * (y[jo + d]! - y[ko + d]!);
          if (g > 4) g = 4;
          else if (g < -4) g = -4;
          y[jo + d] = y[jo + d]! + g * alpha;
          y[ko + d] = y[ko + d]! - g * alpha;
        }
      }
      epochOfNextSample[e] = epochOfNextSample[e]! + epochsPerSample[e]!;
      const negatives = Math.floor(
        (epoch - epochOfNextNegativeSample[e]!) / epochsPerNegativeSample[e]!,
      );
      for (let p = 0; p < negatives; p++) {
        // xorshift32 (kept in int32), mapped to [0, n) by multiply-shift (no float modulo)
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const m = ((state >>> 0) * n * 2.3283064365386963e-10) | 0;
        if (m === j) continue;
        const mo = m * dim;
        let nd2 = 0;
        for (let d = 0; d < dim; d++) nd2 += (y[jo + d]! - y[mo + d]!) ** 2;
        if (nd2 > 0) {
          const coeff = (2 * gamma * b) / ((0.001 + nd2) * (a * powB.pow(nd2) + 1));
          for (let d = 0; d < dim; d++) {
            let g = coeff * (y[jo + d]! - y[mo + d]!);
            if (g > 4) g = 4;
            else if (g < -4) g = -4;
            y[jo + d] = y[jo + d]! + g * alpha;
          }
        } else {
          // Coincident with another point: a maximal push along every axis (as umap-learn).
          for (let d = 0; d < dim; d++) y[jo + d] = y[jo + d]! + 4 * alpha;
        }
      }
      epochOfNextNegativeSample[e] =
        epochOfNextNegativeSample[e]! + negatives * epochsPerNegativeSample[e]!;
    }
    this.rngState = state;
    this.epoch++;
  }
}

/** UMAP of n × dim data, synchronously. */
export function umap(
  data: Matrix,
  n: number,
  dim: number,
  options: UmapOptions = {},
  previous?: Float32Array | null,
): UmapResult {
  const u = new Umap(data, n, dim, options, previous);
  const coords = u.run();
  return { coords, epochs: u.epoch, warmStarted: u.warmStarted };
}
