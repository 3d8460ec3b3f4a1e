import { describe, expect, it } from 'vitest';
import { buildWeightHeatmapFigure, weightStats } from '../../../src/plots/model/weightHeatmap';

/** Views positives for N = 2 samples, V = 2 views (view-major): a ↔ (a + 2) mod 4. */
const views = new Float64Array([0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0]);

describe('weight heatmap', () => {
  it('summarises the matrix', () => {
    const s = weightStats(views, 4);
    expect(s.diagonalZero).toBe(true);
    expect(s.positivesPerAnchor).toBe(1);
    expect(s.positiveFraction).toBeCloseTo(4 / 12, 12);
    expect(s.max).toBe(1);
    expect(s.min).toBe(0);
  });

  it('draws rows as anchors top-down with the view blocks marked', () => {
    const fig = buildWeightHeatmapFigure({ matrix: views, size: 4, title: 'views', views: 2 });
    const trace = fig.data[0] as { type: string; z: number[][]; text: string[][]; zmin: number };
    expect(trace.type).toBe('heatmap');
    expect(trace.z[0]).toEqual([0, 0, 1, 0]);
    expect(trace.zmin).toBe(0);
    expect(trace.text[0]![0]).toContain('itself');
    expect(trace.text[0]![2]).toContain('view 1 of sample 0');
    expect(fig.layout.yaxis?.autorange).toBe('reversed');
    expect(fig.layout.shapes).toHaveLength(2);
    expect(fig.layout.shapes![0]!.x0).toBe(1.5);
    expect(fig.summary).toMatch(/1 positives per anchor/);
    expect(fig.summary).toMatch(/diagonal is 0/);
  });

  it('uses a diverging scale centred on 0 for signed weights', () => {
    const m = new Float32Array([0, -2, 1, 0]);
    const trace = buildWeightHeatmapFigure({ matrix: m, size: 2, title: 'signed' }).data[0] as {
      zmin: number;
      zmax: number;
    };
    expect(trace.zmin).toBe(-2);
    expect(trace.zmax).toBe(2);
  });
});
