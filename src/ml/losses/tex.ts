/** Values as LaTeX for the formulas: numbers, escaped text, parameter values. No DOM, no TF.js. */

/** A number as LaTeX: ≤ 4 significant digits, `\times 10^{k}` for very small or large values. */
export function texNumber(value: number): string {
  if (Number.isNaN(value)) return '\\text{NaN}';
  if (!Number.isFinite(value)) return value > 0 ? '\\infty' : '-\\infty';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) {
    const [mantissa, exponent] = value.toExponential(2).split('e') as [string, string];
    const m = String(+mantissa);
    const e = String(+exponent);
    return m === '1' ? `10^{${e}}` : m === '-1' ? `-10^{${e}}` : `${m}\\times 10^{${e}}`;
  }
  return String(+value.toPrecision(4));
}

/** Text inside `\text{…}`: only characters KaTeX takes literally. */
export function texText(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9 .,:;()/+=-]/g, (c) => (c === '_' ? '\\_' : ''));
  return `\\text{${safe}}`;
}

export function texValue(value: unknown): string {
  if (typeof value === 'number') return texNumber(value);
  if (typeof value === 'boolean') return texText(value ? 'yes' : 'no');
  if (value === null || value === undefined) return texText('none');
  if (typeof value === 'string') return texText(value);
  return texText(String(value));
}
