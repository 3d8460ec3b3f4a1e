/**
 * The embedding scatter: 2-D (scattergl) or 3-D (scatter3d), coloured by a category (one trace
 * per category, so the legend names them) or a continuous value (one trace and a colour bar),
 * with optional symbols for a second category, and a unit circle / sphere wireframe for native
 * 2-D / 3-D embeddings. Axis ranges only change when points leave them or shrink far inside, so
 * successive frames read as motion.
 */
import type { Data, Layout, Shape } from 'plotly.js-dist-min';
import { CONTINUOUS_SCALE, MISSING_COLOR, categoricalPalette, symbolFor } from '../palette';
import { axisStyle, baseLayout, escapeHover, fmt, plotTheme, type Figure } from '../theme';

export type Range = [number, number];

export interface EmbeddingInput {
  /** n × components, row-major. */
  coords: Float32Array;
  components: 2 | 3;
  colorValues: Float32Array | Int32Array | null;
  colorKind: 'categorical' | 'continuous';
  categoryNames?: readonly string[];
  /** A second category shown by marker shape. */
  symbolValues?: Int32Array | null;
  symbolNames?: readonly string[];
  hoverText?: readonly string[];
  /** Native 2-D / 3-D embedding: draw the unit circle / sphere and fix the ranges to it. */
  sphere?: boolean;
  colorTitle?: string;
  symbolTitle?: string;
  title?: string;
  talk?: boolean;
  /** A point to ring (the hovered or selected one). */
  highlight?: number | null;
}

export interface EmbeddingRanges {
  x: Range | null;
  y: Range | null;
  z: Range | null;
}

export const EMPTY_RANGES: EmbeddingRanges = { x: null, y: null, z: null };

/** Min and max of one coordinate over finite values; null when there is none. */
export function coordinateExtent(
  coords: Float32Array,
  components: number,
  axis: number,
): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = axis; i < coords.length; i += components) {
    const v = coords[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The axis range for this frame given the previous one: keep `prev` while the data stay inside
 * it and fill at least `shrinkBelow` of it; otherwise grow to cover the data (never shrink
 * while growing), or reset to the padded data range when the data shrank far inside.
 */
export function stableRange(
  prev: Range | null,
  extent: Range | null,
  { pad = 0.08, shrinkBelow = 0.4 } = {},
): Range | null {
  if (!extent) return prev;
  const [lo, hi] = extent;
  const span = hi - lo || Math.max(Math.abs(lo), 1) * 0.1;
  const padded: Range = [lo - pad * span, hi + pad * span];
  if (!prev) return padded;
  const inside = lo >= prev[0] && hi <= prev[1];
  const prevSpan = prev[1] - prev[0];
  if (inside && span >= shrinkBelow * prevSpan) return prev;
  if (inside) return padded;
  return [Math.min(prev[0], padded[0]), Math.max(prev[1], padded[1])];
}

/** The next frame's ranges; fixed ranges around the unit sphere in `sphere` mode. */
export function nextRanges(
  prev: EmbeddingRanges,
  coords: Float32Array,
  components: 2 | 3,
  sphere: boolean,
): EmbeddingRanges {
  if (sphere) {
    const r: Range = components === 2 ? [-1.15, 1.15] : [-1.1, 1.1];
    return { x: r, y: r, z: components === 3 ? r : null };
  }
  return {
    x: stableRange(prev.x, coordinateExtent(coords, components, 0)),
    y: stableRange(prev.y, coordinateExtent(coords, components, 1)),
    z: components === 3 ? stableRange(prev.z, coordinateExtent(coords, components, 2)) : null,
  };
}

/**
 * A unit-sphere wireframe as one polyline with null breaks: `latitudes` parallels (excluding
 * the poles) and `meridians` half-great-circles, `segments` points per circle.
 */
export function sphereWireframe(latitudes = 5, meridians = 8, segments = 48) {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  const z: (number | null)[] = [];
  const brk = () => {
    x.push(null);
    y.push(null);
    z.push(null);
  };
  for (let l = 1; l <= latitudes; l++) {
    const theta = -Math.PI / 2 + (Math.PI * l) / (latitudes + 1);
    const r = Math.cos(theta);
    const h = Math.sin(theta);
    for (let s = 0; s <= segments; s++) {
      const phi = (2 * Math.PI * s) / segments;
      x.push(r * Math.cos(phi));
      y.push(r * Math.sin(phi));
      z.push(h);
    }
    brk();
  }
  for (let m = 0; m < meridians; m++) {
    const phi = (2 * Math.PI * m) / meridians;
    for (let s = 0; s <= segments / 2; s++) {
      const theta = -Math.PI / 2 + (Math.PI * s) / (segments / 2);
      x.push(Math.cos(theta) * Math.cos(phi));
      y.push(Math.cos(theta) * Math.sin(phi));
      z.push(Math.sin(theta));
    }
    brk();
  }
  return { x, y, z };
}

let wireframe: ReturnType<typeof sphereWireframe> | null = null;

/** The same arrays every frame, so Plotly sees the wireframe unchanged and leaves it alone. */
function defaultWireframe() {
  wireframe ??= sphereWireframe();
  return wireframe;
}

/** Number of categories: the names given, else the largest non-negative integer value + 1. */
export function categoryCount(values: ArrayLike<number>, names?: readonly string[]): number {
  if (names && names.length) return names.length;
  let max = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isInteger(v) && v > max) max = v;
  }
  return max + 1;
}

/** Indices of the points of each category; -1 collects missing / out-of-range values. */
export function groupByCategory(
  values: ArrayLike<number>,
  n: number,
  k: number,
): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const key = Number.isInteger(v) && v >= 0 && v < k ? v : -1;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  return new Map(
    [...groups.entries()].sort((a, b) => (a[0] === -1 ? 1 : b[0] === -1 ? -1 : a[0] - b[0])),
  );
}

function pick(coords: Float32Array, components: number, axis: number, idx: readonly number[]) {
  const out = new Float32Array(idx.length);
  for (let j = 0; j < idx.length; j++) out[j] = coords[idx[j]! * components + axis]!;
  return out;
}

function categoryName(value: number, names?: readonly string[]): string {
  if (value < 0) return 'missing';
  return names?.[value] ?? String(value);
}

export function describeEmbedding(input: EmbeddingInput): string {
  const n = Math.floor(input.coords.length / input.components);
  const kind = input.sphere
    ? input.components === 2
      ? 'on the unit circle (native 2-D embedding)'
      : 'on the unit sphere (native 3-D embedding)'
    : `in a ${input.components}-D projection`;
  let text = `Embedding of ${n} held-out points ${kind}`;
  if (input.colorValues && input.colorKind === 'categorical') {
    const k = categoryCount(input.colorValues, input.categoryNames);
    const groups = groupByCategory(input.colorValues, n, k);
    const counts = [...groups.entries()].map(
      ([v, idx]) => `${categoryName(v, input.categoryNames)}: ${idx.length}`,
    );
    text += `, coloured by ${input.colorTitle ?? 'category'} (${counts.join(', ')})`;
  } else if (input.colorValues) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = input.colorValues[i]!;
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    text += `, coloured by ${input.colorTitle ?? 'value'}${lo <= hi ? ` from ${fmt(lo)} to ${fmt(hi)}` : ''}`;
  }
  if (input.symbolValues) text += `, shapes by ${input.symbolTitle ?? 'a second category'}`;
  return `${text}.`;
}

export function buildEmbeddingFigure(
  input: EmbeddingInput,
  ranges: EmbeddingRanges,
): Figure & { ranges: EmbeddingRanges } {
  const talk = input.talk ?? false;
  const theme = plotTheme(talk);
  const { coords, components } = input;
  const n = Math.floor(coords.length / components);
  const three = components === 3;
  const type = three ? 'scatter3d' : 'scattergl';
  const size = three ? theme.markerSize * 0.7 : theme.markerSize;
  const sphere = input.sphere ?? false;
  const next = nextRanges(ranges, coords, components, sphere);
  const data: Data[] = [];

  if (sphere && three) {
    const w = defaultWireframe();
    data.push({
      type: 'scatter3d',
      mode: 'lines',
      uid: 'unit-sphere',
      name: 'unit sphere',
      x: w.x,
      y: w.y,
      z: w.z,
      line: { color: '#C8C8C8', width: 1 },
      hoverinfo: 'skip',
      showlegend: false,
    } as Data);
  }

  const symbolArray = (idx: readonly number[]) =>
    input.symbolValues ? idx.map((i) => symbolFor(input.symbolValues![i]!, components)) : undefined;
  const hover = (idx: readonly number[], fallback: (i: number) => string) =>
    idx.map((i) => escapeHover(input.hoverText?.[i] ?? fallback(i)));

  const pointTrace = (
    uid: string,
    idx: readonly number[],
    name: string,
    marker: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Data => {
    const t: Record<string, unknown> = {
      type,
      mode: 'markers',
      uid: `points-${uid}`,
      name: escapeHover(name),
      x: pick(coords, components, 0, idx),
      y: pick(coords, components, 1, idx),
      customdata: idx,
      text: hover(idx, (i) => `point ${i} · ${name}`),
      hovertemplate: '%{text}<extra></extra>',
      marker: {
        size,
        opacity: three ? 0.85 : 0.8,
        ...(symbolArray(idx) ? { symbol: symbolArray(idx) } : {}),
        ...marker,
      },
      ...extra,
    };
    if (three) t.z = pick(coords, components, 2, idx);
    return t as Data;
  };

  const all = Array.from({ length: n }, (_, i) => i);
  if (input.colorValues && input.colorKind === 'categorical') {
    const k = categoryCount(input.colorValues, input.categoryNames);
    const palette = categoricalPalette(k);
    for (const [value, idx] of groupByCategory(input.colorValues, n, k)) {
      const name = categoryName(value, input.categoryNames);
      data.push(
        pointTrace(
          `c${value}`,
          idx,
          name,
          { color: value < 0 ? MISSING_COLOR : palette[value] },
          {
            legendgroup: 'colour',
            ...(input.colorTitle
              ? { legendgrouptitle: { text: escapeHover(input.colorTitle) } }
              : {}),
          },
        ),
      );
    }
  } else if (input.colorValues) {
    const values = input.colorValues;
    const finite = all.filter((i) => Number.isFinite(values[i]!));
    const missing = all.filter((i) => !Number.isFinite(values[i]!));
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of finite) {
      lo = Math.min(lo, values[i]!);
      hi = Math.max(hi, values[i]!);
    }
    const colorTitle = input.colorTitle ?? 'value';
    data.push(
      pointTrace(
        'values',
        finite,
        colorTitle,
        {
          color: finite.map((i) => values[i]!),
          colorscale: CONTINUOUS_SCALE,
          cmin: lo <= hi ? lo : 0,
          cmax: lo <= hi ? (hi > lo ? hi : lo + 1) : 1,
          showscale: true,
          colorbar: { title: { text: escapeHover(colorTitle) }, thickness: talk ? 20 : 12 },
        },
        {
          text: hover(finite, (i) => `point ${i} · ${colorTitle} ${fmt(values[i]!)}`),
          showlegend: false,
        },
      ),
    );
    if (missing.length)
      data.push(pointTrace('missing', missing, 'missing', { color: MISSING_COLOR }));
  } else {
    data.push(pointTrace('all', all, 'points', { color: '#0072B2' }, { showlegend: false }));
  }

  // Legend entries for the shapes (grey markers carrying no points).
  if (input.symbolValues) {
    const present = [...new Set(Array.from(input.symbolValues.subarray(0, n)))].sort(
      (a, b) => a - b,
    );
    for (const v of present) {
      const t: Record<string, unknown> = {
        type,
        mode: 'markers',
        name: escapeHover(input.symbolNames?.[v] ?? String(v)),
        x: [null],
        y: [null],
        marker: { color: '#666666', size: size * 1.2, symbol: symbolFor(v, components) },
        hoverinfo: 'skip',
        legendgroup: 'shape',
        ...(input.symbolTitle
          ? { legendgrouptitle: { text: escapeHover(input.symbolTitle) } }
          : {}),
      };
      if (three) t.z = [null];
      data.push(t as Data);
    }
  }

  if (
    input.highlight !== null &&
    input.highlight !== undefined &&
    input.highlight >= 0 &&
    input.highlight < n
  ) {
    const i = input.highlight;
    const t: Record<string, unknown> = {
      type,
      mode: 'markers',
      name: 'selected',
      x: [coords[i * components]],
      y: [coords[i * components + 1]],
      marker: {
        size: size * 2.4,
        color: 'rgba(0,0,0,0)',
        symbol: three ? 'circle-open' : 'circle-open',
        line: { color: '#000000', width: 2 },
      },
      hoverinfo: 'skip',
      showlegend: false,
    };
    if (three) t.z = [coords[i * components + 2]];
    data.push(t as Data);
  }

  const axis = axisStyle(talk);
  const titles = sphere ? ['z₁', 'z₂', 'z₃'] : ['component 1', 'component 2', 'component 3'];
  const base = baseLayout(talk, input.title);
  const layout: Partial<Layout> = {
    ...base,
    uirevision: 'embedding',
    hovermode: 'closest',
    showlegend: Boolean(
      (input.colorValues && input.colorKind === 'categorical') || input.symbolValues,
    ),
    legend: {
      ...base.legend,
      orientation: 'v',
      x: 1.02,
      y: 1,
      yanchor: 'top',
      itemsizing: 'constant',
    },
    margin: { ...base.margin, r: 8 },
  };
  if (three) {
    const sceneAxis = (title: string, range: Range | null) => ({
      title: { text: title },
      range: range ?? undefined,
      autorange: range ? false : true,
      showspikes: false,
      backgroundcolor: '#FFFFFF',
      gridcolor: '#E0E0E0',
      zerolinecolor: '#BDBDBD',
    });
    layout.scene = {
      xaxis: sceneAxis(titles[0]!, next.x),
      yaxis: sceneAxis(titles[1]!, next.y),
      zaxis: sceneAxis(titles[2]!, next.z),
      aspectmode: 'cube',
    } as Layout['scene'];
  } else {
    layout.xaxis = {
      ...axis,
      title: { text: titles[0] },
      ...(next.x ? { range: next.x, autorange: false } : {}),
      zeroline: false,
    };
    layout.yaxis = {
      ...axis,
      title: { text: titles[1] },
      ...(next.y ? { range: next.y, autorange: false } : {}),
      scaleanchor: 'x',
      scaleratio: 1,
      zeroline: false,
    };
    const shapes: Partial<Shape>[] = [];
    if (sphere) {
      shapes.push({
        type: 'circle',
        xref: 'x',
        yref: 'y',
        x0: -1,
        y0: -1,
        x1: 1,
        y1: 1,
        line: { color: '#A0A0A0', width: 1, dash: 'dot' },
        layer: 'below',
      });
    }
    layout.shapes = shapes;
  }
  return { data, layout, ranges: next, summary: describeEmbedding(input) };
}
