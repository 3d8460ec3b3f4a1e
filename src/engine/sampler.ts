/**
 * Batch samplers: plain shuffled epochs; class-balanced (every class in the batch has several
 * members, so supervised losses always see positives); stratified by the SepCLR target flag
 * (at least two background and two target samples: empty sets make SepCLR terms NaN).
 */
import { SeededRandom } from '../ml/random';

export interface Sampler {
  next(batchSize: number): Int32Array;
}

function shuffled(indices: number[], rng: SeededRandom): number[] {
  const out = indices.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Draws from a pool without replacement, reshuffling when the pool runs out. */
class Pool {
  private order: number[] = [];
  private cursor = 0;

  constructor(
    private readonly members: number[],
    private readonly rng: SeededRandom,
  ) {
    if (!members.length) throw new Error('a sampler pool is empty');
  }

  take(): number {
    if (this.cursor >= this.order.length) {
      this.order = shuffled(this.members, this.rng);
      this.cursor = 0;
    }
    return this.order[this.cursor++]!;
  }
}

export function randomSampler(n: number, seed: number): Sampler {
  const pool = new Pool(
    Array.from({ length: n }, (_, i) => i),
    new SeededRandom(seed),
  );
  return { next: (size) => Int32Array.from({ length: Math.min(size, n) }, () => pool.take()) };
}

/** Groups → a pool each; a batch takes equal shares of `perBatch` groups, cycling through groups. */
function groupedSampler(
  groups: number[][],
  seed: number,
  groupsPerBatch: (size: number) => number,
): Sampler {
  const rng = new SeededRandom(seed);
  const pools = groups.map((g) => new Pool(g, rng));
  const groupPool = new Pool(
    groups.map((_, i) => i),
    rng,
  );
  return {
    next(size) {
      const k = Math.min(groupsPerBatch(size), groups.length);
      const chosen = Array.from({ length: k }, () => groupPool.take());
      const out = new Int32Array(size);
      for (let i = 0; i < size; i++) out[i] = pools[chosen[i % k]!]!.take();
      return out;
    },
  };
}

/** Every batch holds ⌊size/m⌋ classes with m ≥ 2 members each (as many classes as fit). */
export function classBalancedSampler(labels: Int32Array, seed: number, minPerClass = 2): Sampler {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  });
  const groups = [...byClass.values()];
  return groupedSampler(groups, seed, (size) => Math.max(1, Math.floor(size / minPerClass)));
}

/** Half targets, half backgrounds. */
export function stratifiedSampler(isTarget: Uint8Array, seed: number): Sampler {
  const targets: number[] = [];
  const background: number[] = [];
  isTarget.forEach((flag, i) => (flag ? targets : background).push(i));
  if (targets.length < 2 || background.length < 2) {
    throw new Error('SepCLR needs at least two target and two background samples in the data set.');
  }
  return groupedSampler([background, targets], seed, () => 2);
}
