/** Small statistics for the validation report: mean ± sd over seeds, paired verdicts, ranks. */

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export interface Summary {
  mean: number;
  sd: number;
  n: number;
  values: number[];
}

export function summarize(xs: readonly number[]): Summary {
  return { mean: mean(xs), sd: sd(xs), n: xs.length, values: [...xs] };
}

export type Verdict = 'agrees' | 'disagrees' | 'within noise' | 'no data';

/**
 * The paper says `better` beats `worse` (in the direction `higherIsBetter`). Seeds are paired (same
 * seed, same data, same initialisation). The verdict is decided by the sign of every paired
 * difference: all seeds on the paper's side → agrees; all on the other side → disagrees; mixed →
 * within noise. With one seed (quick mode) that is a single comparison, not evidence.
 */
export function pairedVerdict(
  better: readonly number[],
  worse: readonly number[],
  higherIsBetter: boolean,
): { verdict: Verdict; difference: Summary } {
  const n = Math.min(better.length, worse.length);
  const diffs: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = better[i]! - worse[i]!;
    diffs.push(higherIsBetter ? d : -d);
  }
  const finite = diffs.filter(Number.isFinite);
  if (!finite.length || finite.length !== diffs.length)
    return { verdict: 'no data', difference: summarize(diffs) };
  const verdict: Verdict = finite.every((d) => d > 0)
    ? 'agrees'
    : finite.every((d) => d < 0)
      ? 'disagrees'
      : 'within noise';
  return { verdict, difference: summarize(diffs) };
}

/** Ranks with ties averaged (1-based). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation (Pearson on ranks); NaN when either side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** "0.912 ± 0.004" with a precision that suits the metric. */
export function formatSummary(s: Summary, digits = 3): string {
  if (!Number.isFinite(s.mean)) return 'n/a';
  return s.n > 1 ? `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}` : s.mean.toFixed(digits);
}
