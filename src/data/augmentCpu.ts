/**
 * The augmentation chain of augment.ts in one pass over plain arrays, for CPU-side backends (WASM,
 * CPU): the same views as the tensor ops (float rounding aside) without a kernel per step. As
 * kernels, a brain-MRI batch (128 views of 64×64×2) cost about 150 ms on WASM: the warp and the
 * blur are single-threaded scalar loops there, the broadcast multiplies are slow, and the blur was
 * computed for every view although only the views that draw it (30 %) need it. Here the warp is
 * bilinear with clamped coordinates (tf.image.transform's 'bilinear' + 'nearest'), the blur is
 * the same Gaussian as two 1-D passes, and every other step is one multiply-add per pixel.
 */

import type { Rng } from './random';

/** The per-view draws of augment.ts (see drawParams there). */
export interface ViewParamArrays {
  affine: Float32Array;
  affineUsed: boolean;
  bright: Float32Array;
  contrast: Float32Array;
  blurW: Float32Array;
  cutout: Float32Array;
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
  noise: { sd: Float32Array; rng: Rng } | null;
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
  p: ViewParamArrays,
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
