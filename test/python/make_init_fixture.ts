/**
 * Writes test/python/fixtures/ts_init.json (the initial weights of small TS encoders (MLP, CNN
 * with odd and even sides) for a seed, and their outputs on a fixed input, so the Python port is
 * checked bit for bit against the real createEncoder) and ts_samplers.json (batches of the three
 * samplers and the Trainer's seed forks).
 * Run: npx tsx test/python/make_init_fixture.ts
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder, readWeights } from '../../src/models/encoder';
import type { EncoderConfig } from '../../src/contracts/encoderConfig';
import { classBalancedSampler, randomSampler, stratifiedSampler } from '../../src/engine/sampler';
import { SeededRandom } from '../../src/ml/random';

const cases: {
  name: string;
  config: EncoderConfig;
  shape: [number, number, number];
  dim: number;
  seed: number;
}[] = [
  {
    name: 'mlp',
    config: { name: 'mlp', hidden: [12, 6], projectionHidden: 5 },
    shape: [4, 3, 2],
    dim: 3,
    seed: 11749833,
  },
  {
    name: 'cnn-odd',
    config: { name: 'cnn', channels: [3, 4], representation: 6, projectionHidden: 5 },
    shape: [7, 5, 2],
    dim: 3,
    seed: 42,
  },
  {
    name: 'cnn-even',
    config: { name: 'cnn', channels: [2], representation: 4, projectionHidden: 3 },
    shape: [8, 6, 3],
    dim: 2,
    seed: 7,
  },
];

async function main() {
  await tf.setBackend('cpu');
  const out = [];
  for (const c of cases) {
    const [h, w, ch] = c.shape;
    const encoder = createEncoder(c.config, { height: h, width: w, channels: ch }, c.dim, c.seed);
    const weights = await readWeights(encoder);
    const n = 2;
    const input = Float32Array.from({ length: n * h * w * ch }, (_, i) => ((i * 37) % 101) / 100);
    const { representation, projection } = encoder.apply(tf.tensor4d(input, [n, h, w, ch]));
    out.push({
      ...c,
      weights: weights.map((x, i) => ({
        shape: encoder.variables[i]!.shape,
        values: Array.from(x),
      })),
      input: Array.from(input),
      representation: Array.from(await representation.data()),
      projection: Array.from(await projection.data()),
    });
  }
  writeFileSync('test/python/fixtures/ts_init.json', JSON.stringify(out));
  const labels = Int32Array.from({ length: 50 }, (_, i) => (i * 7) % 5);
  const flags = Uint8Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const draw = (s: { next(size: number): Int32Array }, size: number) =>
    Array.from({ length: 8 }, () => Array.from(s.next(size)));
  const rng = new SeededRandom(1);
  writeFileSync(
    'test/python/fixtures/ts_samplers.json',
    JSON.stringify({
      labels: Array.from(labels),
      flags: Array.from(flags),
      random: draw(randomSampler(23, 5), 10),
      classBalanced: draw(classBalancedSampler(labels, 6), 8),
      stratified: draw(stratifiedSampler(flags, 7), 6),
      forks: Array.from({ length: 5 }, () => rng.fork()),
    }),
  );
}

void main();
