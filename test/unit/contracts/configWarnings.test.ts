/** Warnings for legal nonsense, the memory estimate and refusal, and the collapse detector. */
import { describe, expect, test } from 'vitest';
import { gateConfig } from '../../../src/contracts/configGate';
import {
  collapseWarning,
  configWarnings,
  estimateStepMemory,
  guessDatasetFacts,
  memoryRefusal,
} from '../../../src/contracts/configWarnings';
import type { TrainingConfig } from '../../../src/contracts/trainingConfig';
import { PRESETS } from '../../../src/presets';

const base = PRESETS[0]!.config;
const config = (patch: Record<string, unknown>): TrainingConfig =>
  gateConfig({ ...base, ...patch });
const ids = (c: TrainingConfig) =>
  configWarnings(c, guessDatasetFacts(c.dataset), 'wasm').map((w) => w.id);

describe('configuration warnings', () => {
  test('the presets raise none', () => {
    for (const p of PRESETS) {
      const c = gateConfig(p.config);
      expect(configWarnings(c, guessDatasetFacts(c.dataset), 'wasm'), p.id).toEqual([]);
    }
  });

  test('temperature below 0.01 or above 10, with the usual range', () => {
    expect(ids(config({ loss: { name: 'nt_xent', temperature: 1e-30 } }))).toEqual(['temperature']);
    expect(ids(config({ loss: { name: 'nt_xent', temperature: 20 } }))).toEqual(['temperature']);
    expect(ids(config({ loss: { name: 'dcl', tau: 0.001 } }))).toEqual(['temperature']);
    expect(ids(config({ loss: { name: 'nt_xent', temperature: 0.01 } }))).toEqual([]);
    const [w] = configWarnings(
      config({ loss: { name: 'nt_xent', temperature: 1e-30 } }),
      guessDatasetFacts(base.dataset as never),
      'wasm',
    );
    expect(w!.message).toMatch(/usual range is 0\.05–1/);
  });

  test('learning rate above 0.1 (above 1 for SGD)', () => {
    expect(ids(config({ optimizer: { name: 'adam', lr: 0.2 } }))).toEqual(['lr']);
    expect(ids(config({ optimizer: { name: 'adam', lr: 0.1 } }))).toEqual([]);
    expect(ids(config({ optimizer: { name: 'sgd', lr: 0.5, momentum: 0.9 } }))).toEqual([]);
    expect(ids(config({ optimizer: { name: 'sgd', lr: 10, momentum: 0.999 } }))).toEqual(['lr']);
  });

  test('views: 1 where the loss needs pairs; SupCon with a batch under the class count', () => {
    expect(ids(config({ views: 1 }))).toEqual(['views']);
    expect(ids(config({ views: 1, loss: { name: 'dcl' } }))).toEqual(['views']);
    // SupCon with class positives learns from one view: no warning there.
    expect(
      ids(config({ views: 1, loss: { name: 'supcon' }, positives: { name: 'class' } })),
    ).toEqual([]);
    expect(
      ids(config({ batchSize: 8, loss: { name: 'supcon' }, positives: { name: 'class' } })),
    ).toEqual(['supcon-batch']);
    expect(
      ids(config({ batchSize: 10, loss: { name: 'supcon' }, positives: { name: 'class' } })),
    ).toEqual([]);
  });

  test('memory: the probe of issue 13 (batch 4096 × 8 views) is refused with the number', () => {
    const big = config({ batchSize: 4096, views: 8 });
    const refusal = memoryRefusal(big, guessDatasetFacts(big.dataset), 'wasm');
    expect(refusal).toMatch(
      /needs about \d+\.\d GiB per step .* more than the 2\.0 GiB the wasm backend/,
    );
    expect(ids(big)).toContain('memory');
    // The (V·B)² similarity matrices dominate: 8× the rows is 64× that term.
    const a = estimateStepMemory(config({ batchSize: 512 }), guessDatasetFacts(big.dataset));
    const b = estimateStepMemory(config({ batchSize: 4096 }), guessDatasetFacts(big.dataset));
    expect(b / a).toBeGreaterThan(40);
    expect(b / a).toBeLessThan(64);
    // Naive count for a tiny MLP on gaussians: 2-D input, hidden [4], head 4 → 3, embedding 2.
    const tiny = gateConfig({
      ...base,
      dataset: { name: 'gaussians' },
      encoder: { name: 'mlp', hidden: [4], projectionHidden: 3 },
      embeddingDim: 2,
      batchSize: 4,
      views: 2,
    });
    const rows = 8;
    const params = 2 * 4 + 4 + (4 * 3 + 3) + (3 * 2 + 2);
    const expected = rows * 2 * 4 * 3 + params * 16 + rows * (4 + 3 + 2) * 12 + rows * rows * 32;
    expect(estimateStepMemory(tiny, guessDatasetFacts(tiny.dataset))).toBe(expected);
  });
});

describe('collapse detector', () => {
  test('effective rank under 2, or alignment < 1e-4 with uniformity near 0; never at step 0', () => {
    expect(collapseWarning({ step: 6, effectiveRank: 1.5 }, 64)?.id).toBe('collapse');
    expect(collapseWarning({ step: 6, effectiveRank: 2.5 }, 64)).toBeNull();
    expect(
      collapseWarning({ step: 6, alignment: 1e-5, uniformity: -0.02, effectiveRank: 10 }, 64)
        ?.message,
    ).toMatch(/uniformity -0\.0200 with alignment 1\.0e-5/);
    expect(
      collapseWarning({ step: 6, alignment: 1e-3, uniformity: -0.02, effectiveRank: 10 }, 64),
    ).toBeNull();
    // Every point within ~0.07 of the others (SGD at lr 10 on MNIST after two steps, measured in
    // the browser): collapsed, whatever the alignment and the rank.
    expect(
      collapseWarning({ step: 2, alignment: 1.3e-4, uniformity: -0.0017, effectiveRank: 2.7 }, 16)
        ?.id,
    ).toBe('collapse');
    expect(
      collapseWarning({ step: 6, alignment: 1e-5, uniformity: -2, effectiveRank: 10 }, 64),
    ).toBeNull();
    expect(collapseWarning({ step: 0, effectiveRank: 1 }, 64)).toBeNull();
    // A 2-D embedding cannot have a rank over 2: the limit is half its dimension.
    expect(collapseWarning({ step: 6, effectiveRank: 1.6 }, 2)).toBeNull();
    expect(collapseWarning({ step: 6, effectiveRank: 0.9 }, 2)?.id).toBe('collapse');
  });
});
