import { describe, expect, it } from 'vitest';
import {
  WEBGL_THRESHOLD,
  buildLossCurveFigure,
  canUseLogY,
  emaSmooth,
} from '../../../src/plots/model/lossCurve';

describe('loss curve', () => {
  it('smooths with a debiased EMA that starts at the first value', () => {
    expect(emaSmooth([2, 2, 2], 0.9)).toEqual([2, 2, 2].map(() => expect.closeTo(2, 12)));
    const s = emaSmooth([0, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo((0.5 * 0.5 * 0 + 0.5 * 10) / (1 - 0.25), 12);
    expect(emaSmooth([1, NaN, 3], 0)).toEqual([1, NaN, 3]);
  });

  it('allows a log axis only when every loss is positive', () => {
    const pos = [{ id: 'a', label: 'a', points: [{ step: 1, loss: 2 }] }];
    const neg = [{ id: 'b', label: 'b', points: [{ step: 1, loss: -0.5 }] }];
    expect(canUseLogY(pos)).toBe(true);
    expect(canUseLogY([...pos, ...neg])).toBe(false);
    expect(canUseLogY([])).toBe(false);
    const fig = buildLossCurveFigure([...pos, ...neg], { logY: true });
    expect(fig.layout.yaxis?.type).toBe('linear');
    expect(buildLossCurveFigure(pos, { logY: true }).layout.yaxis?.type).toBe('log');
  });

  it('overlays every run (raw + smoothed), skips non-finite points, uses WebGL when long', () => {
    const series = [
      { id: 'a', label: 'A', points: [1, 2, 3, 4].map((s) => ({ step: s, loss: 5 - s })) },
      {
        id: 'b',
        label: 'B',
        points: [
          { step: 1, loss: NaN },
          { step: 2, loss: 1 },
        ],
      },
    ];
    const fig = buildLossCurveFigure(series);
    const traces = fig.data as {
      type: string;
      x: number[];
      legendgroup: string;
      showlegend?: boolean;
    }[];
    expect(traces.map((t) => t.legendgroup)).toEqual(['a', 'a', 'b']);
    expect(traces[2]!.x).toEqual([2]);
    expect(traces[0]!.type).toBe('scatter');
    expect(fig.summary).toContain('A: loss 1 at step 4');
    const long = [
      {
        id: 'c',
        label: 'C',
        points: Array.from({ length: WEBGL_THRESHOLD + 1 }, (_, i) => ({ step: i, loss: 1 })),
      },
    ];
    expect((buildLossCurveFigure(long).data[0] as { type: string }).type).toBe('scattergl');
    expect(buildLossCurveFigure([]).summary).toContain('no training steps');
  });
});
