/** The training optimisers against TF.js' own, and the guarded update that reads nothing back. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, test } from 'vitest';
import { finiteFlag, TrainingOptimizer, type OptimizerConfig } from '../../../src/engine/optimizer';
import { SeededRandom } from '../../../src/ml/random';
import { installWasmKernels } from '../../../src/engine/wasmKernels';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const rng = new SeededRandom(17);
const random = (n: number, scale = 1) =>
  Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale);
const start = [random(12), random(5)];
const gradients = Array.from({ length: 4 }, () => [random(12, 3), random(5, 3)]);

function variables(): tf.Variable[] {
  return [
    tf.variable(tf.tensor(start[0]!, [3, 4]), true, `w${Math.random()}`),
    tf.variable(tf.tensor(start[1]!, [5]), true, `b${Math.random()}`),
  ];
}

async function values(vs: tf.Variable[]): Promise<number[][]> {
  return Promise.all(vs.map(async (v) => Array.from(await v.data())));
}

function reference(config: OptimizerConfig): tf.Optimizer {
  if (config.name === 'adam') return tf.train.adam(config.lr);
  return config.momentum ? tf.train.momentum(config.lr, config.momentum) : tf.train.sgd(config.lr);
}

const CONFIGS: OptimizerConfig[] = [
  { name: 'adam', lr: 0.01 },
  { name: 'sgd', lr: 0.1 },
  { name: 'sgd', lr: 0.1, momentum: 0.9 },
];

test('Adam on wasm refuses to update moments in place once another tensor shares their data', async () => {
  installWasmKernels(); // the sharing Identity
  await tf.setBackend('wasm');
  const vs = variables();
  const optimizer = new TrainingOptimizer({ name: 'adam', lr: 0.01 });
  const grads = gradients[0]!.map((x, i) => tf.tensor(x, vs[i]!.shape));
  optimizer.apply(vs, grads);
  const slots = (optimizer as unknown as { slots: Map<string, tf.Variable[]> }).slots;
  const alias = tf.clone([...slots.values()][0]![0]!); // shares the first moment's data
  expect(() => optimizer.apply(vs, grads)).toThrow(/shares its data/);
  tf.dispose([alias, ...grads, ...vs]);
  optimizer.dispose();
});

test('Adam moments made on another backend move to wasm without tripping the sharing check', async () => {
  installWasmKernels();
  const run = async (second: string) => {
    await tf.setBackend('cpu');
    const vs = variables();
    const optimizer = new TrainingOptimizer({ name: 'adam', lr: 0.01 });
    for (const [i, g] of gradients.entries()) {
      if (i === 2) await tf.setBackend(second); // the moments were made on cpu
      const grads = g.map((x, j) => tf.tensor(x, vs[j]!.shape));
      optimizer.apply(vs, grads);
      tf.dispose(grads);
    }
    const out = await values(vs);
    optimizer.dispose();
    tf.dispose(vs);
    return out;
  };
  expect(await run('wasm')).toEqual(await run('cpu'));
});

describe.each(['cpu', 'wasm'])('TrainingOptimizer on %s', (backend) => {
  test.each(CONFIGS)('apply follows TF.js %o step for step', async (config) => {
    await tf.setBackend(backend);
    const mine = variables();
    const theirs = variables();
    const optimizer = new TrainingOptimizer(config);
    const ref = reference(config);
    for (const g of gradients) {
      const grads = g.map((x, i) => tf.tensor(x, mine[i]!.shape));
      optimizer.apply(mine, grads);
      ref.applyGradients(Object.fromEntries(theirs.map((v, i) => [v.name, grads[i]!])));
      tf.dispose(grads);
    }
    const [a, b] = [await values(mine), await values(theirs)];
    a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 5)));
    optimizer.dispose();
    ref.dispose();
    tf.dispose([...mine, ...theirs]);
  });

  test.each(CONFIGS)(
    'applyIf applies like apply when ok, and changes nothing (NaN gradients too) when not: %o',
    async (config) => {
      await tf.setBackend(backend);
      const guarded = variables();
      const plain = variables();
      const a = new TrainingOptimizer(config);
      const b = new TrainingOptimizer(config);
      for (const [k, g] of gradients.entries()) {
        const grads = g.map((x, i) => tf.tensor(x, guarded[i]!.shape));
        if (k === 0 || k === 2) {
          // A skipped step: NaN gradients, ok = 0. Nothing moves, not even Adam's step count.
          const before = await values(guarded);
          const bad = grads.map((t) => tf.mul(t, NaN));
          a.applyIf(guarded, bad, tf.scalar(0));
          expect(await values(guarded)).toEqual(before);
          tf.dispose(bad);
        }
        a.applyIf(guarded, grads, tf.scalar(1));
        b.apply(plain, grads);
        tf.dispose(grads);
      }
      const [x, y] = [await values(guarded), await values(plain)];
      x.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(y[i]![j]!, 5)));
      a.dispose();
      b.dispose();
      tf.dispose([...guarded, ...plain]);
    },
  );

  test('neither form leaks tensors', async () => {
    await tf.setBackend(backend);
    const vs = variables();
    const optimizer = new TrainingOptimizer({ name: 'adam', lr: 0.01 });
    const grads = gradients[0]!.map((x, i) => tf.tensor(x, vs[i]!.shape));
    const ok = tf.scalar(1);
    optimizer.apply(vs, grads);
    optimizer.applyIf(vs, grads, ok);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      optimizer.apply(vs, grads);
      optimizer.applyIf(vs, grads, ok);
    }
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    tf.dispose([...vs, ...grads, ok]);
  });
});

describe.each(['cpu', 'wasm', 'cpu-ops'])('finiteFlag on %s', (name) => {
  test('is 1 exactly when every value of every tensor is finite (a naive check)', async () => {
    await tf.setBackend(name === 'cpu-ops' ? 'cpu' : name);
    const kernel = 'ContrastivePlaygroundAllFinite';
    // 'cpu-ops': the tensor-op form that GPU backends use, with the kernel out of the way.
    const saved = name === 'cpu-ops' ? tf.getKernel(kernel, 'cpu') : undefined;
    if (saved) tf.unregisterKernel(kernel, 'cpu');
    try {
      const base = () => [random(1), random(7 * 3), random(1000), random(5)];
      const cases: Float32Array[][] = [base()];
      for (const bad of [NaN, Infinity, -Infinity])
        for (const [t, i] of [
          [0, 0],
          [1, 20],
          [2, 999],
          [3, 2],
        ] as const) {
          const arrays = base();
          arrays[t]![i] = bad;
          cases.push(arrays);
        }
      for (const arrays of cases) {
        const naive = arrays.every((a) => a.every((x) => Number.isFinite(x))) ? 1 : 0;
        const tensors = arrays.map((a) => tf.tensor(a));
        const before = tf.memory().numTensors;
        const flag = finiteFlag(tensors);
        expect(tf.memory().numTensors).toBe(before + 1);
        expect(flag.shape).toEqual([]);
        expect(flag.dtype).toBe('float32');
        expect((await flag.data())[0]).toBe(naive);
        tf.dispose([flag, ...tensors]);
      }
    } finally {
      if (saved) tf.registerKernel(saved);
    }
  });
});
