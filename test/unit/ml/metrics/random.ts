/** Seeded data for the metric tests (mulberry32 + Box–Muller), nothing from src. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** [n, dim] standard normal rows. */
export function normalRows(n: number, dim: number, seed: number): Float32Array {
  const g = gaussian(rng(seed));
  return Float32Array.from({ length: n * dim }, g);
}

/** Integer labels uniform in [0, classes). */
export function randomLabels(n: number, classes: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(r() * classes));
}

/**
 * Gaussian clusters: row i has label labels[i] and sits at separation·center[label] plus unit
 * noise; the centers are standard normal, drawn from centerSeed so train and test can share them.
 */
export function clusters(
  labels: Int32Array,
  dim: number,
  separation: number,
  centerSeed: number,
  noiseSeed: number,
): Float32Array {
  const classes = Math.max(...labels) + 1;
  const centers = normalRows(classes, dim, centerSeed);
  const noise = normalRows(labels.length, dim, noiseSeed);
  const x = new Float32Array(labels.length * dim);
  for (let i = 0; i < labels.length; i++)
    for (let k = 0; k < dim; k++)
      x[i * dim + k] = separation * centers[labels[i]! * dim + k]! + noise[i * dim + k]!;
  return x;
}
