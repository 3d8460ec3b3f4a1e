import { describe, expect, it } from 'vitest';
import {
  EMPTY_RANGES,
  buildEmbeddingFigure,
  categoryCount,
  coordinateExtent,
  groupByCategory,
  sphereWireframe,
  stableRange,
} from '../../../src/plots/model/embedding';
import { CONTINUOUS_SCALE, OKABE_ITO, MISSING_COLOR } from '../../../src/plots/palette';

type Trace = {
  type: string;
  name: string;
  x: ArrayLike<number | null>;
  y: ArrayLike<number | null>;
  z?: ArrayLike<number | null>;
  customdata?: number[];
  text?: string[];
  marker: { color: unknown; symbol?: unknown; colorscale?: unknown };
  legendgroup?: string;
};

describe('stable ranges', () => {
  it('keeps the previous range while the points stay inside and fill it', () => {
    const r0 = stableRange(null, [0, 1])!;
    expect(r0[0]).toBeLessThan(0);
    expect(r0[1]).toBeGreaterThan(1);
    expect(stableRange(r0, [0.1, 0.9])).toBe(r0);
  });

  it('grows (never shrinks while growing) when points leave, resets when they shrink far inside', () => {
    const r0: [number, number] = [-1, 1];
    const grown = stableRange(r0, [-0.5, 2])!;
    expect(grown[0]).toBe(-1);
    expect(grown[1]).toBeGreaterThan(2);
    const reset = stableRange([-10, 10], [0, 1])!;
    expect(reset[1] - reset[0]).toBeLessThan(2);
    expect(stableRange(r0, null)).toBe(r0);
    const flat = stableRange(null, [3, 3])!;
    expect(flat[0]).toBeLessThan(3);
    expect(flat[1]).toBeGreaterThan(3);
  });

  it('measures extents over finite coordinates only', () => {
    const coords = new Float32Array([0, 5, NaN, 1, 2, -3]);
    expect(coordinateExtent(coords, 2, 0)).toEqual([0, 2]);
    expect(coordinateExtent(coords, 2, 1)).toEqual([-3, 5]);
    expect(coordinateExtent(new Float32Array([NaN, NaN]), 2, 0)).toBeNull();
  });
});

describe('sphere wireframe and categories', () => {
  it('puts every wireframe point on the unit sphere, with breaks between circles', () => {
    const w = sphereWireframe(3, 4, 16);
    let points = 0;
    let breaks = 0;
    for (let i = 0; i < w.x.length; i++) {
      if (w.x[i] === null) {
        breaks++;
        continue;
      }
      points++;
      expect(Math.hypot(w.x[i]!, w.y[i]!, w.z[i]!)).toBeCloseTo(1, 12);
    }
    expect(breaks).toBe(3 + 4);
    expect(points).toBe(3 * 17 + 4 * 9);
  });

  it('counts and groups categories, collecting missing values last', () => {
    const v = new Int32Array([2, 0, -1, 2, 7]);
    expect(categoryCount(v)).toBe(8);
    expect(categoryCount(v, ['a', 'b', 'c'])).toBe(3);
    const g = groupByCategory(v, 5, 3);
    expect([...g.keys()]).toEqual([0, 2, -1]);
    expect(g.get(2)).toEqual([0, 3]);
    expect(g.get(-1)).toEqual([2, 4]);
  });
});

describe('embedding figure', () => {
  const coords2 = new Float32Array([0.6, 0.8, -1, 0, 0, -1, 0.8, 0.6]);

  it('draws one scattergl trace per category with Okabe–Ito colours and index customdata', () => {
    const fig = buildEmbeddingFigure(
      {
        coords: coords2,
        components: 2,
        colorValues: new Int32Array([1, 0, 1, 0]),
        colorKind: 'categorical',
        categoryNames: ['cat', 'dog'],
        hoverText: ['p0', 'p1', 'p2', 'p3'],
        colorTitle: 'class',
      },
      EMPTY_RANGES,
    );
    const traces = fig.data as Trace[];
    expect(traces.map((t) => t.type)).toEqual(['scattergl', 'scattergl']);
    expect(traces.map((t) => t.name)).toEqual(['cat', 'dog']);
    expect(traces[0]!.marker.color).toBe(OKABE_ITO[0]);
    expect(traces[1]!.marker.color).toBe(OKABE_ITO[1]);
    expect(traces[1]!.customdata).toEqual([0, 2]);
    expect(Array.from(traces[1]!.x)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0, 6)]);
    expect(traces[1]!.text).toEqual(['p0', 'p2']);
    expect(fig.layout.yaxis?.scaleanchor).toBe('x');
    expect(fig.summary).toContain('cat: 2');
  });

  it('draws the unit circle and fixes the ranges for a native 2-D embedding', () => {
    const fig = buildEmbeddingFigure(
      { coords: coords2, components: 2, colorValues: null, colorKind: 'categorical', sphere: true },
      EMPTY_RANGES,
    );
    expect(fig.layout.shapes).toHaveLength(1);
    expect(fig.layout.shapes![0]).toMatchObject({ type: 'circle', x0: -1, x1: 1, y0: -1, y1: 1 });
    expect(fig.layout.xaxis?.range).toEqual([-1.15, 1.15]);
    expect(fig.ranges.x).toEqual([-1.15, 1.15]);
  });

  it('uses scatter3d with a sphere wireframe, a continuous Cividis scale and shapes', () => {
    const coords3 = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const fig = buildEmbeddingFigure(
      {
        coords: coords3,
        components: 3,
        colorValues: new Float32Array([20, NaN, 60]),
        colorKind: 'continuous',
        colorTitle: 'age',
        symbolValues: new Int32Array([0, 1, 1]),
        symbolNames: ['site A', 'site B'],
        symbolTitle: 'site',
        sphere: true,
      },
      EMPTY_RANGES,
    );
    const traces = fig.data as Trace[];
    expect(traces.every((t) => t.type === 'scatter3d')).toBe(true);
    expect(traces[0]!.name).toBe('unit sphere');
    const values = traces[1]!;
    expect(values.marker.colorscale).toBe(CONTINUOUS_SCALE);
    expect(values.marker.color).toEqual([20, 60]);
    expect(values.marker.symbol).toEqual(['circle', 'square']);
    expect(values.customdata).toEqual([0, 2]);
    const missing = traces[2]!;
    expect(missing.marker.color).toBe(MISSING_COLOR);
    expect(missing.customdata).toEqual([1]);
    const legend = traces.filter((t) => t.legendgroup === 'shape');
    expect(legend.map((t) => t.name)).toEqual(['site A', 'site B']);
    expect(fig.layout.scene?.aspectmode).toBe('cube');
    expect(fig.summary).toContain('from 20 to 60');
  });

  it('keeps ranges between frames while points move a little', () => {
    const input = { components: 2 as const, colorValues: null, colorKind: 'categorical' as const };
    const f1 = buildEmbeddingFigure(
      { ...input, coords: new Float32Array([0, 0, 10, 10]) },
      EMPTY_RANGES,
    );
    const f2 = buildEmbeddingFigure(
      { ...input, coords: new Float32Array([0.5, 0.2, 9.6, 9.9]) },
      f1.ranges,
    );
    expect(f2.ranges.x).toBe(f1.ranges.x);
    expect(f2.layout.xaxis?.range).toEqual(f1.layout.xaxis?.range);
  });
});
