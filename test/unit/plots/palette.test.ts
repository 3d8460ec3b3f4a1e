import { describe, expect, it } from 'vitest';
import {
  MISSING_COLOR,
  OKABE_ITO,
  RUN_COLORS,
  SYMBOLS_2D,
  SYMBOLS_3D,
  TOL_DISCRETE_RAINBOW,
  categoricalPalette,
  categoryColor,
  runStyle,
  symbolFor,
} from '../../../src/plots/palette';

describe('categorical palette', () => {
  it('uses Okabe–Ito for up to 8 categories', () => {
    for (let k = 1; k <= 8; k++) expect(categoricalPalette(k)).toEqual(OKABE_ITO.slice(0, k));
    expect(categoricalPalette(3)).toEqual(['#0072B2', '#E69F00', '#009E73']);
  });

  it("switches to Tol's discrete rainbow from 9 categories, all distinct up to 23", () => {
    for (let k = 9; k <= 23; k++) {
      const p = categoricalPalette(k);
      expect(p).toHaveLength(k);
      expect(new Set(p).size).toBe(k);
      for (const c of p) expect(TOL_DISCRETE_RAINBOW).toContain(c);
    }
    // Tol's picks for 10 colours (1-based 9, 10, 14, 15, 17, 18, 21, 24, 26, 28).
    expect(categoricalPalette(10)).toEqual([
      '#882E72',
      '#1965B0',
      '#7BAFDE',
      '#4EB265',
      '#CAE0AB',
      '#F7F056',
      '#F4A736',
      '#E8601C',
      '#DC050C',
      '#72190E',
    ]);
  });

  it('cycles beyond 23 and handles degenerate counts', () => {
    const p = categoricalPalette(30);
    expect(p).toHaveLength(30);
    expect(p[23]).toBe(p[0]);
    expect(categoricalPalette(0)).toEqual([]);
    expect(categoricalPalette(-2)).toEqual([]);
    expect(categoricalPalette(NaN)).toEqual([]);
  });

  it('greys out missing categories', () => {
    expect(categoryColor(0, 3)).toBe(OKABE_ITO[0]);
    expect(categoryColor(2, 3)).toBe(OKABE_ITO[2]);
    expect(categoryColor(-1, 3)).toBe(MISSING_COLOR);
    expect(categoryColor(3, 3)).toBe(MISSING_COLOR);
    expect(categoryColor(1.5, 3)).toBe(MISSING_COLOR);
  });
});

describe('symbols and run styles', () => {
  it('picks symbols each trace type supports, cycling', () => {
    expect(symbolFor(0, 2)).toBe('circle');
    expect(symbolFor(1, 2)).toBe('square');
    expect(symbolFor(SYMBOLS_2D.length, 2)).toBe('circle');
    for (let v = 0; v < 20; v++) expect(SYMBOLS_3D).toContain(symbolFor(v, 3));
    expect(symbolFor(-1, 3)).toBe('circle');
  });

  it('gives runs distinct colours, then dashes', () => {
    const styles = Array.from({ length: RUN_COLORS.length }, (_, i) => runStyle(i));
    expect(new Set(styles.map((s) => s.color)).size).toBe(RUN_COLORS.length);
    expect(styles.every((s) => s.dash === 'solid')).toBe(true);
    expect(runStyle(RUN_COLORS.length)).toEqual({ color: RUN_COLORS[0], dash: 'dash' });
    expect(RUN_COLORS).not.toContain('#F0E442'); // no yellow lines
    expect(runStyle(3, '#123456').color).toBe('#123456');
  });
});
