/** A tiny synthetic image data set for engine tests: each class is a fixed random 6×6 pattern plus noise. */
import type { Dataset, DataSplit } from '../../../src/data/types';
import { SeededRandom } from '../../../src/ml/random';

export function syntheticDataset(
  options: { classes?: number; perClass?: number; seed?: number; targets?: boolean } = {},
): Dataset {
  const classes = options.classes ?? 4;
  const perClass = options.perClass ?? 40;
  const rng = new SeededRandom(options.seed ?? 1);
  const side = 6;
  const pixels = side * side;
  const prototypes = Array.from({ length: classes }, () =>
    Float32Array.from({ length: pixels }, () => rng.next()),
  );
  const split = (count: number): DataSplit => {
    const n = classes * count;
    const images = new Float32Array(n * pixels);
    const labels = new Int32Array(n);
    const bias = new Int32Array(n);
    const age = new Float32Array(n);
    const isTarget = new Uint8Array(n);
    const aligned = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % classes;
      labels[i] = c;
      bias[i] = rng.next() < 0.9 ? c % 2 : 1 - (c % 2);
      aligned[i] = bias[i] === c % 2 ? 1 : 0;
      age[i] = 20 + 10 * c + rng.next() * 5;
      isTarget[i] = i % 2;
      for (let p = 0; p < pixels; p++) {
        images[i * pixels + p] = Math.min(
          1,
          Math.max(0, prototypes[c]![p]! + 0.15 * rng.normalUnpaired()),
        );
      }
    }
    return {
      n,
      images,
      labels: { class: labels, bias },
      attributes: { age },
      flags: { isTarget, biasAligned: aligned },
    };
  };
  return {
    info: {
      id: 'synthetic',
      title: 'synthetic',
      description: 'test patterns',
      source: 'tests',
      licence: 'n/a',
      imageShape: { height: side, width: side, channels: 1 },
      labels: [
        { name: 'class', classNames: Array.from({ length: classes }, (_, i) => String(i)) },
        { name: 'bias', classNames: ['0', '1'] },
      ],
      attributes: [{ name: 'age', min: 20, max: 20 + 10 * classes }],
      classLabel: 'class',
      biasLabel: 'bias',
      hasTargetFlag: options.targets ?? true,
    },
    train: split(perClass),
    test: split(Math.max(5, Math.floor(perClass / 2))),
  };
}
