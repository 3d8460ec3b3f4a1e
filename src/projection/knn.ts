/**
 * Exact k-nearest neighbours under the Euclidean distance, by brute force over cache-sized tiles of
 * the n×n distance matrix (each pair computed once, through ‖x‖² + ‖y‖² − 2x·y in float64; dense
 * rows in 2×2 register blocks, mostly-zero rows such as raw pixels through their non-zeros). For
 * the playground's 2,000 points this is both exact and faster than an approximate index would be.
 */
import type { Matrix } from './pca';

export interface KnnGraph {
  n: number;
  k: number;
  /** n × k neighbour indices, nearest first, self excluded. */
  indices: Int32Array;
  /** n × k squared Euclidean distances matching `indices`. */
  sqDistances: Float64Array;
}

/** Row-major float64 copy (one monomorphic array type for the hot loops). */
export function toFloat64(data: Matrix, length: number): Float64Array {
  if (data instanceof Float64Array && data.length === length) return data;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = data[i]!;
  return out;
}

/** k nearest neighbours of every row (self excluded); k is clamped to n − 1. */
export function exactKnn(data: Matrix, n: number, dim: number, kWanted: number): KnnGraph {
  const k = Math.max(0, Math.min(Math.floor(kWanted), n - 1));
  const x = toFloat64(data, n * dim);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[i * dim + j]! ** 2;
    norms[i] = s;
  }
  let zeros = 0;
  for (let i = 0; i < n * dim; i++) if (x[i] === 0) zeros++;
  const sparse = dim >= 32 && zeros > 0.6 * n * dim;
  // Per-row bounded max-heaps (the root is the current k-th nearest).
  const heapD = new Float64Array(n * k);
  const heapI = new Int32Array(n * k);
  const size = new Int32Array(n);
  // The current k-th smallest distance of each row (∞ until its heap is full): most candidates
  // are rejected by one comparison before `push`.
  const worst = new Float64Array(n).fill(Infinity);

  const push = (row: number, d: number, j: number) => {
    const base = row * k;
    let s = size[row]!;
    if (s < k) {
      // sift up
      let c = s;
      size[row] = s + 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        const pd = heapD[base + p]!;
        if (pd > d || (pd === d && heapI[base + p]! > j)) break;
        heapD[base + c] = pd;
        heapI[base + c] = heapI[base + p]!;
        c = p;
      }
      heapD[base + c] = d;
      heapI[base + c] = j;
      if (s + 1 === k) worst[row] = heapD[base]!;
      return;
    }
    const rd = heapD[base]!;
    if (d > rd || (d === rd && j > heapI[base]!)) return;
    // replace the root and sift down
    s = k;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= s) break;
      let m = l;
      const r = l + 1;
      if (r < s) {
        const ld = heapD[base + l]!;
        const rd2 = heapD[base + r]!;
        if (rd2 > ld || (rd2 === ld && heapI[base + r]! > heapI[base + l]!)) m = r;
      }
      const md = heapD[base + m]!;
      if (md < d || (md === d && heapI[base + m]! < j)) break;
      heapD[base + c] = md;
      heapI[base + c] = heapI[base + m]!;
      c = m;
    }
    heapD[base + c] = d;
    heapI[base + c] = j;
    worst[row] = heapD[base]!;
  };

  // Mostly-zero rows (raw pixels: MNIST is ~80 % zeros): dot products over each row's non-zeros
  // against four dense rows at a time. Same sums in a different order: equal up to rounding.
  if (k > 0 && sparse) {
    const nzStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      let c = 0;
      for (let t = 0; t < dim; t++) if (x[i * dim + t] !== 0) c++;
      nzStart[i + 1] = nzStart[i]! + c;
    }
    const nzIndex = new Int32Array(nzStart[n]!);
    const nzValue = new Float64Array(nzStart[n]!);
    for (let i = 0, at = 0; i < n; i++) {
      for (let t = 0; t < dim; t++) {
        const v = x[i * dim + t]!;
        if (v !== 0) {
          nzIndex[at] = t;
          nzValue[at++] = v;
        }
      }
    }
    const consider = (i: number, j: number, dot: number) => {
      let d = norms[i]! + norms[j]! - 2 * dot;
      if (d < 0) d = 0;
      if (d <= worst[i]!) push(i, d, j);
      if (d <= worst[j]!) push(j, d, i);
    };
    const tile = Math.max(8, Math.min(128, Math.floor(16384 / Math.max(dim, 1))));
    for (let j0 = 0; j0 < n; j0 += tile) {
      const jEnd = Math.min(n, j0 + tile);
      for (let i = 0; i < jEnd - 1; i++) {
        const a0 = nzStart[i]!;
        const a1 = nzStart[i + 1]!;
        let j = Math.max(j0, i + 1);
        for (; j + 3 < jEnd; j += 4) {
          const o0 = j * dim;
          const o1 = o0 + dim;
          const o2 = o1 + dim;
          const o3 = o2 + dim;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let a = a0; a < a1; a++) {
            const t = nzIndex[a]!;
            const v = nzValue[a]!;
            s0 += v * x[o0 + t]!;
            s1 += v * x[o1 + t]!;
            s2 += v * x[o2 + t]!;
            s3 += v * x[o3 + t]!;
          }
          consider(i, j, s0);
          consider(i, j + 1, s1);
          consider(i, j + 2, s2);
          consider(i, j + 3, s3);
        }
        for (; j < jEnd; j++) {
          const o = j * dim;
          let s0 = 0;
          for (let a = a0; a < a1; a++) s0 += nzValue[a]! * x[o + nzIndex[a]!]!;
          consider(i, j, s0);
        }
      }
    }
  }

  if (k > 0 && !sparse) {
    // Tiles of rows that fit in cache; inside a tile, 2×2 register blocks (four dot products
    // share each load). An odd last row is paired with itself and its duplicate results dropped.
    const tile = Math.max(8, Math.min(128, 2 * Math.floor(8192 / Math.max(dim, 1))));
    const consider = (i: number, j: number, dot: number) => {
      let d = norms[i]! + norms[j]! - 2 * dot;
      if (d < 0) d = 0;
      if (d <= worst[i]!) push(i, d, j);
      if (d <= worst[j]!) push(j, d, i);
    };
    for (let i0 = 0; i0 < n; i0 += tile) {
      const iEnd = Math.min(n, i0 + tile);
      for (let j0 = i0; j0 < n; j0 += tile) {
        const jEnd = Math.min(n, j0 + tile);
        const diagonal = j0 === i0;
        for (let ia = i0; ia < iEnd; ia += 2) {
          const ib = ia + 1 < iEnd ? ia + 1 : ia;
          const ao = ia * dim;
          const bo = ib * dim;
          for (let ja = diagonal ? ia : j0; ja < jEnd; ja += 2) {
            const jb = ja + 1 < jEnd ? ja + 1 : ja;
            const co = ja * dim;
            const eo = jb * dim;
            let s00 = 0;
            let s01 = 0;
            let s10 = 0;
            let s11 = 0;
            for (let t = 0; t < dim; t++) {
              const xa = x[ao + t]!;
              const xb = x[bo + t]!;
              const xc = x[co + t]!;
              const xe = x[eo + t]!;
              s00 += xa * xc;
              s01 += xa * xe;
              s10 += xb * xc;
              s11 += xb * xe;
            }
            if (ja > ia) consider(ia, ja, s00);
            if (jb > ia && jb !== ja) consider(ia, jb, s01);
            if (ib !== ia) {
              if (ja > ib) consider(ib, ja, s10);
              if (jb > ib && jb !== ja) consider(ib, jb, s11);
            }
          }
        }
      }
    }
  }

  // Each row ascending (distance, then index): pop the heap's maximum into the last free place.
  const indices = new Int32Array(n * k);
  const sqDistances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    for (let s = size[i]!; s > 0; s--) {
      indices[base + s - 1] = heapI[base]!;
      sqDistances[base + s - 1] = heapD[base]!;
      // Move the last element to the root and sift it down over the first s − 1.
      const d = heapD[base + s - 1]!;
      const j = heapI[base + s - 1]!;
      const m = s - 1;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= m) break;
        let b = l;
        const r = l + 1;
        if (r < m) {
          const ld = heapD[base + l]!;
          const rd = heapD[base + r]!;
          if (rd > ld || (rd === ld && heapI[base + r]! > heapI[base + l]!)) b = r;
        }
        const bd = heapD[base + b]!;
        if (bd < d || (bd === d && heapI[base + b]! < j)) break;
        heapD[base + c] = bd;
        heapI[base + c] = heapI[base + b]!;
        c = b;
      }
      heapD[base + c] = d;
      heapI[base + c] = j;
    }
  }
  return { n, k, indices, sqDistances };
}
