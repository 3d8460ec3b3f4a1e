/**
 * Per-slice template maps at the output resolution, derived once from the 1 mm asset planes:
 * partial-volume tissue fractions (spec §5.3), the surface-proximity weight of cortical thinning
 * (§5.6), the medial-temporal structure map (§5.5), the AD cortical-loss map (§3.2), the ventricle
 * distance map (§5.7) and the centroids the per-subject maps need.
 */
import { getArray, type Asset } from '../asset';
import { AD_LOSS, AGEING, BRAIN_ASSET_GRID, MODES, STRUCTURES, isCortexLabel } from './defaults';

export interface SliceTemplate {
  k: number;
  size: number;
  /** Output pixel size in mm. */
  mm: number;
  mask: Float32Array;
  csf: Float32Array;
  gm: Float32Array;
  wm: Float32Array;
  /** Gaussian (1.5 mm) of CSF + outside: large near the pial surface. */
  surface: Float32Array;
  /** Fraction of the pixel's GM that is cortical (AAL cortex labels). */
  cortexFrac: Float32Array;
  /** GM-weighted mean AD-like loss fraction of the cortical labels at severity 1. */
  adCortexLoss: Float32Array;
  /**
   * Fraction of the pixel's cortical GM in labels the AD-like pattern does not touch, restricted to
   * pixels away from AD labels (3×3) and from the ventricles (> 3λ): a control region for checks.
   */
  unaffectedFrac: Float32Array;
  /** GM of the contracted medial-temporal structures, and the structure label (nearest). */
  structGm: Float32Array;
  structId: Uint8Array;
  /** Hippocampal (AAL 37/38) GM, for morphometrics. */
  hippGm: Float32Array;
  /** Lateral-ventricle fraction, distance (mm) to the nearest ventricle and which ventricle. */
  vent: Float32Array;
  vdist: Float32Array;
  vnear: Uint8Array;
  /** Centroids in output pixel coordinates [x, y]. */
  structCentroid: Map<number, [number, number]>;
  ventCentroid: Map<number, [number, number]>;
  /** The same centroids as flat arrays indexed by label (NaN when absent), for the hot loops. */
  structCx: Float64Array;
  structCy: Float64Array;
  ventCx: Float64Array;
  ventCy: Float64Array;
}

export interface BrainTemplate {
  size: number;
  slices: Map<number, SliceTemplate>;
  /** Ventricle area factor (slice V, k 94) as a function of the map's magnification σ. */
  areaTable: { sigma: number[]; area: number[] };
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

function gaussianBlur1mm(src: Float32Array, n: number, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const kernel: number[] = [];
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel.push(w);
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] as number) / sum;
  const tmp = new Float32Array(n * n);
  const out = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let acc = 0;
      for (let t = -r; t <= r; t++) {
        const xx = Math.min(n - 1, Math.max(0, x + t));
        acc += (kernel[t + r] as number) * (src[y * n + xx] as number);
      }
      tmp[y * n + x] = acc;
    }
  }
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let acc = 0;
      for (let t = -r; t <= r; t++) {
        const yy = Math.min(n - 1, Math.max(0, y + t));
        acc += (kernel[t + r] as number) * (tmp[yy * n + x] as number);
      }
      out[y * n + x] = acc;
    }
  }
  return out;
}

/** Box average of a 1 mm plane (n×n) by an integer factor. */
function boxDown(src: Float32Array, n: number, f: number): Float32Array {
  const m = n / f;
  const out = new Float32Array(m * m);
  const inv = 1 / (f * f);
  for (let y = 0; y < n; y++) {
    const oy = Math.floor(y / f);
    for (let x = 0; x < n; x++) {
      const o = oy * m + Math.floor(x / f);
      out[o] = (out[o] as number) + (src[y * n + x] as number) * inv;
    }
  }
  return out;
}

function prepareSlice(asset: Asset, k: number, size: number): SliceTemplate {
  const n = BRAIN_ASSET_GRID.size;
  const f = n / size;
  const t1 = getArray(asset, `t1_${k}`, 'brain-mri.bin').data;
  const aal = getArray(asset, `aal_${k}`, 'brain-mri.bin').data;
  const vent = getArray(asset, `vent_${k}`, 'brain-mri.bin').data;
  const vdist = getArray(asset, `vdist_${k}`, 'brain-mri.bin').data;
  const vnear = getArray(asset, `vnear_${k}`, 'brain-mri.bin').data;
  const N = n * n;
  const mask = new Float32Array(N);
  const csf = new Float32Array(N);
  const gm = new Float32Array(N);
  const wm = new Float32Array(N);
  const cortexGm = new Float32Array(N);
  const lossGm = new Float32Array(N);
  const unaffectedGm = new Float32Array(N);
  const structGm = new Float32Array(N);
  const hippGm = new Float32Array(N);
  const ventF = new Float32Array(N);
  const vd = new Float32Array(N);
  const outsideCsf = new Float32Array(N);
  const { csf: mC, gm: mG, wm: mW } = MODES;
  for (let p = 0; p < N; p++) {
    const I = t1[p] as number;
    const l = aal[p] as number;
    vd[p] = vdist[p] as number;
    ventF[p] = vent[p] ? 1 : 0;
    if (I === 0) {
      outsideCsf[p] = 1;
      continue;
    }
    const pW = clamp01((I - mG) / (mW - mG));
    const pC = clamp01((mG - I) / (mG - mC));
    const pG = 1 - pW - pC;
    mask[p] = 1;
    csf[p] = pC;
    gm[p] = pG;
    wm[p] = pW;
    outsideCsf[p] = pC;
    if (isCortexLabel(l)) {
      cortexGm[p] = pG;
      lossGm[p] = pG * (AD_LOSS[l] ?? 0);
      if (!AD_LOSS[l]) unaffectedGm[p] = pG;
    }
    if (STRUCTURES.includes(l)) structGm[p] = pG;
    if (l === 37 || l === 38) hippGm[p] = pG;
  }
  const surface1 = gaussianBlur1mm(outsideCsf, n, 1.5);
  const surfGm = new Float32Array(N);
  for (let p = 0; p < N; p++) surfGm[p] = (surface1[p] as number) * (mask[p] as number);

  const maskD = boxDown(mask, n, f);
  const gmD = boxDown(gm, n, f);
  const cortexD = boxDown(cortexGm, n, f);
  const lossD = boxDown(lossGm, n, f);
  const unaffD = boxDown(unaffectedGm, n, f);
  const unaffectedFrac = new Float32Array(size * size);
  const surfD = boxDown(surfGm, n, f);
  const M = size * size;
  const cortexFrac = new Float32Array(M);
  const adCortexLoss = new Float32Array(M);
  const surface = new Float32Array(M);
  for (let o = 0; o < M; o++) {
    const g = gmD[o] as number;
    const c = cortexD[o] as number;
    cortexFrac[o] = g > 1e-6 ? Math.min(1, c / g) : 0;
    adCortexLoss[o] = c > 1e-6 ? (lossD[o] as number) / c : 0;
    unaffectedFrac[o] = c > 1e-6 ? Math.min(1, (unaffD[o] as number) / c) : 0;
  }
  // "Unaffected" control region: keep only pixels whose 3×3 neighbourhood has no AD-label cortex and
  // that lie beyond 3λ of the ventricles (outside the ventricular expansion field).
  const vdD = boxDown(vd, n, f);
  const lambda3 = 3 * AGEING.ventricle.lambdaMm;
  const pure = new Float32Array(unaffectedFrac);
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      let clean = (vdD[oy * size + ox] as number) > lambda3;
      for (let dy = -1; dy <= 1 && clean; dy++) {
        for (let dx = -1; dx <= 1 && clean; dx++) {
          const yy = Math.min(size - 1, Math.max(0, oy + dy));
          const xx = Math.min(size - 1, Math.max(0, ox + dx));
          if ((lossD[yy * size + xx] as number) > 0) clean = false;
        }
      }
      if (!clean) pure[oy * size + ox] = 0;
    }
  }
  unaffectedFrac.set(pure);
  for (let o = 0; o < M; o++) {
    const m = maskD[o] as number;
    surface[o] = m > 1e-6 ? (surfD[o] as number) / m : 0;
  }

  // Nearest-style label maps at output resolution: the label with the most 1 mm pixels in the box.
  const structId = new Uint8Array(M);
  const vnearD = new Uint8Array(M);
  const counts = new Map<number, number>();
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      counts.clear();
      let bestS = 0;
      let bestSN = 0;
      let v1 = 0;
      let v2 = 0;
      for (let dy = 0; dy < f; dy++) {
        for (let dx = 0; dx < f; dx++) {
          const p = (oy * f + dy) * n + ox * f + dx;
          const l = aal[p] as number;
          if (STRUCTURES.includes(l)) {
            const c = (counts.get(l) ?? 0) + 1;
            counts.set(l, c);
            if (c > bestSN) {
              bestSN = c;
              bestS = l;
            }
          }
          if (vnear[p] === 1) v1++;
          else if (vnear[p] === 2) v2++;
        }
      }
      structId[oy * size + ox] = bestS;
      vnearD[oy * size + ox] = v1 === 0 && v2 === 0 ? 0 : v1 >= v2 ? 1 : 2;
    }
  }

  // Centroids (output pixel coordinates; pixel centre at integer index).
  const centroid = (weight: (p: number) => number): [number, number] | null => {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (let p = 0; p < N; p++) {
      const w = weight(p);
      if (w <= 0) continue;
      sw += w;
      sx += w * ((p % n) + 0.5);
      sy += w * (Math.floor(p / n) + 0.5);
    }
    return sw > 0 ? [sx / sw / f - 0.5, sy / sw / f - 0.5] : null;
  };
  const structCentroid = new Map<number, [number, number]>();
  for (const l of STRUCTURES) {
    const c = centroid((p) => (aal[p] === l ? (gm[p] as number) : 0));
    if (c) structCentroid.set(l, c);
  }
  const ventCentroid = new Map<number, [number, number]>();
  for (const v of [1, 2]) {
    const c = centroid((p) => (vent[p] === v ? 1 : 0));
    if (c) ventCentroid.set(v, c);
  }

  const structCx = new Float64Array(256).fill(NaN);
  const structCy = new Float64Array(256).fill(NaN);
  for (const [l, c] of structCentroid) {
    structCx[l] = c[0];
    structCy[l] = c[1];
  }
  const ventCx = new Float64Array(3).fill(NaN);
  const ventCy = new Float64Array(3).fill(NaN);
  for (const [v, c] of ventCentroid) {
    ventCx[v] = c[0];
    ventCy[v] = c[1];
  }
  return {
    k,
    size,
    mm: f,
    structCx,
    structCy,
    ventCx,
    ventCy,
    mask: maskD,
    csf: boxDown(csf, n, f),
    gm: gmD,
    wm: boxDown(wm, n, f),
    surface,
    cortexFrac,
    adCortexLoss,
    unaffectedFrac,
    structGm: boxDown(structGm, n, f),
    structId,
    hippGm: boxDown(hippGm, n, f),
    vent: boxDown(ventF, n, f),
    vdist: boxDown(vd, n, f),
    vnear: vnearD,
    structCentroid,
    ventCentroid,
  };
}

/** Bilinear sample of a size×size map at continuous pixel coordinates (clamped to the edge). */
export function bilinear(map: Float32Array, size: number, x: number, y: number): number {
  const xc = x < 0 ? 0 : x > size - 1 ? size - 1 : x;
  const yc = y < 0 ? 0 : y > size - 1 ? size - 1 : y;
  const x0 = Math.min(size - 2, Math.floor(xc));
  const y0 = Math.min(size - 2, Math.floor(yc));
  const fx = xc - x0;
  const fy = yc - y0;
  const i = y0 * size + x0;
  const a = map[i] as number;
  const b = map[i + 1] as number;
  const c = map[i + size] as number;
  const d = map[i + size + 1] as number;
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/** Ventricle backward map (spec §5.7): where pixel (x, y) samples the template for magnification σ. */
export function ventricleMap(
  s: SliceTemplate,
  x: number,
  y: number,
  sigma: number,
  out: [number, number],
): void {
  out[0] = x;
  out[1] = y;
  if (sigma === 1) return;
  const size = s.size;
  const xi = x < 0 ? 0 : x > size - 1 ? size - 1 : Math.round(x);
  const yi = y < 0 ? 0 : y > size - 1 ? size - 1 : Math.round(y);
  const v = s.vnear[yi * size + xi] as number;
  if (v === 0) return;
  const d = bilinear(s.vdist, size, x, y);
  const lambda = AGEING.ventricle.lambdaMm;
  if (d > 5 * lambda) return;
  const cx = s.ventCx[v] as number;
  const cy = s.ventCy[v] as number;
  const g = 1 - (1 - 1 / sigma) * Math.exp(-(d * d) / (2 * lambda * lambda));
  out[0] = cx + (x - cx) * g;
  out[1] = cy + (y - cy) * g;
}

/** Ventricle area factor on slice V for a magnification σ (no other change). */
function ventricleAreaFactor(s: SliceTemplate, sigma: number): number {
  const q: [number, number] = [0, 0];
  let base = 0;
  let area = 0;
  for (let y = 0; y < s.size; y++) {
    for (let x = 0; x < s.size; x++) {
      base += s.vent[y * s.size + x] as number;
      ventricleMap(s, x, y, sigma, q);
      area += bilinear(s.vent, s.size, q[0], q[1]);
    }
  }
  return base > 0 ? area / base : 1;
}

const templateCache = new WeakMap<Asset, Map<number, BrainTemplate>>();

export function prepareTemplate(asset: Asset, size: number): BrainTemplate {
  let bySize = templateCache.get(asset);
  if (!bySize) {
    bySize = new Map();
    templateCache.set(asset, bySize);
  }
  const cached = bySize.get(size);
  if (cached) return cached;
  if (BRAIN_ASSET_GRID.size % size !== 0) {
    throw new Error(`brain-mri: size must divide ${BRAIN_ASSET_GRID.size} (64 or 96), got ${size}`);
  }
  const slices = new Map<number, SliceTemplate>();
  for (const k of BRAIN_ASSET_GRID.slices) slices.set(k, prepareSlice(asset, k, size));
  const v = slices.get(94) as SliceTemplate;
  const sigma = [0.6, 0.7, 0.8, 0.9, 1, 1.2, 1.4, 1.6, 1.8, 2, 2.4, 2.8, 3.2, 3.6, 4];
  const area = sigma.map((s) => ventricleAreaFactor(v, s));
  // Keep the table monotone so it can be inverted.
  for (let i = 1; i < area.length; i++) {
    area[i] = Math.max(area[i] as number, (area[i - 1] as number) + 1e-6);
  }
  const t: BrainTemplate = { size, slices, areaTable: { sigma, area } };
  bySize.set(size, t);
  return t;
}

/** σ giving the requested ventricle area factor (linear interpolation in the table). */
export function sigmaForArea(t: BrainTemplate, areaFactor: number): number {
  const { sigma, area } = t.areaTable;
  if (areaFactor <= (area[0] as number)) return sigma[0] as number;
  for (let i = 1; i < area.length; i++) {
    const a1 = area[i] as number;
    if (areaFactor <= a1) {
      const a0 = area[i - 1] as number;
      const s0 = sigma[i - 1] as number;
      const s1 = sigma[i] as number;
      return s0 + ((areaFactor - a0) / (a1 - a0)) * (s1 - s0);
    }
  }
  return sigma[sigma.length - 1] as number;
}
