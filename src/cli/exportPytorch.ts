/**
 * npm run export:pytorch -- (--config FILE | --preset ID | --run EXPORTED_RUN.json) --out DIR
 *                           [--backend wasm|cpu]
 * Writes a self-contained PyTorch project (pytorch/EXPORT_FORMAT.md): train.py and the cplay
 * package, the vector checker with its vectors, run.json, the data set as the runner loads it, the
 * run's weights when an exported run carries them, and a README with the commands.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrainingConfig, type TrainingConfig } from '../contracts/trainingConfig';
import { exportPayload } from '../engine/exportPayload';
import { Trainer } from '../engine/trainer';
import { writeWeights } from '../models/encoder';
import {
  buildPytorchExport,
  type ExportSource,
  type ExportSources,
  type FileMap,
} from '../export/pytorch';
import { decodeRunWeights } from '../export/runWeights';
import { presetById, PRESETS } from '../presets';
import { useNodeBackend, type NodeBackend } from './nodeBackend';
import { nodeDataSource } from '../data/nodeReader';
import { loadTrainingData } from '../engine/trainingData';

/** The repository root (this file is src/cli/exportPytorch.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ExportRequest {
  config?: string;
  preset?: string;
  run?: string;
}

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split('\\').join('/'))
    .filter(keep)
    .sort();
}

/** The files the export copies verbatim, read from this repository. */
export function nodeSources(root = REPO_ROOT): ExportSources {
  const out: ExportSources = {};
  const py = join(root, 'pytorch');
  for (const file of ['train.py', 'check_vectors.py'])
    out[file] = new Uint8Array(readFileSync(join(py, file)));
  for (const file of filesUnder(join(py, 'cplay'), (p) => p.endsWith('.py')))
    out[`cplay/${file}`] = new Uint8Array(readFileSync(join(py, 'cplay', file)));
  for (const [from, to] of [
    ['test/vectors', 'vectors/public'],
    ['test/vectors-extra', 'vectors/extra'],
  ] as const)
    for (const file of filesUnder(join(root, from), (p) => !p.includes('/') && p.endsWith('.json')))
      out[`${to}/${file}`] = new Uint8Array(readFileSync(join(root, from, file)));
  return out;
}

function gitCommit(): string | null {
  try {
    return (
      execSync('git rev-parse HEAD', { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

/** The config (and, for an exported run, its weights) named by the request. */
export function readRequest(request: ExportRequest): {
  config: TrainingConfig;
  weights?: ReturnType<typeof decodeRunWeights>;
  source: Pick<ExportSource, 'preset' | 'from'>;
} {
  const given = [request.config, request.preset, request.run].filter((v) => v !== undefined);
  if (given.length !== 1)
    throw new Error(
      `give exactly one of --config FILE, --preset ID or --run EXPORTED_RUN.json (presets: ${PRESETS.map((p) => p.id).join(', ')})`,
    );
  const readJson = (file: string) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  if (request.preset !== undefined)
    return {
      config: parseTrainingConfig(presetById(request.preset).config),
      source: { preset: request.preset, from: 'preset' },
    };
  if (request.config !== undefined)
    return {
      config: parseTrainingConfig(readJson(request.config)),
      source: { preset: null, from: 'config' },
    };
  const run = readJson(request.run!) as { config?: unknown; weights?: unknown } | null;
  if (!run || typeof run !== 'object' || !('config' in run))
    throw new Error(`${request.run}: not an exported run (no "config")`);
  const config = parseTrainingConfig(run.config);
  const weights = run.weights == null ? undefined : decodeRunWeights(run.weights);
  return { config, weights, source: { preset: null, from: 'run' } };
}

/** Builds the export's file map in Node: the runner's loader, the trainer's initial weights. */
export async function buildNodeExport(
  request: ExportRequest,
  options: { exportedAt?: string; backend?: NodeBackend; sources?: ExportSources } = {},
): Promise<FileMap> {
  const { config, weights, source } = readRequest(request);
  // The backend matters only for a VAE prior, which trains while the data set loads.
  await useNodeBackend(options.backend ?? 'wasm');
  const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const trainer = new Trainer(config, dataset, augment);
  try {
    if (weights) {
      // Checks every tensor's shape against this config's model before anything is written.
      const encoders = [trainer.encoder, trainer.salientEncoder].filter((e) => e !== undefined);
      const expected = encoders.reduce((n, e) => n + e.variables.length, 0);
      if (weights.tensors.length !== expected)
        throw new Error(
          `the run's weights hold ${weights.tensors.length} tensors; its config's model has ${expected}`,
        );
      let offset = 0;
      for (const e of encoders) {
        const part = weights.tensors.slice(offset, offset + e.variables.length);
        e.variables.forEach((v, i) => {
          const shape = part[i]!.shape;
          if (shape.join(',') !== v.shape.join(','))
            throw new Error(
              `weight ${offset + i}: shape [${shape.join(', ')}], the model expects [${v.shape.join(', ')}]`,
            );
        });
        writeWeights(
          e,
          part.map((t) => t.data),
        );
        offset += e.variables.length;
      }
      trainer.stepCount = weights.step;
    }
    const payload = await exportPayload(trainer, { weights: weights !== undefined });
    return buildPytorchExport(payload, options.sources ?? nodeSources(), {
      ...source,
      commit: gitCommit(),
      exportedAt: options.exportedAt ?? new Date().toISOString(),
    });
  } finally {
    trainer.dispose();
  }
}

/** Writes a file map under `dir` (replacing the export's own entries, keeping nothing stale). */
export function writeFileMap(files: FileMap, dir: string): void {
  for (const top of ['cplay', 'vectors', 'data', 'weights'])
    rmSync(join(dir, top), { recursive: true, force: true });
  for (const [path, bytes] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}

interface Args extends ExportRequest {
  out?: string;
  backend: NodeBackend;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { backend: 'wasm' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--config') args.config = value();
    else if (flag === '--preset') args.preset = value();
    else if (flag === '--run') args.run = value();
    else if (flag === '--out') args.out = value();
    else if (flag === '--backend') {
      const b = value();
      if (b !== 'wasm' && b !== 'cpu') throw new Error(`--backend must be wasm or cpu (got ${b})`);
      args.backend = b;
    } else throw new Error(`unknown argument ${flag}`);
  }
  if (!args.out) throw new Error('--out DIR is required');
  return args;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
    readRequest(args); // a bad request fails before the data set loads
  } catch (error) {
    console.error(`export:pytorch: ${(error as Error).message}`);
    console.error(
      'usage: npm run export:pytorch -- (--config FILE | --preset ID | --run EXPORTED_RUN.json) --out DIR [--backend wasm|cpu]',
    );
    process.exit(2);
  }
  const out = resolve(args.out!);
  if (statSync(out, { throwIfNoEntry: false })?.isFile()) {
    console.error(`export:pytorch: ${out} is a file, not a folder`);
    process.exit(2);
  }
  const files = await buildNodeExport(args, { backend: args.backend });
  writeFileMap(files, out);
  const bytes = Object.values(files).reduce((n, b) => n + b.length, 0);
  console.log(
    `Wrote ${Object.keys(files).length} files (${(bytes / 1e6).toFixed(1)} MB) to ${out}\n` +
      `  python3 ${join(args.out!, 'check_vectors.py')} ${join(args.out!, 'vectors/public')} ${join(args.out!, 'vectors/extra')}\n` +
      `  python3 ${join(args.out!, 'train.py')} --steps 50 --out metrics.json`,
  );
}

const invoked = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked)
  main().catch((error: unknown) => {
    console.error(`export:pytorch: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
