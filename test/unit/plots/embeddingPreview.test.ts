import { describe, expect, test } from 'vitest';
import { cividis, previewGroups } from '../../../src/plots/model/embeddingPreview';
import { MISSING_COLOR, categoricalPalette } from '../../../src/plots/palette';

describe('previewGroups (the canvas preview of the embedding)', () => {
  test('maps the ranges into the box with one scale for both axes, y up, centred', () => {
    // Points at the corners of [0, 2] × [0, 1]; box 220 × 220 with 10 px padding.
    const coords = Float32Array.from([0, 0, 2, 0, 0, 1, 2, 1]);
    const [g] = previewGroups(
      { coords, components: 2, colorValues: null, colorKind: 'categorical' },
      { x: [0, 2], y: [0, 1] },
      220,
      220,
      10,
    );
    // scale = min(200 / 2, 200 / 1) = 100; x from 10 to 210; y centred: 200 − 100 = 100 spare.
    expect(Array.from(g!.xs)).toEqual([10, 210, 10, 210]);
    expect(Array.from(g!.ys)).toEqual([160, 160, 60, 60]);
  });

  test('categorical colours are the figure palette; missing ones grey; non-finite points dropped', () => {
    const coords = Float32Array.from([0, 0, 1, 1, 2, 2, NaN, 3]);
    const groups = previewGroups(
      {
        coords,
        components: 2,
        colorValues: Int32Array.from([0, 1, -1, 0]),
        colorKind: 'categorical',
      },
      { x: null, y: null },
      100,
      100,
    );
    const palette = categoricalPalette(2);
    const sizes = Object.fromEntries(groups.map((g) => [g.color, g.xs.length]));
    expect(sizes).toEqual({ [palette[0]!]: 1, [palette[1]!]: 1, [MISSING_COLOR]: 1 });
  });

  test('continuous colours run along Cividis from the lowest to the highest value', () => {
    const coords = Float32Array.from([0, 0, 1, 1]);
    const groups = previewGroups(
      {
        coords,
        components: 2,
        colorValues: Float32Array.from([20, 90]),
        colorKind: 'continuous',
      },
      { x: null, y: null },
      100,
      100,
    );
    expect(groups.map((g) => g.color)).toEqual([cividis(0), cividis(1)]);
    expect(cividis(0)).toBe('rgb(0, 32, 76)');
    expect(cividis(1)).toBe('rgb(255, 233, 69)');
  });
});
