/**
 * The augmentation chain of augment.ts in one pass over plain arrays, for CPU-side backends (WASM,
 * CPU): the same views as the tensor ops (float rounding aside) without a kernel per step. As
 * kernels, a brain-MRI batch (128 views of 64×64×2) cost about 150 ms on WASM: the warp and the
 * blur are single-threaded scalar loops there, the broadcast multiplies are slow, and the blur was
 * computed for every view although only the views that draw it (30 %) need it. Here the warp is
 * bilinear with clamped coordinates (tf.image.transform's 'bilinear' + 'nearest'), the blur is
 * the same Gaussian as two 1-D passes, and every other step is one multiply-add per pixel.
 */

import { SeededRandom } from '../ml/random';

export interface AugmentConfig {
  /** Random resized crop: area fraction and aspect-ratio ranges (takes precedence over translate). */
  crop?: { scale: [number, number]; ratio: [number, number] } | null;
  /** Random translation, maximum shift as a fraction of the side. */
  translate?: number;
  /** Maximum rotation in degrees (uniform in ±rotate). */
  rotate?: number;
  hflip?: boolean;
  vflip?: boolean;
  /** Brightness factor in [1 − b, 1 + b]. */
  brightness?: number;
  /** Contrast factor in [1 − c, 1 + c] around the image mean. */
  contrast?: number;
  /** Saturation factor in [1 − s, 1 + s] (3-channel images). */
  saturation?: number;
  /** Hue rotation, maximum fraction of a turn (3-channel images). */
  hue?: number;
  /** With probability p, blend with a Gaussian-blurred copy (σ in pixels), weight U(0.5, 1). */
  blur?: { p: number; sigma: number } | null;
  /** Gaussian noise with SD uniform in [0, noise]. */
  noise?: number;
  /** With probability p, zero a square of side `size` × the image side at a random place. */
  cutout?: { p: number; size: number } | null;
}

export interface ViewParams {
  affine: Float32Array; // per row: a, b, c, d, e, f with x_in = a·x + b·y + c, y_in = d·x + e·y + f (pixels)
  affineUsed: boolean;
  bright: Float32Array;
  contrast: Float32Array;
  sat: Float32Array;
  hue: Float32Array;
  blurW: Float32Array;
  noiseSd: Float32Array;
  cutout: Float32Array; // per row: x0, y0, x1, y1 in pixels (empty when x1 <= x0)
}

export function drawParams(
  cfg: AugmentConfig,
  rows: number,
  h: number,
  w: number,
  rng: SeededRandom,
): ViewParams {
  const p: ViewParams = {
    affine: new Float32Array(rows * 6),
    affineUsed: false,
    bright: new Float32Array(rows).fill(1),
    contrast: new Float32Array(rows).fill(1),
    sat: new Float32Array(rows).fill(1),
    hue: new Float32Array(rows),
    blurW: new Float32Array(rows),
    noiseSd: new Float32Array(rows),
    cutout: new Float32Array(rows * 4),
  };
  const spatial = h > 1 || w > 1;
  for (let r = 0; r < rows; r++) {
    // Geometry in normalised coordinates u ∈ [−½, ½]: u_in = t + R(θ)·diag(sx·fx, sy·fy)·u_out.
    let sx = 1;
    let sy = 1;
    let tx = 0;
    let ty = 0;
    if (spatial && cfg.crop) {
      const area = rng.uniform(cfg.crop.scale[0], cfg.crop.scale[1]);
      const logR = rng.uniform(Math.log(cfg.crop.ratio[0]), Math.log(cfg.crop.ratio[1]));
      const ratio = Math.exp(logR);
      sx = Math.min(1, Math.sqrt(area * ratio));
      sy = Math.min(1, Math.sqrt(area / ratio));
      tx = rng.uniform(-(1 - sx) / 2, (1 - sx) / 2);
      ty = rng.uniform(-(1 - sy) / 2, (1 - sy) / 2);
    } else if (spatial && cfg.translate) {
      tx = rng.uniform(-cfg.translate, cfg.translate);
      ty = rng.uniform(-cfg.translate, cfg.translate);
    }
    const th = spatial && cfg.rotate ? (rng.uniform(-cfg.rotate, cfg.rotate) * Math.PI) / 180 : 0;
    const fx = spatial && cfg.hflip && rng.bernoulli(0.5) ? -1 : 1;
    const fy = spatial && cfg.vflip && rng.bernoulli(0.5) ? -1 : 1;
    const c = Math.cos(th);
    const s = Math.sin(th);
    // normalised → pixels: u = (x + ½)/w − ½ ; x_in = (u_in + ½)·w − ½
    const m00 = c * sx * fx;
    const m01 = -s * sy * fy;
    const m10 = s * sx * fx;
    const m11 = c * sy * fy;
    const a = m00;
    const b = (m01 * w) / h;
    const d = (m10 * h) / w;
    const e = m11;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const o = r * 6;
    p.affine[o] = a;
    p.affine[o + 1] = b;
    p.affine[o + 2] = cx + tx * w - a * cx - b * cy;
    p.affine[o + 3] = d;
    p.affine[o + 4] = e;
    p.affine[o + 5] = cy + ty * h - d * cx - e * cy;
    if (sx !== 1 || sy !== 1 || tx !== 0 || ty !== 0 || th !== 0 || fx !== 1 || fy !== 1)
      p.affineUsed = true;

    if (spatial && cfg.brightness)
      p.bright[r] = rng.uniform(1 - cfg.brightness, 1 + cfg.brightness);
    if (spatial && cfg.contrast) p.contrast[r] = rng.uniform(1 - cfg.contrast, 1 + cfg.contrast);
    if (cfg.saturation) p.sat[r] = rng.uniform(1 - cfg.saturation, 1 + cfg.saturation);
    if (cfg.hue) p.hue[r] = rng.uniform(-cfg.hue, cfg.hue) * 2 * Math.PI;
    if (spatial && cfg.blur && rng.bernoulli(cfg.blur.p)) p.blurW[r] = rng.uniform(0.5, 1);
    if (cfg.noise) p.noiseSd[r] = rng.uniform(0, cfg.noise);
    if (spatial && cfg.cutout && rng.bernoulli(cfg.cutout.p)) {
      const cw = Math.max(1, Math.round(cfg.cutout.size * w));
      const ch = Math.max(1, Math.round(cfg.cutout.size * h));
      const x0 = Math.floor(rng.uniform(-cw / 2, w - cw / 2));
      const y0 = Math.floor(rng.uniform(-ch / 2, h - ch / 2));
      p.cutout.set([x0, y0, x0 + cw, y0 + ch], r * 4);
    }
  }
  return p;
}

/** The blur's 1-D Gaussian, normalised (the 2-D kernel is its outer product). */
export function gaussian1d(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(2 * sigma));
  const k1: number[] = [];
  for (let i = -r; i <= r; i++) k1.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const s = k1.reduce((a, b) => a + b, 0);
  return Float64Array.from(k1, (v) => v / s);
}

/**
 * V augmented views of every image, [N, h, w, c] → view-major [V·N, h, w, c], as plain arrays:
 * the views `augment` gives for the same seed (no TF.js here, so a worker can run it).
 */
export function augmentArray(
  src: Float32Array,
  shape: readonly [number, number, number, number],
  config: AugmentConfig,
  seed: number,
  views: number,
): Float32Array {
  const [N, h, w, c] = shape;
  if (c === 3 && (config.saturation || config.hue))
    throw new Error('augment: the cpu path has no colour jitter (saturation, hue)');
  const R = views * N;
  const rng = SeededRandom.stream(seed, 'augment');
  const p = drawParams(config, R, h, w, rng);
  const out = new Float32Array(R * h * w * c);
  const blurs = !!config.blur && p.blurW.some((v) => v > 0);
  augmentOnCpu(
    src,
    shape,
    views,
    p,
    {
      brightness: !!config.brightness,
      contrast: !!config.contrast,
      blur1d: blurs ? gaussian1d(config.blur!.sigma) : null,
      noise: config.noise ? { sd: p.noiseSd, rng } : null,
      cutout: !!config.cutout,
    },
    out,
  );
  return out;
}

export interface CpuChain {
  brightness: boolean;
  contrast: boolean;
  /** The blur's 1-D kernel (normalised), or null when no view blurs. */
  blur1d: Float64Array | null;
  /**
   * Per-view noise SD and the generator, drawn row after row as augment.ts draws its noise array
   * (the same values), into a one-view buffer instead of an array of the whole batch.
   */
  noise: { sd: Float32Array; rng: SeededRandom } | null;
  cutout: boolean;
}

/**
 * out[r] = chain(view r of image r mod N), r < V·N, in augment.ts' order: warp, brightness,
 * contrast about the view's mean, blend with the blurred view (weight blurW[r]), noise, cutout,
 * clip to [0, 1]. `src` is [N, h, w, c], `out` [V·N, h, w, c].
 */
export function augmentOnCpu(
  src: Float32Array,
  shape: readonly [number, number, number, number],
  views: number,
  p: ViewParams,
  chain: CpuChain,
  out: Float32Array,
): void {
  const [N, h, w, c] = shape;
  const size = h * w * c;
  const R = views * N;
  const blurred = chain.blur1d ? new Float32Array(size) : null;
  const tmp = chain.blur1d ? new Float32Array(size) : null;
  const noise = chain.noise ? new Float32Array(size) : null;
  for (let r = 0; r < R; r++) {
    const image = src.subarray((r % N) * size, ((r % N) + 1) * size);
    const view = out.subarray(r * size, (r + 1) * size);
    if (p.affineUsed) warpInto(image, h, w, c, p.affine, r * 6, view);
    else view.set(image);
    // Brightness and contrast are one affine map per view, v·scale + shift, once the mean is known.
    const bright = chain.brightness ? p.bright[r]! : 1;
    let scale = bright;
    let shift = 0;
    if (chain.contrast && (h > 1 || w > 1)) {
      let sum = 0;
      for (let k = 0; k < size; k++) sum += view[k]! * bright;
      const mean = sum / size;
      const ct = p.contrast[r]!;
      scale = bright * ct;
      shift = mean - mean * ct;
    }
    const bw = p.blurW[r]!;
    const sd = chain.noise ? chain.noise.sd[r]! : 0;
    if (noise) {
      if (sd !== 0) chain.noise!.rng.fillNormal(noise, 0, size, sd);
      else noise.fill(0);
    }
    if (chain.blur1d && bw > 0) {
      // The blur sees the view after brightness and contrast.
      for (let k = 0; k < size; k++) view[k] = view[k]! * scale + shift;
      blurInto(view, h, w, c, chain.blur1d, tmp!, blurred!);
      for (let k = 0; k < size; k++) {
        const v = view[k]! * (1 - bw) + blurred![k]! * bw + (noise ? noise[k]! : 0);
        view[k] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    } else {
      for (let k = 0; k < size; k++) {
        const v = view[k]! * scale + shift + (noise ? noise[k]! : 0);
        view[k] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    // Cutout multiplies by 0 before the clip, and the clip keeps 0: zero after it.
    if (chain.cutout) {
      const x0 = Math.max(0, p.cutout[r * 4]!);
      const y0 = Math.max(0, p.cutout[r * 4 + 1]!);
      const x1 = Math.min(w, p.cutout[r * 4 + 2]!);
      const y1 = Math.min(h, p.cutout[r * 4 + 3]!);
      for (let y = y0; y < y1; y++) view.fill(0, (y * w + x0) * c, (y * w + x1) * c);
    }
  }
}

/**
 * Bilinear sampling at (a·x + b·y + c, d·x + e·y + f), coordinates clamped to the image, as
 * tf.image.transform(…, 'bilinear', 'nearest') computes it. Exported for the tests.
 */
export function warpInto(
  image: Float32Array,
  h: number,
  w: number,
  c: number,
  affine: Float32Array,
  offset: number,
  out: Float32Array,
): void {
  const a = affine[offset]!;
  const b = affine[offset + 1]!;
  const tx = affine[offset + 2]!;
  const d = affine[offset + 3]!;
  const e = affine[offset + 4]!;
  const ty = affine[offset + 5]!;
  const rowStride = w * c;
  for (let y = 0; y < h; y++) {
    const xBase = b * y + tx;
    const yBase = e * y + ty;
    for (let x = 0; x < w; x++) {
      let xi = a * x + xBase;
      let yi = d * x + yBase;
      xi = xi < 0 ? 0 : xi > w - 1 ? w - 1 : xi;
      yi = yi < 0 ? 0 : yi > h - 1 ? h - 1 : yi;
      const x0 = Math.floor(xi);
      const y0 = Math.floor(yi);
      const fx = xi - x0;
      const fy = yi - y0;
      // At the last row or column the weight of the next one is 0: read the edge instead.
      const dx = x0 < w - 1 ? c : 0;
      const dy = y0 < h - 1 ? rowStride : 0;
      const i00 = y0 * rowStride + x0 * c;
      const o = (y * w + x) * c;
      for (let k = 0; k < c; k++) {
        const i = i00 + k;
        const top = (1 - fx) * image[i]! + fx * image[i + dx]!;
        const bottom = (1 - fx) * image[i + dy]! + fx * image[i + dy + dx]!;
        out[o + k] = (1 - fy) * top + fy * bottom;
      }
    }
  }
}

/**
 * The 'same' depthwise convolution of augment.ts' Gaussian (zeros outside the image) as a row
 * pass then a column pass of its 1-D factor `g` (odd length). Exported for the tests.
 */
export function blurInto(
  view: Float32Array,
  h: number,
  w: number,
  c: number,
  g: Float64Array,
  tmp: Float32Array,
  out: Float32Array,
): void {
  const r = (g.length - 1) / 2;
  const taps = g.length;
  const rowStride = w * c;
  // Rows: each row copied between r·c zeros, then contiguous multiply-adds.
  const padded = new Float32Array(rowStride + 2 * r * c);
  for (let y = 0; y < h; y++) {
    padded.set(view.subarray(y * rowStride, (y + 1) * rowStride), r * c);
    const o = y * rowStride;
    for (let q = 0; q < rowStride; q++) {
      let s = 0;
      for (let j = 0; j < taps; j++) s += g[j]! * padded[q + j * c]!;
      tmp[o + q] = s;
    }
  }
  // Columns: rows of tmp added with their weights (rows outside the image are zeros).
  for (let y = 0; y < h; y++) {
    const o = y * rowStride;
    out.fill(0, o, o + rowStride);
    for (let i = Math.max(0, r - y); i < Math.min(taps, h + r - y); i++) {
      const gi = g[i]!;
      const from = (y + i - r) * rowStride;
      for (let q = 0; q < rowStride; q++) out[o + q] = out[o + q]! + gi * tmp[from + q]!;
    }
  }
}
