/**
 * npx tsx scripts/scene-eval-cost.ts [SCENE…]: per scene arm, what a verdict costs besides the
 * training steps, on WASM in Node: loading the data set and one full evaluation (embedding,
 * probes, bias metrics), with the evaluations the scene runs. Used for the GPU estimate in
 * docs/SCENES.md (these CPU-side parts do not get faster on a GPU in this design).
 */
import { parseTrainingConfig } from '../src/contracts/trainingConfig';
import { TrainingSession } from '../src/engine/session';
import { SCENES, sceneById } from '../src/scenes';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { loadTrainingData } from '../src/engine/trainingData';
import { nodeDataSource } from '../src/data/nodeReader';

async function main() {
  await useNodeBackend('wasm');
  const ids = process.argv.slice(2);
  for (const scene of ids.length ? ids.map(sceneById) : SCENES) {
    const arm = scene.arms[0]!;
    const config = parseTrainingConfig(arm.config);
    const t0 = performance.now();
    const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
    const load = performance.now() - t0;
    const session = new TrainingSession(config, dataset, augment);
    await session.evaluateNow();
    const t1 = performance.now();
    await session.evaluateNow();
    const evaluation = performance.now() - t1;
    const evals = Math.floor(config.steps / config.evalEvery);
    console.log(
      `${scene.id}: load ${(load / 1000).toFixed(2)} s, one evaluation ${(evaluation / 1000).toFixed(2)} s, ${evals} evaluations per arm (${config.steps} steps, batch ${config.batchSize}×${config.views})`,
    );
    session.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
