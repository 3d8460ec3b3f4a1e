/**
 * logAddExp against its formula: values, gradients under broadcasting, and no Tile gradient; the
 * row max without gradient: the max, a zero gradient, and no Equal (tf.max's gradient) run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, test } from 'vitest';
import { logAddExp, rowMaxWithoutGradient, stopGradient } from '../../../src/ml/ops';
import { SeededRandom } from '../../../src/ml/random';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'])('logAddExp on %s', (backend) => {
  const rng = new SeededRandom(4);
  const [n, m] = [6, 5];
  const a = Array.from({ length: n * m }, () => (rng.next() - 0.5) * 20);
  const b = Array.from({ length: n }, () => (rng.next() - 0.5) * 20 + 700); // far from a: stability
  const w = Array.from({ length: n * m }, () => rng.next()); // upstream gradient weights

  test('value and both gradients of Σ w·log(e^a + e^b), b a column broadcast over a [n, m] matrix', async () => {
    await tf.setBackend(backend);
    const [ta, tb, tw] = [tf.tensor2d(a, [n, m]), tf.tensor2d(b, [n, 1]), tf.tensor2d(w, [n, m])];
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tw, logAddExp(x, y)));
    const { value, grads } = tf.valueAndGrads(f)([ta, tb]);
    // Naive float64: log(e^a + e^b) = max + log(e^(a−max) + e^(b−max)); ∂/∂a = σ(a − b).
    let want = 0;
    const da = new Array<number>(n * m).fill(0);
    const db = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        const [x, y] = [a[i * m + j]!, b[i]!];
        const top = Math.max(x, y);
        want += w[i * m + j]! * (top + Math.log(Math.exp(x - top) + Math.exp(y - top)));
        const sa = 1 / (1 + Math.exp(y - x));
        da[i * m + j] = w[i * m + j]! * sa;
        db[i] = db[i]! + w[i * m + j]! * (1 - sa);
      }
    expect((await value.data())[0]).toBeCloseTo(want, 2);
    const [ga, gb] = [await grads[0]!.data(), await grads[1]!.data()];
    expect(Array.from(gb)).toHaveLength(n);
    ga.forEach((g, k) => expect(g).toBeCloseTo(da[k]!, 5));
    gb.forEach((g, k) => expect(g).toBeCloseTo(db[k]!, 4));
    tf.dispose([ta, tb, tw, value, ...grads]);
  });

  test('its gradient reduces over the broadcast axis (no Tile gradient: no slice per repeat)', async () => {
    await tf.setBackend(backend);
    const [ta, tb] = [tf.tensor2d(a, [n, m]), tf.tensor2d(b, [n, 1])];
    const info = await tf.profile(() => {
      const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(logAddExp(x, y)))([ta, tb]);
      return grads[1]!;
    });
    expect(info.kernels.filter((k) => k.name === 'Slice')).toHaveLength(0);
    tf.dispose([ta, tb, info.result as tf.Tensor]);
  });
});

describe.each(['cpu', 'wasm'])('rowMaxWithoutGradient on %s', (backend) => {
  test('is the row max, passes no gradient, and runs no max gradient (Equal) on the zeros', async () => {
    await tf.setBackend(backend);
    const x = tf.tensor2d([3, -1, 7, 2, 9, 9, -4, 0, 1], [3, 3]);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.sub(v, rowMaxWithoutGradient(v, 1)), v));
    const g = (v: tf.Tensor) => tf.sum(tf.mul(tf.sub(v, stopGradient(tf.max(v, 1, true))), v));
    expect(Array.from(await rowMaxWithoutGradient(x, 1).data())).toEqual([7, 9, 1]);
    const info = await tf.profile(() => tf.grad(f)(x));
    const reference = tf.grad(g)(x);
    expect(Array.from(await (info.result as tf.Tensor).data())).toEqual(
      Array.from(await reference.data()),
    );
    expect(info.kernels.filter((k) => k.name === 'Equal')).toHaveLength(0);
    tf.dispose([x, reference, info.result as tf.Tensor]);
  });
});
