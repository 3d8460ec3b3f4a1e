/**
 * The embedding's first picture before Plotly has loaded: the 2-D points in the figure's own
 * ranges (equal scales on both axes, as the Plotly figure), coloured as the figure colours them,
 * grouped by colour for a plain canvas. Pure, so it is tested in Node.
 */
import { MISSING_COLOR, categoricalPalette } from '../palette';
import { categoryCount, type EmbeddingInput, type Range } from './embedding';

export interface PreviewGroup {
  color: string;
  /** Pixel coordinates of the group's points (y down). */
  xs: Float32Array;
  ys: Float32Array;
}

/** Plotly's Cividis scale (the figure's continuous colours), as RGB stops. */
const CIVIDIS: readonly [number, number, number][] = [
  [0, 32, 76],
  [0, 42, 102],
  [0, 52, 110],
  [39, 63, 108],
  [60, 74, 107],
  [76, 85, 107],
  [91, 95, 109],
  [104, 106, 112],
  [117, 117, 117],
  [131, 129, 120],
  [146, 140, 120],
  [161, 152, 118],
  [176, 165, 114],
  [192, 177, 109],
  [209, 191, 102],
  [225, 204, 92],
  [243, 219, 79],
  [255, 233, 69],
];

/** Cividis at t ∈ [0, 1], quantised to `levels` colours (few canvas fill changes). */
export function cividis(t: number, levels = 32): string {
  const q = Math.round(Math.min(1, Math.max(0, t)) * (levels - 1)) / (levels - 1);
  const x = q * (CIVIDIS.length - 1);
  const i = Math.min(CIVIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = CIVIDIS[i]!;
  const b = CIVIDIS[i + 1]!;
  const c = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * f);
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

/**
 * Points of a 2-D embedding mapped into a `width` × `height` box (inside `pad` pixels) with one
 * scale for both axes, centred, over `ranges` (the figure's; the data's extent when absent).
 */
export function previewGroups(
  input: Pick<
    EmbeddingInput,
    'coords' | 'components' | 'colorValues' | 'colorKind' | 'categoryNames'
  >,
  ranges: { x: Range | null; y: Range | null },
  width: number,
  height: number,
  pad = 8,
): PreviewGroup[] {
  const { coords, components } = input;
  const n = Math.floor(coords.length / components);
  const extent = (axis: number): Range => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = coords[i * components + axis]!;
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return lo <= hi ? [lo, hi] : [-1, 1];
  };
  const rx = ranges.x ?? extent(0);
  const ry = ranges.y ?? extent(1);
  const spanX = rx[1] - rx[0] || 1;
  const spanY = ry[1] - ry[0] || 1;
  const w = Math.max(1, width - 2 * pad);
  const h = Math.max(1, height - 2 * pad);
  const scale = Math.min(w / spanX, h / spanY);
  const ox = pad + (w - spanX * scale) / 2;
  const oy = pad + (h - spanY * scale) / 2;

  const colorOf = colouring(input, n);
  const byColor = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const x = coords[i * components]!;
    const y = coords[i * components + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const c = colorOf(i);
    let list = byColor.get(c);
    if (!list) byColor.set(c, (list = []));
    list.push(i);
  }
  const groups: PreviewGroup[] = [];
  for (const [color, idx] of byColor) {
    const xs = new Float32Array(idx.length);
    const ys = new Float32Array(idx.length);
    idx.forEach((i, j) => {
      xs[j] = ox + (coords[i * components]! - rx[0]) * scale;
      ys[j] = oy + (ry[1] - coords[i * components + 1]!) * scale;
    });
    groups.push({ color, xs, ys });
  }
  return groups;
}

function colouring(
  input: Pick<EmbeddingInput, 'colorValues' | 'colorKind' | 'categoryNames'>,
  n: number,
): (i: number) => string {
  const values = input.colorValues;
  if (!values) return () => '#0072B2';
  if (input.colorKind === 'categorical') {
    const k = categoryCount(values, input.categoryNames);
    const palette = categoricalPalette(k);
    return (i) => {
      const v = values[i]!;
      return Number.isInteger(v) && v >= 0 && v < k ? palette[v]! : MISSING_COLOR;
    };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const span = hi > lo ? hi - lo : 1;
  return (i) => {
    const v = values[i]!;
    return Number.isFinite(v) ? cividis((v - lo) / span) : MISSING_COLOR;
  };
}
