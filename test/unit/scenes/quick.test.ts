/**
 * `npm run scenes -- --quick` in process: every scene's arms train a few steps on tiny data at the
 * scene's own configs, and the verdict reads a number for every comparison. It checks the
 * pipeline (configs, loaders, metrics the comparisons read), not the claims.
 */
import { beforeAll, expect, test } from 'vitest';
import { useNodeBackend } from '../../../src/cli/nodeBackend';
import { runScene } from '../../../src/cli/sceneRunner';
import { SCENES } from '../../../src/scenes';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

test.each(SCENES.map((s) => [s.id, s] as const))(
  'scene %s runs end to end (quick) and every comparison gets its numbers',
  async (_id, scene) => {
    const result = await runScene(scene, { quick: true });
    for (const arm of result.arms) {
      expect(arm.error, arm.arm).toBeUndefined();
      expect(arm.history.at(-1)?.step, arm.arm).toBe(4);
    }
    expect(result.verdict.status).not.toBe('pending');
    expect(result.verdict.final).toBe(true);
    for (const c of result.verdict.comparisons) {
      expect(Number.isFinite(c.better), c.comparison.measure).toBe(true);
      expect(Number.isFinite(c.worse), c.comparison.measure).toBe(true);
    }
  },
  120_000,
);
