/**
 * Barnes–Hut t-SNE (van der Maaten 2014) in TypeScript on typed arrays, following scikit-learn's
 * `TSNE(method='barnes_hut')` step for step so that timings and layouts are comparable:
 *
 * - input affinities from the exact ⌊3·perplexity + 1⌋ nearest neighbours (squared Euclidean
 *   distances), a per-point binary search on the precision to match the perplexity, then
 *   P = (P + Pᵀ) / ΣP;
 * - a quadtree over the 2-D layout each iteration; a cell is summarised by its centre of mass when
 *   width / distance < θ (θ = 0.5);
 * - gradient 4·(F_attr − F_rep / Z); gradient descent with momentum and per-coordinate gains
 *   (+0.2 / ×0.8, min 0.01); 250 iterations of early exaggeration 12 at momentum 0.5, then
 *   momentum 0.8; learning rate 'auto' = max(n / exaggeration / 4, 50); PCA initialisation
 *   scaled to a standard deviation of 1e-4.
 *
 * Warm start: given the previous frame's layout (n × 2), optimisation starts from it, skips early
 * exaggeration and runs `warmIterations` at the final momentum, so consecutive frames of a training
 * run move smoothly instead of being re-laid out from scratch.
 */
import { fastExp } from './fastmath';
import { exactKnn } from './knn';
import { checkMatrix, pca, type Matrix } from './pca';
import { RepulsionTree } from './quadtree';
import { SeededRandom } from '../ml/random';
import { preReduce, type PreReduceOptions } from './reduce';

export interface TsneOptions extends PreReduceOptions {
  /** Effective number of neighbours (default 30). */
  perplexity?: number;
  /** Iterations of a cold start (default 1000, scikit-learn's default). */
  iterations?: number;
  /** Iterations of a warm start from the previous layout (default 300). */
  warmIterations?: number;
  /** Early exaggeration factor (default 12). */
  earlyExaggeration?: number;
  /** Iterations with early exaggeration in a cold start (default 250). */
  exaggerationIterations?: number;
  /** Iterations with early exaggeration in a warm start (default 0). */
  warmExaggerationIterations?: number;
  /** Step size, or 'auto' = max(n / earlyExaggeration / 4, 50) (default 'auto'). */
  learningRate?: number | 'auto';
  /** Barnes–Hut accuracy: summarise a cell when width / distance < theta (default 0.5). */
  theta?: number;
  /** Initial layout of a cold start (default 'pca'). */
  init?: 'pca' | 'random';
  /** Seed of the random initialisation (default 0). */
  seed?: number;
}

export interface TsneResult {
  coords: Float32Array;
  iterations: number;
  warmStarted: boolean;
}

const MIN_GAIN = 0.01;
const EXPLORATION_MOMENTUM = 0.5;
const FINAL_MOMENTUM = 0.8;

/** Sparse symmetric joint probabilities (CSR, both triangles stored). */
export interface SparseP {
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/**
 * Conditional probabilities p_{j|i} over each row's k neighbours (squared distances), by binary
 * search on the precision β so that the row's entropy is log(perplexity) (as scikit-learn's
 * `_binary_search_perplexity`: 100 steps, tolerance 1e-5).
 */
export function conditionalP(
  sqDistances: Float64Array,
  n: number,
  k: number,
  perplexity: number,
): Float64Array {
  const p = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    // Shift by the nearest distance: cancels in the normalisation, avoids underflow of exp.
    const dmin = k > 0 ? sqDistances[o]! : 0;
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let it = 0; it < 100; it++) {
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const v = fastExp(-(sqDistances[o + j]! - dmin) * beta);
        p[o + j] = v;
        sum += v;
      }
      if (sum === 0) sum = 1e-8;
      let dsum = 0;
      for (let j = 0; j < k; j++) {
        p[o + j] = p[o + j]! / sum;
        dsum += (sqDistances[o + j]! - dmin) * p[o + j]!;
      }
      const diff = Math.log(sum) + beta * dsum - target;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return p;
}

/**
 * P = (C + Cᵀ) / sum, from row-wise conditional probabilities C over a kNN graph. Each row lists
 * its own neighbours first (nearest first), then the points that have it as a neighbour only; no
 * sorting, one pass with a position marker.
 */
export function symmetrise(indices: Int32Array, cond: Float64Array, n: number, k: number): SparseP {
  // Reverse lists: for each j, the rows i that have j among their neighbours (with c_{j|i}).
  const revStart = new Int32Array(n + 1);
  for (let a = 0; a < n * k; a++) revStart[indices[a]! + 1]!++;
  for (let j = 0; j < n; j++) revStart[j + 1] = revStart[j + 1]! + revStart[j]!;
  const revFill = revStart.slice(0, n);
  const revRow = new Int32Array(n * k);
  const revVal = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const at = revFill[indices[i * k + r]!]!++;
      revRow[at] = i;
      revVal[at] = cond[i * k + r]!;
    }
  }
  const rowPtr = new Int32Array(n + 1);
  const cols = new Int32Array(2 * n * k);
  const vals = new Float64Array(2 * n * k);
  const marker = new Int32Array(n).fill(-1);
  let nnz = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const start = nnz;
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r]!;
      const v = cond[i * k + r]!;
      marker[j] = nnz;
      cols[nnz] = j;
      vals[nnz] = v;
      nnz++;
      total += v;
    }
    for (let a = revStart[i]!; a < revStart[i + 1]!; a++) {
      const j = revRow[a]!;
      const v = revVal[a]!;
      const at = marker[j]!;
      if (at >= start) {
        vals[at] = vals[at]! + v;
      } else {
        marker[j] = nnz;
        cols[nnz] = j;
        vals[nnz] = v;
        nnz++;
      }
      total += v;
    }
    rowPtr[i + 1] = nnz;
  }
  const scale = 1 / Math.max(total, Number.MIN_VALUE);
  for (let a = 0; a < nnz; a++) vals[a] = vals[a]! * scale;
  return { rowPtr, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
}

/** Joint probabilities of t-SNE for data of n × dim. */
export function jointProbabilities(
  data: Matrix,
  n: number,
  dim: number,
  perplexity: number,
): SparseP {
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const knn = exactKnn(data, n, dim, k);
  const cond = conditionalP(knn.sqDistances, n, knn.k, Math.min(perplexity, Math.max(knn.k, 1)));
  return symmetrise(knn.indices, cond, n, knn.k);
}

/** A t-SNE optimisation that can be advanced in slices (for a worker that reports progress). */
export class Tsne {
  readonly n: number;
  readonly totalIterations: number;
  readonly warmStarted: boolean;
  iteration = 0;
  private readonly y: Float64Array;
  private readonly update: Float64Array;
  private readonly gains: Float64Array;
  private readonly grad: Float64Array;
  private readonly upper: SparseP;
  /** The upper triangle's columns j as 2j. */
  private readonly upperCols2: Int32Array;
  private readonly attraction: Float64Array;
  private readonly learningRate: number;
  private readonly exaggeration: number;
  private readonly exaggerationIterations: number;
  private readonly theta: number;
  private readonly tree = new RepulsionTree();

  constructor(
    data: Matrix,
    n: number,
    dim: number,
    options: TsneOptions = {},
    previous?: Float32Array | null,
  ) {
    checkMatrix(data, n, dim);
    this.n = n;
    const perplexity = options.perplexity ?? 30;
    if (!(perplexity > 0)) throw new Error(`tsne: perplexity must be positive (got ${perplexity})`);
    const ee = options.earlyExaggeration ?? 12;
    const lr = options.learningRate ?? 'auto';
    this.learningRate = lr === 'auto' ? Math.max(n / ee / 4, 50) : lr;
    this.theta = options.theta ?? 0.5;
    this.exaggeration = ee;
    this.warmStarted = isUsableLayout(previous, n, 2);
    this.totalIterations = this.warmStarted
      ? (options.warmIterations ?? 300)
      : (options.iterations ?? 1000);
    this.exaggerationIterations = Math.min(
      this.totalIterations,
      this.warmStarted
        ? (options.warmExaggerationIterations ?? 0)
        : (options.exaggerationIterations ?? 250),
    );
    this.y = new Float64Array(2 * n);
    this.update = new Float64Array(2 * n);
    this.gains = new Float64Array(2 * n).fill(1);
    this.grad = new Float64Array(2 * n);
    // Wide rows (raw pixels) are first reduced to their top 50 principal axes (reduce.ts); the
    // affinities and the PCA initialisation then work on those.
    const input = preReduce(data, n, dim, options);
    this.upper = upperTriangle(
      n > 1 ? jointProbabilities(input.data, n, input.dim, perplexity) : emptyP(n),
      n,
    );
    this.upperCols2 = this.upper.cols.map((j) => 2 * j);
    this.attraction = new Float64Array(2 * n);

    if (this.warmStarted) {
      for (let i = 0; i < 2 * n; i++) this.y[i] = previous![i]!;
    } else if ((options.init ?? 'pca') === 'pca' && n > 2) {
      const init = pca(input.data, n, input.dim, { components: 2 }).coords;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += init[2 * i]!;
      mean /= n;
      let sd = 0;
      for (let i = 0; i < n; i++) sd += (init[2 * i]! - mean) ** 2;
      sd = Math.sqrt(sd / n);
      const s = sd > 0 ? 1e-4 / sd : 1;
      for (let i = 0; i < 2 * n; i++) this.y[i] = init[i]! * s;
    } else {
      const rng = new SeededRandom(options.seed ?? 0);
      for (let i = 0; i < 2 * n; i++) this.y[i] = 1e-4 * rng.normalComplement();
    }
  }

  get done(): boolean {
    return this.iteration >= this.totalIterations;
  }

  /** Runs up to `count` iterations; returns true when the optimisation is finished. */
  step(count = 1): boolean {
    for (let c = 0; c < count && !this.done; c++) this.iterate();
    return this.done;
  }

  /** Runs to the end. */
  run(): Float32Array {
    this.step(this.totalIterations);
    return this.coords();
  }

  /** The current layout, n × 2 (a fresh copy). */
  coords(): Float32Array {
    return Float32Array.from(this.y);
  }

  private iterate() {
    const n = this.n;
    const exploring = this.iteration < this.exaggerationIterations;
    const exaggeration = exploring ? this.exaggeration : 1;
    const momentum = exploring ? EXPLORATION_MOMENTUM : FINAL_MOMENTUM;
    if (n > 1) this.gradient(exaggeration);
    const { y, update, gains, grad } = this;
    const lr = this.learningRate;
    for (let i = 0; i < 2 * n; i++) {
      const g = grad[i]!;
      const u = update[i]!;
      let gain = gains[i]!;
      gain = u * g < 0 ? gain + 0.2 : gain * 0.8;
      if (gain < MIN_GAIN) gain = MIN_GAIN;
      gains[i] = gain;
      const nu = momentum * u - lr * gain * g;
      update[i] = nu;
      y[i] = y[i]! + nu;
    }
    this.iteration++;
  }

  /** grad_i = 4 (exaggeration · Σ_j p_ij q_ij Z (y_i − y_j) − Σ_j q_ij² Z (y_i − y_j) / Z). */
  private gradient(exaggeration: number) {
    const n = this.n;
    const y = this.y;
    const grad = this.grad;
    const attraction = this.attraction;
    const sumQ = this.tree.repulsion(y, n, this.theta, grad);
    const invZ = 1 / Math.max(sumQ, Number.MIN_VALUE);
    // Attraction over each symmetric pair once (upper triangle), applied to both ends; columns
    // are stored as 2j (the pair's x offset in y) and the exaggeration is applied once at the end.
    attraction.fill(0);
    const { rowPtr, vals } = this.upper;
    const cols2 = this.upperCols2;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      let ax = 0;
      let ay = 0;
      for (let a = rowPtr[i]!, end = rowPtr[i + 1]!; a < end; a++) {
        const j2 = cols2[a]!;
        const dx = px - y[j2]!;
        const dy = py - y[j2 + 1]!;
        const f = vals[a]! / (1 + dx * dx + dy * dy);
        const fx = f * dx;
        const fy = f * dy;
        ax += fx;
        ay += fy;
        attraction[j2] = attraction[j2]! - fx;
        attraction[j2 + 1] = attraction[j2 + 1]! - fy;
      }
      attraction[2 * i] = attraction[2 * i]! + ax;
      attraction[2 * i + 1] = attraction[2 * i + 1]! + ay;
    }
    const ea = 4 * exaggeration;
    const er = -4 * invZ;
    for (let a = 0; a < 2 * n; a++) grad[a] = ea * attraction[a]! + er * grad[a]!;
  }
}

/** The strictly upper triangle (j > i) of a symmetric CSR matrix. */
export function upperTriangle(p: SparseP, n: number): SparseP {
  const rowPtr = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let a = p.rowPtr[i]!; a < p.rowPtr[i + 1]!; a++) if (p.cols[a]! > i) nnz++;
    rowPtr[i + 1] = nnz;
  }
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let a = p.rowPtr[i]!; a < p.rowPtr[i + 1]!; a++) {
      if (p.cols[a]! > i) {
        cols[at] = p.cols[a]!;
        vals[at] = p.vals[a]!;
        at++;
      }
    }
  }
  return { rowPtr, cols, vals };
}

function emptyP(n: number): SparseP {
  return { rowPtr: new Int32Array(n + 1), cols: new Int32Array(0), vals: new Float64Array(0) };
}

/** A previous layout is usable for a warm start if it has the right shape and is finite. */
export function isUsableLayout(
  previous: Float32Array | null | undefined,
  n: number,
  components: number,
): previous is Float32Array {
  if (!previous || previous.length !== n * components) return false;
  for (let i = 0; i < previous.length; i++) if (!Number.isFinite(previous[i]!)) return false;
  return true;
}

/** t-SNE of n × dim data to 2-D, synchronously. */
export function tsne(
  data: Matrix,
  n: number,
  dim: number,
  options: TsneOptions = {},
  previous?: Float32Array | null,
): TsneResult {
  const t = new Tsne(data, n, dim, options, previous);
  const coords = t.run();
  return { coords, iterations: t.iteration, warmStarted: t.warmStarted };
}
