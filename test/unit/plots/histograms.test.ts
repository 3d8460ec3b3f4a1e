import { describe, expect, it } from 'vitest';
import type { SimilarityHistogramsSnapshot } from '../../../src/contracts/metrics';
import {
  binCenters,
  binWidths,
  buildSimilarityHistogramsFigure,
  epsilonBand,
  histogramMean,
  histogramQuantile,
  normalizeCounts,
} from '../../../src/plots/model/histograms';

/** 4 bins over [−1, 1]: [−1, −0.5), [−0.5, 0), [0, 0.5), [0.5, 1]. */
const edges = new Float32Array([-1, -0.5, 0, 0.5, 1]);

function snapshot(
  positive: number[],
  negative: number[],
  byBias = false,
): SimilarityHistogramsSnapshot {
  const h: SimilarityHistogramsSnapshot = {
    edges,
    positive: new Float32Array(positive),
    negative: new Float32Array(negative),
  };
  if (byBias) {
    h.byBias = {
      positiveAligned: new Float32Array([0, 0, 1, 3]),
      positiveConflicting: new Float32Array([0, 1, 2, 1]),
      negativeAligned: new Float32Array([1, 2, 1, 0]),
      negativeConflicting: new Float32Array([2, 2, 0, 0]),
    };
  }
  return h;
}

describe('histogram geometry', () => {
  it('gives bin centres and widths', () => {
    expect(binCenters(edges)).toEqual([-0.75, -0.25, 0.25, 0.75]);
    expect(binWidths(edges)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('normalises counts to fractions (zeros when empty)', () => {
    expect(normalizeCounts([1, 3, 0, 4])).toEqual([0.125, 0.375, 0, 0.5]);
    expect(normalizeCounts([0, 0])).toEqual([0, 0]);
  });

  it('interpolates quantiles linearly inside a bin', () => {
    const counts = [0, 10, 10, 0];
    expect(histogramQuantile(edges, counts, 0.5)).toBeCloseTo(0, 12);
    expect(histogramQuantile(edges, counts, 0.25)).toBeCloseTo(-0.25, 12);
    expect(histogramQuantile(edges, counts, 0.95)).toBeCloseTo(0.45, 6);
    expect(histogramQuantile(edges, counts, 0)).toBeCloseTo(-0.5, 12);
    expect(histogramQuantile(edges, counts, 1)).toBeCloseTo(0.5, 12);
    expect(histogramQuantile(edges, [0, 0, 0, 0], 0.5)).toBeNull();
    expect(histogramMean(edges, counts)).toBeCloseTo(0, 12);
  });
});

describe('ε margin band', () => {
  it('is ε·τ wide in cosine, starting at the upper tail of the negatives', () => {
    const h = snapshot([0, 0, 0, 20], [0, 20, 0, 0]);
    const band = epsilonBand(h, 0.25, 0.1)!;
    expect(band.marginCos).toBeCloseTo(0.025, 12);
    expect(band.anchor).toBeCloseTo(-0.025, 6); // 95% of [−0.5, 0)
    expect(band.target).toBeCloseTo(0, 6);
    expect(band.x1 - band.x0).toBeCloseTo(0.025, 6);
    // Lower 5% of positives at 0.525: the pooled gap 0.55 meets the margin.
    expect(band.gap).toBeCloseTo(0.55, 6);
    expect(band.satisfied).toBe(true);
  });

  it('extends left for a negative ε, clamps to [−1, 1], and needs τ and negatives', () => {
    const h = snapshot([0, 0, 0, 20], [0, 0, 0, 20]);
    const neg = epsilonBand(h, -2, 0.1)!;
    expect(neg.x0).toBeLessThan(neg.x1);
    expect(neg.target).toBeCloseTo(neg.anchor - 0.2, 6);
    const big = epsilonBand(h, 100, 1)!;
    expect(big.target).toBe(1);
    expect(epsilonBand(h, 0.25, undefined)).toBeNull();
    expect(epsilonBand(h, undefined, 0.1)).toBeNull();
    expect(epsilonBand(h, 0.25, 0)).toBeNull();
    expect(epsilonBand(snapshot([1, 0, 0, 0], [0, 0, 0, 0]), 0.25, 0.1)).toBeNull();
    // A gap smaller than the margin is reported as not met.
    const close = snapshot([0, 0, 20, 0], [0, 20, 0, 0]);
    expect(epsilonBand(close, 10, 0.1)!.satisfied).toBe(false);
  });
});

describe('similarity histogram figure', () => {
  it('overlays positives and negatives as fractions on a fixed [−1, 1] axis', () => {
    const fig = buildSimilarityHistogramsFigure(snapshot([0, 0, 2, 6], [4, 4, 0, 0]));
    expect(fig.data).toHaveLength(2);
    const [pos, neg] = fig.data as { name: string; y: number[]; customdata: number[] }[];
    expect(pos!.name).toBe('positive pairs');
    expect(pos!.y).toEqual([0, 0, 0.25, 0.75]);
    expect(pos!.customdata).toEqual([0, 0, 2, 6]);
    expect(neg!.y).toEqual([0.5, 0.5, 0, 0]);
    expect(fig.layout.barmode).toBe('overlay');
    expect(fig.layout.xaxis?.range).toEqual([-1.02, 1.02]);
    expect(fig.layout.shapes).toEqual([]);
    expect(fig.summary).toMatch(/positive pairs: 8 pairs/);
  });

  it('adds a row split by bias group when the snapshot has it', () => {
    const fig = buildSimilarityHistogramsFigure(snapshot([0, 0, 2, 6], [4, 4, 0, 0], true));
    expect(fig.data).toHaveLength(6);
    const axes = (fig.data as { xaxis: string }[]).map((t) => t.xaxis);
    expect(axes).toEqual(['x', 'x', 'x2', 'x2', 'x3', 'x3']);
    const layout = fig.layout as Record<string, { domain?: number[] }>;
    expect(layout.yaxis2!.domain![1]).toBeLessThan(layout.yaxis!.domain![0]!);
    expect(fig.summary).toMatch(/bias-conflicting/);
  });

  it('draws the ε band and explains ε·τ in the title and hover', () => {
    const fig = buildSimilarityHistogramsFigure(snapshot([0, 0, 0, 20], [0, 20, 0, 0]), {
      epsilon: 0.25,
      temperature: 0.1,
    });
    const shapes = fig.layout.shapes!;
    expect(shapes).toHaveLength(2);
    const rect = shapes[0]!;
    expect(rect.type).toBe('rect');
    expect(Number(rect.x1) - Number(rect.x0)).toBeCloseTo(0.025, 6);
    expect(shapes[1]!.x0).toBeCloseTo(fig.band!.target, 12);
    const title = (fig.layout.title as { text: string }).text;
    expect(title).toContain('ε·τ = 0.025');
    const hover = fig.data.at(-1) as { hovertemplate: string; name: string };
    expect(hover.name).toBe('ε margin');
    expect(hover.hovertemplate).toContain('logit units');
    expect(fig.summary).toContain('ε·τ');
  });

  it('says so when ε is set but τ is unknown', () => {
    const fig = buildSimilarityHistogramsFigure(snapshot([0, 0, 0, 20], [0, 20, 0, 0]), {
      epsilon: 0.25,
    });
    expect(fig.band).toBeNull();
    expect(fig.layout.shapes).toEqual([]);
    expect(JSON.stringify(fig.layout.annotations)).toContain('not drawn');
  });
});
