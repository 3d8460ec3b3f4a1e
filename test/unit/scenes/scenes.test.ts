import { describe, expect, test } from 'vitest';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import type { MetricsRecord } from '../../../src/contracts/metrics';
import {
  SCENES,
  compare,
  sceneById,
  sceneVerdict,
  verdictLine,
  withSeed,
  type Scene,
} from '../../../src/scenes';

/** The config keys a claim may vary between arms. */
const CLAIM_KEYS = new Set(['loss', 'positives', 'kernel', 'regularizer', 'prior', 'transfer']);

describe('scene definitions', () => {
  test('every validation claim 1–9 has a scene', () => {
    const covered = new Set(SCENES.flatMap((s) => s.validationClaims));
    for (let c = 1; c <= 9; c++) expect(covered.has(c), `claim ${c}`).toBe(true);
  });

  test.each(SCENES.map((s) => [s.id, s] as const))(
    '%s: arms are valid configs that differ only in what the claim is about',
    (_id, scene) => {
      expect(scene.arms.length).toBeGreaterThan(0);
      const parsed = scene.arms.map((a) => parseTrainingConfig(a.config));
      const first = parsed[0]!;
      for (const other of parsed.slice(1)) {
        const keys = new Set([...Object.keys(first), ...Object.keys(other)]);
        for (const key of keys) {
          if (CLAIM_KEYS.has(key)) continue;
          expect(
            JSON.stringify((other as Record<string, unknown>)[key]),
            `${scene.id}: ${key}`,
          ).toBe(JSON.stringify((first as Record<string, unknown>)[key]));
        }
      }
      // Every comparison reads arms that exist.
      const ids = new Set(scene.arms.map((a) => a.id));
      for (const c of scene.comparisons) {
        expect(ids.has(c.better.read.arm)).toBe(true);
        expect(ids.has(c.worse.read.arm)).toBe(true);
      }
      expect(scene.claim.length).toBeGreaterThan(20);
      expect(scene.card.length).toBeGreaterThan(40);
    },
  );

  test('ids are unique and sceneById names the valid ones on error', () => {
    expect(new Set(SCENES.map((s) => s.id)).size).toBe(SCENES.length);
    expect(() => sceneById('nope')).toThrow(/Scenes: supcon-vs-infonce/);
  });

  test('withSeed changes every arm’s seed and nothing else', () => {
    const s = withSeed(sceneById('fairkl'), 7);
    for (const [i, arm] of s.arms.entries()) {
      expect(arm.config.seed).toBe(7);
      expect({ ...arm.config, seed: 1 }).toEqual(sceneById('fairkl').arms[i]!.config);
    }
  });
});

const scene: Scene = {
  id: 'test',
  title: 'FairKL',
  claim: 'a claim long enough to be a sentence',
  paper: 'p',
  validationClaims: [],
  arms: [
    { id: 'plain', label: 'plain', config: { steps: 100 } },
    { id: 'fairkl', label: 'fairkl', config: { steps: 100 } },
  ],
  comparisons: [
    {
      measure: 'conflicting accuracy',
      better: { name: 'FairKL', read: { arm: 'fairkl', metric: 'biasConflictingAccuracy' } },
      worse: { name: 'without', read: { arm: 'plain', metric: 'biasConflictingAccuracy' } },
      higherIsBetter: true,
      minEffect: 0.15,
    },
    {
      measure: 'bias predictability',
      better: { name: 'FairKL', read: { arm: 'fairkl', metric: 'biasPredictability' } },
      worse: { name: 'without', read: { arm: 'plain', metric: 'biasPredictability' } },
      higherIsBetter: false,
      minEffect: 0.1,
    },
  ],
  card: 'card',
};

const m = (step: number, c: number, b: number): MetricsRecord => ({
  step,
  biasConflictingAccuracy: c,
  biasPredictability: b,
});

describe('sceneVerdict', () => {
  test('pending until both arms have evaluated a common step', () => {
    const v = sceneVerdict(scene, { plain: [m(0, 0.1, 0.9)], fairkl: [] });
    expect(v.status).toBe('pending');
    expect(v.final).toBe(false);
    expect(v.text).toMatch(/waiting/);
  });

  test('reads the latest step both arms have, never a faster arm against an older state', () => {
    const v = sceneVerdict(scene, {
      plain: [m(0, 0.1, 0.9), m(50, 0.12, 0.95)],
      fairkl: [m(0, 0.1, 0.9), m(50, 0.41, 0.7), m(100, 0.0, 1.0)],
    });
    expect(v.comparisons[0]!.step).toBe(50);
    expect(v.comparisons[0]!.better).toBeCloseTo(0.41);
    expect(v.comparisons[0]!.worse).toBeCloseTo(0.12);
    expect(v.comparisons[0]!.effect).toBeCloseTo(0.29);
    expect(v.comparisons[1]!.effect).toBeCloseTo(0.25);
    expect(v.status).toBe('holds');
    expect(v.final).toBe(false);
    expect(v.text).toBe(
      'FairKL: conflicting accuracy: FairKL 0.410 vs without 0.120; bias predictability: FairKL 0.700 vs without 0.950 — holds so far',
    );
  });

  test('fails when one comparison misses its effect size, and is final at the budget', () => {
    const v = sceneVerdict(scene, {
      plain: [m(100, 0.12, 0.95)],
      fairkl: [m(100, 0.26, 0.7)],
    });
    expect(v.comparisons[0]!.status).toBe('fails'); // +0.14 < 0.15
    expect(v.comparisons[1]!.status).toBe('holds');
    expect(v.status).toBe('fails');
    expect(v.final).toBe(true);
    expect(verdictLine(scene, v)).toBe(
      'scene test: fails — conflicting accuracy: FairKL 0.260 vs without 0.120; bias predictability: FairKL 0.700 vs without 0.950',
    );
  });

  test('an effect exactly at the threshold holds; lower-is-better reads the right way', () => {
    const c = scene.comparisons[1]!;
    expect(compare(c, { plain: [m(1, 0, 0.8)], fairkl: [m(1, 0, 0.7)] }).status).toBe('holds');
    expect(compare(c, { plain: [m(1, 0, 0.7)], fairkl: [m(1, 0, 0.8)] }).status).toBe('fails');
  });

  test('a non-finite value does not count as evaluated', () => {
    const v = compare(scene.comparisons[0]!, {
      plain: [m(1, Number.NaN, 0.9)],
      fairkl: [m(1, 0.5, 0.9)],
    });
    expect(v.status).toBe('pending');
  });

  test('probes and transfer results are read from one arm', () => {
    const sepclr = sceneById('sepclr-digits');
    const history: MetricsRecord[] = [
      {
        // The scene's own budget, so that the verdict read there is final.
        step: Number(sepclr.arms[0]!.config.steps),
        commonProbe: { item: 0.7, digit: 0.3 },
        salientProbe: { item: 0.4, digit: 0.6 },
      },
    ];
    const v = sceneVerdict(sepclr, { sepclr: history });
    expect(v.status).toBe('holds');
    expect(v.final).toBe(true);
    const transfer = sceneById('transfer');
    const t = sceneVerdict(transfer, {
      yaware: [
        {
          step: 150,
          transfer: {
            label: 'diagnosis',
            task: 'classification',
            metric: 'balancedAccuracy',
            labelled: 150,
            linearProbe: 0.7,
            fineTuned: 0.66,
            scratch: 0.65,
            randomProbe: 0.6,
          },
        },
      ],
    });
    expect(t.status).toBe('fails'); // +0.01 < 0.02
  });
});
