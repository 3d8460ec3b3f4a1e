import { SeededRandom } from '../../ml/random';

/** Seeded, label-stratified train / held-out assignment: true = held out. */
export function stratifiedHoldout(
  labels: ArrayLike<number>,
  testFraction: number,
  seed: number,
): boolean[] {
  const n = labels.length;
  const out = new Array<boolean>(n).fill(false);
  if (n < 2 || testFraction <= 0) return out;
  const rng = SeededRandom.stream(seed, 'user:holdout');
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i] as number;
    const list = byClass.get(l) ?? [];
    list.push(i);
    byClass.set(l, list);
  }
  let held = 0;
  for (const list of byClass.values()) {
    rng.shuffle(list);
    const k = Math.floor(list.length * testFraction + rng.next());
    for (let t = 0; t < Math.min(k, list.length); t++) out[list[t] as number] = true;
    held += Math.min(k, list.length);
  }
  // Keep at least one sample on each side.
  if (held === n) out[0] = false;
  if (held === 0) out[n - 1] = true;
  return out;
}
