import { describe, expect, test } from 'vitest';
import {
  fitLinearProbe,
  linearProbe,
  predictLinearProbe,
  type LinearProbeModel,
} from '../../../../src/ml/metrics/probes';
import { clusters, normalRows, randomLabels } from './random';

/**
 * The stated objective, naively: mean softmax cross-entropy on features standardised with the
 * train mean and population std, plus (λ/2)‖W‖², and its gradient by plain loops.
 */
function naiveObjective(
  x: Float32Array,
  y: Int32Array,
  dim: number,
  model: LinearProbeModel,
  l2: number,
): { loss: number; maxGrad: number } {
  const n = y.length;
  const C = model.classes.length;
  const mean = new Array<number>(dim).fill(0);
  const std = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k]! += x[i * dim + k]! / n;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dim; k++) std[k]! += (x[i * dim + k]! - mean[k]!) ** 2 / n;
  for (let k = 0; k < dim; k++) std[k] = Math.sqrt(std[k]!);
  const gW = new Array<number>(C * dim).fill(0);
  const gb = new Array<number>(C).fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z: number[] = [];
    for (let c = 0; c < C; c++) {
      let s = model.bias[c]!;
      for (let k = 0; k < dim; k++)
        s += model.weights[c * dim + k]! * ((x[i * dim + k]! - mean[k]!) / std[k]!);
      z.push(s);
    }
    const target = model.classes.indexOf(y[i]!);
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    loss += (lse - z[target]!) / n;
    for (let c = 0; c < C; c++) {
      const r = (Math.exp(z[c]! - lse) - (c === target ? 1 : 0)) / n;
      gb[c]! += r;
      for (let k = 0; k < dim; k++)
        gW[c * dim + k]! += r * ((x[i * dim + k]! - mean[k]!) / std[k]!);
    }
  }
  let penalty = 0;
  for (let j = 0; j < C * dim; j++) {
    penalty += model.weights[j]! ** 2;
    gW[j]! += l2 * model.weights[j]!;
  }
  const maxGrad = Math.max(...gW.map(Math.abs), ...gb.map(Math.abs));
  return { loss: loss + 0.5 * l2 * penalty, maxGrad };
}

describe('linearProbe', () => {
  test('reaches ≥ 99% on linearly separable clusters', () => {
    const y = randomLabels(500, 10, 1);
    const yt = randomLabels(500, 10, 2);
    const r = linearProbe(clusters(y, 20, 3, 3, 4), y, clusters(yt, 20, 3, 3, 5), yt, 20);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.99);
  });

  test('is near chance on random labels (it cannot generalise noise)', () => {
    const x = normalRows(600, 16, 6);
    const xt = normalRows(2000, 16, 7);
    const r = linearProbe(x, randomLabels(600, 10, 8), xt, randomLabels(2000, 10, 9), 16);
    expect(r.accuracy).toBeGreaterThan(0.06);
    expect(r.accuracy).toBeLessThan(0.14);
  });

  test('converges to the minimum of the stated objective (naive gradient ≈ 0, same loss)', () => {
    const y = randomLabels(300, 4, 10);
    const x = clusters(y, 9, 0.7, 11, 12);
    for (const l2 of [1e-3, 0.1]) {
      const model = fitLinearProbe(x, y, 9, { l2, maxIterations: 500, tolerance: 1e-9 });
      const naive = naiveObjective(x, y, 9, model, l2);
      expect(naive.maxGrad).toBeLessThan(1e-6);
      expect(model.loss).toBeCloseTo(naive.loss, 9);
    }
  });

  test('at the default settings the gradient is small at the 2,000 × 128, 10-class size', () => {
    const y = randomLabels(2000, 10, 13);
    const yt = randomLabels(1000, 10, 14);
    const x = clusters(y, 128, 0.15, 15, 16);
    const r = linearProbe(x, y, clusters(yt, 128, 0.15, 15, 17), yt, 128);
    expect(naiveObjective(x, y, 128, r.model, 1e-3).maxGrad).toBeLessThan(1e-4);
    expect(r.accuracy).toBeGreaterThan(0.3); // chance is 0.1
    expect(r.accuracy).toBeLessThanOrEqual(r.trainAccuracy);
  });

  test('predictions are the argmax of the model logits computed naively', () => {
    const y = randomLabels(200, 3, 18);
    const x = clusters(y, 5, 0.5, 19, 20);
    const xt = clusters(randomLabels(50, 3, 21), 5, 0.5, 19, 22);
    const model = fitLinearProbe(x, y, 5);
    const predictions = predictLinearProbe(model, xt);
    for (let i = 0; i < 50; i++) {
      const z = [0, 1, 2].map((c) => {
        let s = model.bias[c]!;
        for (let k = 0; k < 5; k++)
          s += model.weights[c * 5 + k]! * ((xt[i * 5 + k]! - model.mean[k]!) / model.std[k]!);
        return s;
      });
      expect(predictions[i]).toBe(model.classes[z.indexOf(Math.max(...z))]);
    }
  });

  test('keeps arbitrary integer label values and their accuracy', () => {
    const dense = randomLabels(300, 3, 23);
    const values = [-5, 7, 100];
    const y = Int32Array.from(dense, (c) => values[c]!);
    const x = clusters(dense, 6, 4, 24, 25);
    const r = linearProbe(x, y, x, y, 6);
    expect(Array.from(r.model.classes)).toEqual([-5, 7, 100]);
    // Same fit as with labels 0, 1, 2 (the order of the values is kept), relabelled.
    const reference = linearProbe(x, dense, x, dense, 6);
    expect(Array.from(r.predictions)).toEqual(Array.from(reference.predictions, (c) => values[c]));
    expect(r.accuracy).toBe(reference.accuracy);
    expect(r.accuracy).toBeGreaterThan(0.95);
  });

  test('a single train class predicts that class; unseen test labels count as errors', () => {
    const x = normalRows(20, 3, 26);
    const r = linearProbe(
      x,
      new Array(20).fill(4),
      x,
      [...new Array(15).fill(4), 1, 1, 1, 1, 1],
      3,
    );
    expect(Array.from(r.predictions)).toEqual(new Array(20).fill(4));
    expect(r.accuracy).toBe(0.75);
  });

  test('a constant feature does not break standardisation', () => {
    const y = randomLabels(100, 2, 27);
    const x = clusters(y, 4, 4, 28, 29);
    for (let i = 0; i < 100; i++) x[i * 4 + 2] = 0.3;
    const r = linearProbe(x, y, x, y, 4);
    expect(r.model.std[2]).toBe(1);
    expect(r.accuracy).toBeGreaterThan(0.95);
  });

  test('is deterministic', () => {
    const y = randomLabels(150, 4, 30);
    const x = clusters(y, 8, 0.5, 31, 32);
    const a = fitLinearProbe(x, y, 8);
    const b = fitLinearProbe(x, y, 8);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.bias)).toEqual(Array.from(b.bias));
  });

  test('rejects bad shapes and options with clear messages', () => {
    const x = new Float32Array(8);
    expect(() => linearProbe(x, [0, 1], x, [0, 1, 0], 3)).toThrow(/trainX has 8 values/);
    expect(() => linearProbe(x, [0, 1, 0], x, [0, 1, 0, 1], 2)).toThrow(
      /trainLabels has 3 entries but there are 4 rows/,
    );
    expect(() => linearProbe(x, [0, 1, 0, 1], x, [0, 1], 2)).toThrow(/testLabels has 2 entries/);
    expect(() => fitLinearProbe(x, [0, 1, 0, 1], 2, { l2: -1 })).toThrow(
      /l2 must be a finite number ≥ 0/,
    );
    expect(() => fitLinearProbe(x, [0, 1, 0, 1], 2, { maxIterations: 1.5 })).toThrow(
      /maxIterations/,
    );
    expect(() => fitLinearProbe(x, [0, 1, 0, Number.NaN], 2)).toThrow(/labels\[3\] is NaN/);
    const model = fitLinearProbe(x, [0, 1, 0, 1], 2);
    expect(() => predictLinearProbe(model, new Float32Array(3))).toThrow(
      /predictLinearProbe: x has 3 values/,
    );
  });
});
