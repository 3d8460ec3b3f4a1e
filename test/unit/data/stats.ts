/** Small statistics helpers for the data tests. */

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s / a.length;
}

export function sd(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - m) ** 2;
  return Math.sqrt(s / Math.max(1, a.length - 1));
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Cohen's d of a versus b (pooled SD). */
export function cohenD(a: number[], b: number[]): number {
  const na = a.length;
  const nb = b.length;
  const pooled = Math.sqrt(((na - 1) * sd(a) ** 2 + (nb - 1) * sd(b) ** 2) / (na + nb - 2));
  return (mean(a) - mean(b)) / pooled;
}

/** Fraction of the variance of y explained by the group means (η², = R² of y on a one-hot group). */
export function etaSquared(y: ArrayLike<number>, group: ArrayLike<number>): number {
  const m = mean(y);
  const sums = new Map<number, { s: number; n: number }>();
  for (let i = 0; i < y.length; i++) {
    const g = group[i] as number;
    const e = sums.get(g) ?? { s: 0, n: 0 };
    e.s += y[i] as number;
    e.n++;
    sums.set(g, e);
  }
  let between = 0;
  for (const { s, n } of sums.values()) between += n * (s / n - m) ** 2;
  let total = 0;
  for (let i = 0; i < y.length; i++) total += ((y[i] as number) - m) ** 2;
  return between / total;
}

export function pick<T extends ArrayLike<number>>(a: T, idx: number[]): number[] {
  return idx.map((i) => a[i] as number);
}

export function indices(n: number, pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (pred(i)) out.push(i);
  return out;
}
