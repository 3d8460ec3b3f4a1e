/** Seeded data and layout measures for the projection tests (nothing from src). */
import { gaussian, rng } from '../ml/metrics/random';

export { gaussian, rng };

/**
 * `clusters` Gaussian clusters in `dim` dimensions: centres standard normal × separation, unit
 * noise, rows L2-normalised (like the playground's embeddings). Labels are i mod clusters.
 */
export function clusteredData(
  n: number,
  dim: number,
  clusters: number,
  seed: number,
  separation = 6,
): { data: Float32Array; labels: Int32Array } {
  const g = gaussian(rng(seed));
  const centres = Array.from({ length: clusters }, () =>
    Float64Array.from({ length: dim }, () => separation * g()),
  );
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    let norm = 0;
    const row = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      row[j] = centres[c]![j]! + g();
      norm += row[j]! ** 2;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) data[i * dim + j] = row[j]! / norm;
  }
  return { data, labels };
}

/** Adds Gaussian noise of standard deviation `sigma` to every value (a copy). */
export function jitter(data: Float32Array, sigma: number, seed: number): Float32Array {
  const g = gaussian(rng(seed));
  return data.map((v) => v + sigma * g());
}

/** Leave-one-out k-nearest-neighbour label accuracy in the layout (n × components). */
export function knnAccuracy(
  coords: Float32Array,
  labels: Int32Array,
  components: number,
  k = 5,
): number {
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const d: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < components; c++) {
        s += (coords[i * components + c]! - coords[j * components + c]!) ** 2;
      }
      d.push([s, j]);
    }
    d.sort((a, b) => a[0] - b[0]);
    const votes = new Map<number, number>();
    for (const [, j] of d.slice(0, k)) votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    let best = -1;
    let bestVotes = -1;
    for (const [label, v] of votes) {
      if (v > bestVotes) {
        best = label;
        bestVotes = v;
      }
    }
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

/** Root-mean-square distance of the points from their centroid. */
export function layoutScale(coords: Float32Array, components: number): number {
  const n = coords.length / components;
  const mean = new Float64Array(components);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < components; c++) mean[c] = mean[c]! + coords[i * components + c]! / n;
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < components; c++) s += (coords[i * components + c]! - mean[c]!) ** 2;
  }
  return Math.sqrt(s / n);
}

/** Mean Euclidean displacement of each point between two layouts. */
export function meanDisplacement(a: Float32Array, b: Float32Array, components: number): number {
  const n = a.length / components;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let c = 0; c < components; c++)
      d += (a[i * components + c]! - b[i * components + c]!) ** 2;
    s += Math.sqrt(d);
  }
  return s / n;
}
