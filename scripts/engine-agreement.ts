/**
 * The TypeScript side of the engine-agreement check (test/python/test_engine_agreement.py):
 *
 *   npx tsx scripts/engine-agreement.ts --out DIR [--backend wasm|cpu] (--preset ID | --config FILE)...
 *
 * For each run: builds the playground's trainer (augmentation off: views are copies, so the batch
 * is the same on both sides), exports the run (DIR/<name>/project, the same files as
 * `npm run export:pytorch`, with the *initial* weights), takes one training step and writes what it
 * saw: the first batch's sample indices, the first-step loss, and the weights before and after that
 * step (TS layout, in the order of weights/), as .npy + result.json under DIR/<name>/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseTrainingConfig, type TrainingConfig } from '../src/contracts/trainingConfig';
import { currentWeights, exportPayload } from '../src/engine/exportPayload';
import { repeatViews, Trainer } from '../src/engine/trainer';
import type { Sampler } from '../src/engine/sampler';
import { buildPytorchExport, weightNames } from '../src/export/pytorch';
import { encodeNpy } from '../src/export/npy';
import { nodeSources, writeFileMap } from '../src/cli/exportPytorch';
import { useNodeBackend, type NodeBackend } from '../src/cli/nodeBackend';
import { nodeDataSource } from '../src/data/nodeReader';
import { loadTrainingData } from '../src/engine/trainingData';
import { presetById } from '../src/presets';

interface Job {
  name: string;
  config: TrainingConfig;
}

function parseArgs(argv: string[]): { out: string; backend: NodeBackend; jobs: Job[] } {
  let out: string | undefined;
  let backend: NodeBackend = 'wasm';
  const jobs: Job[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--out') out = value;
    else if (flag === '--backend') {
      if (value !== 'wasm' && value !== 'cpu') throw new Error('--backend must be wasm or cpu');
      backend = value;
    } else if (flag === '--preset')
      jobs.push({ name: value, config: parseTrainingConfig(presetById(value).config) });
    else if (flag === '--config')
      jobs.push({
        name: basename(value).replace(/\.json$/, ''),
        config: parseTrainingConfig(JSON.parse(readFileSync(value, 'utf8'))),
      });
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!out || !jobs.length)
    throw new Error('usage: engine-agreement.ts --out DIR (--preset ID | --config FILE)...');
  return { out, backend, jobs };
}

function writeTensors(dir: string, tensors: { shape: number[]; data: Float32Array }[]): void {
  mkdirSync(dir, { recursive: true });
  tensors.forEach((t, i) =>
    writeFileSync(join(dir, `${String(i).padStart(3, '0')}.npy`), encodeNpy(t.data, t.shape)),
  );
}

async function run(job: Job, dir: string, backend: NodeBackend): Promise<void> {
  const config = job.config;
  const { dataset } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const trainer = new Trainer(config, dataset, repeatViews);
  try {
    const before = await currentWeights(trainer);
    const payload = await exportPayload(trainer, { weights: true });
    const sources = nodeSources();
    writeFileMap(
      buildPytorchExport(payload, sources, {
        preset: null,
        commit: null,
        exportedAt: new Date(0).toISOString(),
        from: 'config',
      }),
      join(dir, 'project'),
    );
    // The sampler is private to the trainer: listen to the batch it draws for the first step.
    const sampler = (trainer as unknown as { sampler: Sampler }).sampler;
    let batch: Int32Array | null = null;
    const draw = sampler.next.bind(sampler);
    sampler.next = (size: number) => (batch = draw(size));
    const result = await trainer.step();
    if (!batch) throw new Error('the trainer drew no batch');
    const after = await currentWeights(trainer);
    writeTensors(join(dir, 'before'), before.tensors);
    writeTensors(join(dir, 'after'), after.tensors);
    const indices = batch as Int32Array;
    writeFileSync(join(dir, 'batch.npy'), encodeNpy(indices, [indices.length]));
    writeFileSync(
      join(dir, 'result.json'),
      `${JSON.stringify(
        {
          name: job.name,
          backend,
          loss: result.loss,
          applied: result.applied,
          error: result.error ?? null,
          names: weightNames(payload.config),
          batchSize: indices.length,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`${job.name}: first-step loss ${result.loss} (${backend})`);
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  const { out, backend, jobs } = parseArgs(process.argv.slice(2));
  await useNodeBackend(backend);
  for (const job of jobs) await run(job, join(out, job.name), backend);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
