/**
 * Runs every preset on a small budget and prints its metrics at step 0 (random encoder) and at the
 * end: the evidence behind the "presets learn" test. `npx tsx scripts/preset-check.ts [steps]`.
 */
import { useNodeBackend } from '../src/cli/nodeBackend';
import { nodeDataSource } from '../src/data/nodeReader';
import { loadTrainingData } from '../src/engine/trainingData';
import { parseTrainingConfig } from '../src/contracts/trainingConfig';
import { TrainingSession } from '../src/engine/session';
import { PRESETS } from '../src/presets';

const steps = Number(process.argv[2] ?? 60);
await useNodeBackend('wasm');
for (const preset of PRESETS) {
  const raw = preset.config as { dataset: Record<string, unknown> };
  const config = parseTrainingConfig({
    ...raw,
    dataset: { ...raw.dataset, nTrain: 1000, nTest: 400 },
    steps,
    evalEvery: steps,
    batchSize: 64,
    evaluation: { maxTrain: 1000, maxTest: 400, knnK: 10 },
  });
  const t0 = performance.now();
  const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const session = new TrainingSession(config, dataset, augment);
  const initial = (await session.evaluateNow()).metrics;
  const losses: number[] = [];
  session['events'].progress = (_s: number, loss: number) => losses.push(loss);
  await session.play();
  const final = session.history.at(-1)!;
  const firstLoss = losses.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
  const lastLoss = losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
  const pick = (m: typeof final) =>
    Object.entries(m)
      .filter(([k, v]) => typeof v === 'number' && k !== 'step')
      .map(([k, v]) => `${k}=${(v as number).toFixed(3)}`)
      .join(' ') +
    (m.salientProbe
      ? ` salient=${JSON.stringify(m.salientProbe)} common=${JSON.stringify(m.commonProbe)}`
      : '');
  console.log(
    `\n## ${preset.id} (${((performance.now() - t0) / 1000).toFixed(0)} s) loss ${firstLoss.toFixed(3)} -> ${lastLoss.toFixed(3)}`,
  );
  console.log(`init : ${pick(initial)}`);
  console.log(`final: ${pick(final)}`);
  session.dispose();
}
