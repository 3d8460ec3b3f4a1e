/**
 * npm run scenes:train -- --scene ID[,ID…] [--factor F] [--seed S] [--arm ARM] [--backend wasm|cpu]
 * Trains each arm of the scenes at F times (default 10) the live budget, from the scene's seed,
 * with the scene's own config otherwise; rounds the weights to float16 (as the page loads them),
 * evaluates them, and writes public/trained/<scene>/<arm>.f16z (packed weights) and
 * public/trained/<scene>/<arm>.json (manifest: command, seed, commit, config fingerprint, the
 * metrics of the rounded weights and of the same run at the live budget). Then rebuilds the
 * registry src/scenes/trainedResults.json from every manifest under public/trained/.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTrainingConfig } from '../contracts/trainingConfig';
import { TrainingSession } from '../engine/session';
import {
  configFingerprint,
  packFloat16,
  roundToFloat16,
  sceneById,
  trainedConfig,
  trainedKey,
  withSeed,
  type TrainedResult,
} from '../scenes';
import { loadTrainingData } from '../engine/trainingData';
import { nodeDataSource } from '../data/nodeReader';
import { weightsByEncoder } from '../contracts/protocol';
import { useNodeBackend, type NodeBackend } from './nodeBackend';

const ROOT = resolve(import.meta.dirname, '../..');
export const TRAINED_DIR = join(ROOT, 'public', 'trained');
const REGISTRY = join(ROOT, 'src', 'scenes', 'trainedResults.json');

/** The commit the training started from (read at start: the tree may change during a long run). */
const COMMIT = `${git('rev-parse HEAD')}${git('status --porcelain --untracked-files=no') ? ' (with uncommitted changes)' : ''}`;

interface Args {
  scenes: string[];
  arms: string[];
  factor: number;
  seed?: number;
  backend: NodeBackend;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scenes: [], arms: [], factor: 10, backend: 'wasm' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    i++;
    switch (flag) {
      case '--scene':
        args.scenes.push(...v.split(','));
        break;
      case '--arm':
        args.arms.push(...v.split(','));
        break;
      case '--factor':
        args.factor = Number(v);
        if (!Number.isInteger(args.factor) || args.factor < 1)
          throw new Error(`--factor must be a positive integer (got ${v})`);
        break;
      case '--seed':
        args.seed = Number(v);
        if (!Number.isInteger(args.seed) || args.seed < 0)
          throw new Error(`--seed must be a non-negative integer (got ${v})`);
        break;
      case '--backend':
        if (v !== 'wasm' && v !== 'cpu')
          throw new Error(`--backend must be wasm or cpu (got ${v})`);
        args.backend = v;
        break;
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  if (!args.scenes.length) throw new Error('--scene ID[,ID…] is required');
  for (const id of args.scenes) sceneById(id);
  return args;
}

function git(command: string): string {
  try {
    return execSync(`git ${command}`, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/** Rebuilds the registry from every manifest on disk (so parallel trainings cannot lose one). */
export function rebuildRegistry(): Record<string, TrainedResult> {
  const out: Record<string, TrainedResult> = {};
  const scenes = statSync(TRAINED_DIR, { throwIfNoEntry: false }) ? readdirSync(TRAINED_DIR) : [];
  for (const scene of scenes.sort()) {
    const dir = join(TRAINED_DIR, scene);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.json')) continue;
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as TrainedResult;
      out[trainedKey(r.scene, r.arm)] = r;
    }
  }
  writeFileSync(REGISTRY, `${JSON.stringify(out, null, 1)}\n`);
  return out;
}

async function trainArm(
  sceneId: string,
  armId: string,
  live: Record<string, unknown>,
  args: Args,
): Promise<TrainedResult> {
  const raw = trainedConfig(live, args.factor);
  const config = parseTrainingConfig(raw);
  const liveSteps = Number(live.steps);
  const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
  let lastLog = 0;
  let error: string | undefined;
  const t0 = performance.now();
  const session = new TrainingSession(config, dataset, augment, {
    progress: (step, loss, sps) => {
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        console.error(
          `  ${sceneId}/${armId}: step ${step}, loss ${loss.toFixed(4)}, ${sps.toFixed(2)} steps/s`,
        );
      }
    },
    paused: (_s, reason) => {
      if (reason) error = reason;
    },
  });
  try {
    // The live budget first, evaluated: the same run's state where the live scene ends.
    await session.play(liveSteps);
    if (error) throw new Error(`${sceneId}/${armId} stopped at step ${session.step}: ${error}`);
    const liveMetrics = (await session.evaluateNow()).metrics;
    console.error(
      `  ${sceneId}/${armId}: live budget (${liveSteps}) ${JSON.stringify(liveMetrics)}`,
    );
    await session.play();
    if (error || session.step !== config.steps)
      throw new Error(`${sceneId}/${armId} stopped at step ${session.step}: ${error ?? 'paused'}`);
    const trainSeconds = (performance.now() - t0) / 1000;
    const rounded = roundToFloat16(weightsByEncoder(await session.weightsSnapshot()));
    session.restore(rounded, session.step);
    const metrics = (await session.evaluateNow()).metrics;
    delete metrics.loss;
    delete liveMetrics.loss;
    const packed = packFloat16(rounded);
    const dir = join(TRAINED_DIR, sceneId);
    mkdirSync(dir, { recursive: true });
    const file = `trained/${sceneId}/${armId}.f16z`;
    writeFileSync(join(ROOT, 'public', file), packed);
    const result: TrainedResult = {
      scene: sceneId,
      arm: armId,
      seed: config.seed,
      liveSteps,
      steps: config.steps,
      fingerprint: configFingerprint(live),
      config: raw,
      shapes: shapesOf(session),
      file,
      bytes: packed.length,
      metrics,
      liveMetrics,
      command: `npm run scenes:train -- ${process.argv.slice(2).join(' ')}`,
      commit: COMMIT,
      trainedAt: new Date().toISOString(),
      trainSeconds: Math.round(trainSeconds * 10) / 10,
    };
    writeFileSync(join(dir, `${armId}.json`), `${JSON.stringify(result, null, 1)}\n`);
    return result;
  } finally {
    session.dispose();
  }
}

function shapesOf(session: TrainingSession): number[][][] {
  const parts = [session.trainer.encoder, session.trainer.salientEncoder].filter(
    (e) => e !== undefined,
  );
  return parts.map((e) => e.variables.map((v) => [...v.shape]));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await useNodeBackend(args.backend);
  for (const id of args.scenes) {
    const base = sceneById(id);
    const scene = args.seed === undefined ? base : withSeed(base, args.seed);
    for (const arm of scene.arms) {
      if (args.arms.length && !args.arms.includes(arm.id)) continue;
      const r = await trainArm(scene.id, arm.id, arm.config, args);
      console.log(
        `trained ${r.scene}/${r.arm}: ${r.steps} steps in ${r.trainSeconds} s, ${(r.bytes / 1e6).toFixed(2)} MB; ${JSON.stringify(r.metrics)}`,
      );
      rebuildRegistry();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`scenes:train: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);
