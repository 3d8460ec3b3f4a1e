/**
 * Shape and value checks shared by the evaluation metrics. Every metric takes row-major [n, dim]
 * Float32Array embeddings and integer labels; these helpers turn a bad input into a clear error.
 */

/** Anything indexable that holds numbers: Int32Array, Uint8Array, Float32Array, number[]. */
export type NumericArray = ArrayLike<number>;

/** Number of rows of a row-major [n, dim] matrix; throws unless dim ≥ 1, n ≥ 1 and every value is finite. */
export function rowsOf(x: Float32Array, dim: number, fn: string, name: string): number {
  if (!Number.isInteger(dim) || dim < 1)
    throw new Error(`${fn}: dim must be a positive integer, got ${dim}.`);
  if (!(x instanceof Float32Array))
    throw new Error(`${fn}: ${name} must be a Float32Array (row-major [n, ${dim}]).`);
  if (x.length === 0 || x.length % dim !== 0)
    throw new Error(
      `${fn}: ${name} has ${x.length} values, which is not [n, ${dim}] with n ≥ 1 (row-major).`,
    );
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]!))
      throw new Error(
        `${fn}: ${name} holds a non-finite value (${x[i]}) at row ${Math.floor(i / dim)}, column ${i % dim}.`,
      );
  return x.length / dim;
}

/** Integer labels as an Int32Array of length n; throws on a length mismatch or a non-integer. */
export function labelsOf(labels: NumericArray, n: number, fn: string, name: string): Int32Array {
  if (labels == null || typeof labels.length !== 'number')
    throw new Error(`${fn}: ${name} must be an array of integer labels.`);
  if (labels.length !== n)
    throw new Error(`${fn}: ${name} has ${labels.length} entries but there are ${n} rows.`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)
      throw new Error(`${fn}: ${name}[${i}] is ${v}, not an integer label.`);
    out[i] = v;
  }
  return out;
}

/** Finite real targets as a Float64Array of length n·width. */
export function targetsOf(
  targets: NumericArray,
  n: number,
  width: number,
  fn: string,
  name: string,
): Float64Array {
  if (!Number.isInteger(width) || width < 1)
    throw new Error(`${fn}: targetDim must be a positive integer, got ${width}.`);
  if (targets == null || typeof targets.length !== 'number')
    throw new Error(`${fn}: ${name} must be an array of numbers.`);
  if (targets.length !== n * width)
    throw new Error(
      `${fn}: ${name} has ${targets.length} values but [${n}, ${width}] (rows × targetDim) were expected.`,
    );
  const out = new Float64Array(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const v = targets[i]!;
    if (!Number.isFinite(v)) throw new Error(`${fn}: ${name}[${i}] is ${v}, not a finite number.`);
    out[i] = v;
  }
  return out;
}

/** Fraction of positions where predictions equal labels (both already validated, same length ≥ 1). */
export function accuracyOf(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * Per-feature mean and standard deviation of the rows of x (population std, float64). A constant
 * feature gets std 1 so that standardising maps it to 0 instead of dividing by zero.
 */
export function featureStats(
  x: Float32Array,
  n: number,
  dim: number,
): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k]! += x[i * dim + k]!;
  for (let k = 0; k < dim; k++) mean[k]! /= n;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dim; k++) std[k]! += (x[i * dim + k]! - mean[k]!) ** 2;
  for (let k = 0; k < dim; k++) {
    const s = Math.sqrt(std[k]! / n);
    // Relative threshold: a feature that is constant up to float32 rounding counts as constant.
    std[k] = s > 1e-12 * Math.max(1, Math.abs(mean[k]!)) ? s : 1;
  }
  return { mean, std };
}

/** (x − mean) / std row by row, into a new Float64Array. */
export function standardize(
  x: Float32Array,
  n: number,
  dim: number,
  stats: { mean: Float64Array; std: Float64Array },
): Float64Array {
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dim; k++)
      out[i * dim + k] = (x[i * dim + k]! - stats.mean[k]!) / stats.std[k]!;
  return out;
}
