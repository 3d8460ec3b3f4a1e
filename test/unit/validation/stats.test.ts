import { describe, expect, test } from 'vitest';
import { mean, pairedVerdict, ranks, sd, spearman } from '../../../src/validation/stats';
import { splitTasks, suiteTasks } from '../../../src/validation/suite';
import { runConfig } from '../../../src/validation/runner';
import { runById, RUNS } from '../../../src/validation/runs';
import { CLAIMS } from '../../../src/validation/claims';
import { BUDGETS } from '../../../src/validation/budgets';

/** Spearman from the textbook formula 1 − 6Σd²/(n(n²−1)), valid without ties. */
function naiveSpearman(xs: number[], ys: number[]): number {
  const rank = (v: number[]) => v.map((x) => v.filter((y) => y < x).length + 1);
  const rx = rank(xs);
  const ry = rank(ys);
  const n = xs.length;
  const d2 = rx.reduce((a, r, i) => a + (r - ry[i]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('validation statistics', () => {
  test('mean and sample standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(sd([7])).toBe(0);
  });

  test("paired verdicts follow the sign of every seed, in the paper's direction", () => {
    expect(pairedVerdict([0.9, 0.8, 0.7], [0.8, 0.7, 0.6], true).verdict).toBe('agrees');
    expect(pairedVerdict([0.9, 0.8, 0.7], [0.8, 0.7, 0.6], false).verdict).toBe('disagrees');
    expect(pairedVerdict([0.9, 0.6, 0.7], [0.8, 0.7, 0.6], true).verdict).toBe('within noise');
    expect(pairedVerdict([0.9, NaN], [0.8, 0.7], true).verdict).toBe('no data');
    const { difference } = pairedVerdict([3, 5], [1, 1], false);
    expect(difference.values).toEqual([-2, -4]);
    expect(difference.mean).toBe(-3);
  });

  test('ranks average ties; Spearman matches the textbook formula and handles ties', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    const xs = [0.3, 1.2, -0.4, 2.5, 0.9, 1.7, -1.1];
    const ys = [1.0, 0.2, 2.2, -0.7, 0.1, 0.4, 3.0];
    expect(spearman(xs, ys)).toBeCloseTo(naiveSpearman(xs, ys), 12);
    expect(spearman([1, 2, 3], [10, 20, 30])).toBeCloseTo(1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('validation plan', () => {
  test('every claim reads only runs that exist, and every run serves a claim', () => {
    const used = new Set(CLAIMS.flatMap((c) => c.runs));
    for (const id of used) expect(() => runById(id)).not.toThrow();
    for (const run of RUNS) expect(used.has(run.id), run.id).toBe(true);
    expect(CLAIMS.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('tasks are every needed run × seed, split over jobs without loss or duplication', () => {
    const tasks = suiteTasks({ seeds: [1, 2, 3] });
    expect(tasks.length).toBe(RUNS.length * 3);
    const parts = splitTasks(tasks, 2);
    expect(parts.length).toBe(2);
    const key = (t: { run: string; seed: number }) => `${t.run}#${t.seed}`;
    expect(parts.flat().map(key).sort()).toEqual(tasks.map(key).sort());
    expect(suiteTasks({ seeds: [1], claims: [4] }).map((t) => t.run)).toEqual([
      'brain/infonce',
      'brain/yaware',
    ]);
  });

  test("a run is its data set's shared budget plus only what the claim varies", () => {
    const supcon = runConfig(runById('mnist/supcon'), 2, { quick: false });
    const infonce = runConfig(runById('mnist/infonce'), 2, { quick: false });
    const base = BUDGETS.mnist.base as { steps: number; batchSize: number };
    for (const c of [supcon, infonce]) {
      expect(c.steps).toBe(base.steps);
      expect(c.batchSize).toBe(base.batchSize);
      expect(c.seed).toBe(2);
      expect(c.evalEvery).toBe(base.steps);
    }
    expect(supcon.encoder).toEqual(infonce.encoder);
    const colored = runConfig(runById('colored/0.997/eps-supinfonce'), 1, { quick: false });
    expect(colored.dataset).toEqual({
      name: 'colored-mnist',
      nTrain: 8000,
      nTest: 2000,
      rho: 0.997,
    });
    expect(runConfig(runById('shapes/b32/du'), 1, { quick: false }).batchSize).toBe(32);
    const quick = runConfig(runById('brain/yaware'), 1, { quick: true });
    expect(quick.steps).toBeLessThan(10);
  });
});
