/**
 * The scenes' trained results (public/trained/, src/scenes/trainedResults.json): float16 packing
 * against a brute-force reference, the registry against the scenes' current configs (a changed
 * config makes its result stale and this test fail), and every result loaded and evaluated again
 * to the metrics recorded beside it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { useNodeBackend } from '../../../src/cli/nodeBackend';
import { loadTrainingData } from '../../../src/engine/trainingData';
import { nodeDataSource } from '../../../src/data/nodeReader';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { SCALAR_METRICS, type MetricsRecord } from '../../../src/contracts/metrics';
import { TrainingSession } from '../../../src/engine/session';
import {
  allTrainedResults,
  configFingerprint,
  fromFloat16Bits,
  packFloat16,
  roundToFloat16,
  sceneById,
  stableJson,
  toFloat16Bits,
  trainedConfig,
  trainedResultsFor,
  unpackFloat16,
} from '../../../src/scenes';
import { continuedConfig } from '../../../src/state/sceneRunner';

const PUBLIC = join(import.meta.dirname, '../../../public');

/** Every finite half value, sorted: the reference rounding picks the nearest by search. */
const HALVES = (() => {
  const out: { bits: number; value: number }[] = [];
  for (let h = 0; h < 0x10000; h++) {
    const v = fromFloat16Bits(h);
    if (Number.isFinite(v) && !(v === 0 && h === 0x8000)) out.push({ bits: h, value: v });
  }
  return out.sort((a, b) => a.value - b.value);
})();

/** Nearest half to a float32, ties to the even mantissa; beyond the largest half (+ half an ulp): ∞. */
function referenceHalf(x: number): number {
  const max = 65504;
  if (Math.abs(x) >= max + 16) return x > 0 ? 0x7c00 : 0xfc00;
  let lo = 0;
  let hi = HALVES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (HALVES[mid]!.value <= x) lo = mid;
    else hi = mid;
  }
  const a = HALVES[lo]!;
  const b = HALVES[hi]!;
  const da = Math.abs(x - a.value);
  const db = Math.abs(b.value - x);
  const pick = da < db ? a : db < da ? b : (a.bits & 1) === 0 ? a : b;
  // Zero keeps the sign of x.
  if (pick.value === 0) return x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  return pick.bits;
}

describe('float16', () => {
  test('every half value survives a round trip', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = fromFloat16Bits(h);
      if (Number.isNaN(v)) expect(toFloat16Bits(v) & 0x7c00).toBe(0x7c00);
      else expect(toFloat16Bits(v)).toBe(h);
    }
  });

  test('rounding matches the nearest half (ties to even) on 20,000 float32 values', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const values = [0.1, -0.1, 1 / 3, 65504, 65519.99, 65520, 1e-8, 2 ** -25, 3 * 2 ** -25, -0];
    for (let i = 0; i < 20_000; i++) values.push(Math.fround(rand() * 10 ** (rand() * 6 - 3)));
    // Exact ties between two halves (normal and subnormal): the even one wins.
    values.push(1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -24 * 1.5, 2 ** -24 * 2.5);
    for (const v of values)
      expect(toFloat16Bits(Math.fround(v)), String(v)).toBe(referenceHalf(Math.fround(v)));
  });

  test('pack/unpack is lossless for float16 values and checks the shapes', () => {
    const weights = [
      [
        Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 0.05),
        new Float32Array([1, -2, 3]),
      ],
      [Float32Array.from({ length: 7 }, (_, i) => i / 7)],
    ];
    const rounded = roundToFloat16(weights);
    const back = unpackFloat16(packFloat16(weights), [[[20, 15], [3]], [[7]]]);
    expect(back).toEqual(rounded);
    expect(() => unpackFloat16(packFloat16(weights), [[[20, 15]]])).toThrow(
      /values, the shapes need/,
    );
  });
});

describe('fingerprint', () => {
  test('does not depend on key order, changes with any value', () => {
    const a = { steps: 200, loss: { name: 'supcon', temperature: 0.1 }, seed: 1 };
    const b = { seed: 1, loss: { temperature: 0.1, name: 'supcon' }, steps: 200 };
    expect(stableJson(a)).toBe(stableJson(b));
    expect(configFingerprint(a)).toBe(configFingerprint(b));
    expect(configFingerprint({ ...a, steps: 201 })).not.toBe(configFingerprint(a));
    expect(configFingerprint({ ...a, loss: { name: 'supcon', temperature: 0.2 } })).not.toBe(
      configFingerprint(a),
    );
  });
});

const RESULTS = allTrainedResults();

describe('registry', () => {
  test('every trained result matches its scene arm as the scene defines it now', () => {
    for (const r of RESULTS) {
      const scene = sceneById(r.scene);
      const arm = scene.arms.find((a) => a.id === r.arm);
      expect(arm, `${r.scene}/${r.arm}`).toBeDefined();
      // A changed scene config makes the result stale: regenerate with npm run scenes:train.
      expect(r.fingerprint, `${r.scene}/${r.arm} is stale`).toBe(configFingerprint(arm!.config));
      expect(r.steps).toBeGreaterThanOrEqual(10 * r.liveSteps);
      expect(r.config).toEqual(trainedConfig(arm!.config, r.steps / r.liveSteps));
      expect(r.seed).toBe(arm!.config.seed);
      // The recorded command trains this scene (`--scene A,B` trains several in one run).
      const listed = /--scene (\S+)/.exec(r.command)?.[1]?.split(',') ?? [];
      expect(listed).toContain(r.scene);
      expect(r.commit).toMatch(/^[0-9a-f]{40}/);
      expect(statSync(join(PUBLIC, r.file)).size).toBe(r.bytes);
      expect(trainedResultsFor(scene)?.[r.arm]).toBe(r);
    }
  });

  test('all trained results together stay under 15 MB', () => {
    const total = RESULTS.reduce((s, r) => s + r.bytes, 0);
    expect(total).toBeLessThan(15_000_000);
  });

  test('a trained result continues for another live budget, evaluated as often as live', () => {
    for (const r of RESULTS) {
      const c = continuedConfig(r);
      expect(c.steps).toBe(r.steps + r.liveSteps);
      expect(c.evalEvery).toBe(Number(sceneById(r.scene).arms[0]!.config.evalEvery));
    }
  });
});

/** Metric names and per-label probes of a record, flattened. */
function flat(m: MetricsRecord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of SCALAR_METRICS) if (m[k] !== undefined) out[k] = m[k]!;
  for (const [k, v] of Object.entries(m.commonProbe ?? {})) out[`commonProbe.${k}`] = v;
  for (const [k, v] of Object.entries(m.salientProbe ?? {})) out[`salientProbe.${k}`] = v;
  return out;
}

describe('every trained result re-evaluates to its recorded metrics', () => {
  beforeAll(async () => {
    // The backend the results were trained and evaluated on (npm run scenes:train's default).
    await useNodeBackend('wasm');
  });

  test.each(RESULTS.map((r) => [`${r.scene}/${r.arm}`, r] as const))(
    '%s',
    async (_key, r) => {
      const config = parseTrainingConfig(r.config);
      const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
      const session = new TrainingSession(config, dataset, augment);
      try {
        const bytes = new Uint8Array(readFileSync(join(PUBLIC, r.file)));
        session.restore(unpackFloat16(bytes, r.shapes), r.steps);
        const metrics = (await session.evaluateNow()).metrics;
        expect(metrics.step).toBe(r.steps);
        const got = flat(metrics);
        const want = flat(r.metrics);
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        // The evaluation is deterministic for given weights, data and seed on one backend (the
        // probes' subsets and L-BFGS start are seeded), so the only slack is float summation
        // order: 1e-6, far below one test sample (1/1000 of accuracy).
        for (const [k, v] of Object.entries(want))
          expect(
            Math.abs(got[k]! - v),
            `${r.scene}/${r.arm} ${k}: ${got[k]} vs ${v}`,
          ).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v)));
      } finally {
        session.dispose();
      }
    },
    600_000,
  );
});
