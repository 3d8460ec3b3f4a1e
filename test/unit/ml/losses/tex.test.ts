import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { texNumber, texText, texValue } from '../../../../src/ml/losses/tex';

const render = (tex: string) =>
  katex.renderToString(tex, { displayMode: false, throwOnError: true, strict: 'error' });

describe('LaTeX values', () => {
  it('formats numbers', () => {
    expect(texNumber(0.07)).toBe('0.07');
    expect(texNumber(1 / 0.07)).toBe('14.29');
    expect(texNumber(1e-6)).toBe('10^{-6}');
    expect(texNumber(2.5e-5)).toBe('2.5\\times 10^{-5}');
    expect(texNumber(1000)).toBe('1000');
    expect(texNumber(-Infinity)).toBe('-\\infty');
    for (const v of [0.07, 1e-6, 2.5e-5, 123456, -3e8, NaN])
      expect(() => render(texNumber(v))).not.toThrow();
  });

  it('keeps text values from injecting LaTeX', () => {
    const t = texText('\\href{javascript:x}{a}_b$^');
    expect(t).not.toContain('\\href');
    expect(t).toBe('\\text{hrefjavascript:xa\\_b}');
    expect(() => render(t)).not.toThrow();
  });

  it('writes booleans and null as words', () => {
    expect(texValue(true)).toBe('\\text{yes}');
    expect(texValue(false)).toBe('\\text{no}');
    expect(texValue(null)).toBe('\\text{none}');
    expect(texValue('sum_of_view_means')).toBe('\\text{sum\\_of\\_view\\_means}');
  });
});
