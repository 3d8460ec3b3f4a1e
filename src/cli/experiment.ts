/**
 * npm run experiment -- (--config FILE | --preset NAME) [--steps N] [--seed S] [--backend wasm|cpu]
 *                        [--out FILE] [--eval-every K]
 * Drives the same engine as the playground, in Node: progress on stderr, final metrics on stdout,
 * and a JSON file {config, backend, history, final, timing}.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseTrainingConfig } from '../contracts/trainingConfig';
import { TrainingSession } from '../engine/session';
import { SCALAR_METRICS, type MetricsRecord } from '../contracts/metrics';
import { presetById, PRESETS } from '../presets';
import { useNodeBackend, type NodeBackend } from './nodeBackend';
import { nodeDataSource } from '../data/nodeReader';
import { loadTrainingData } from '../engine/trainingData';

interface Args {
  config?: string;
  preset?: string;
  steps?: number;
  seed?: number;
  evalEvery?: number;
  backend: NodeBackend;
  out?: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { backend: 'wasm', quiet: false };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const integer = (v: string, flag: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`${flag} must be a non-negative integer (got ${v})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--config':
        args.config = value(i++, flag);
        break;
      case '--preset':
        args.preset = value(i++, flag);
        break;
      case '--steps':
        args.steps = integer(value(i++, flag), flag);
        break;
      case '--seed':
        args.seed = integer(value(i++, flag), flag);
        break;
      case '--eval-every':
        args.evalEvery = integer(value(i++, flag), flag);
        break;
      case '--backend': {
        const b = value(i++, flag);
        if (b !== 'wasm' && b !== 'cpu')
          throw new Error(`--backend must be wasm or cpu (got ${b})`);
        args.backend = b;
        break;
      }
      case '--out':
        args.out = value(i++, flag);
        break;
      case '--quiet':
        args.quiet = true;
        break;
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  if (!args.config === !args.preset) {
    throw new Error(
      `give exactly one of --config FILE or --preset NAME (presets: ${PRESETS.map((p) => p.id).join(', ')})`,
    );
  }
  return args;
}

function progressBar(step: number, total: number, loss: number, rate: number): string {
  const width = 30;
  const done = total ? Math.round((width * step) / total) : width;
  return `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${step}/${total}  loss ${loss.toFixed(4)}  ${rate.toFixed(1)} steps/s`;
}

export function formatMetrics(m: MetricsRecord): string {
  const lines = [`step ${m.step}`];
  for (const key of SCALAR_METRICS) {
    const v = m[key];
    if (v !== undefined) lines.push(`${key}: ${Number.isFinite(v) ? v.toFixed(4) : String(v)}`);
  }
  for (const key of ['commonProbe', 'salientProbe'] as const) {
    const probe = m[key];
    if (probe)
      lines.push(
        `${key}: ${Object.entries(probe)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}`,
      );
  }
  const t = m.transfer;
  if (t) {
    const f = (v: number) => v.toFixed(3);
    lines.push(
      `transfer (${t.label}, ${t.task}, ${t.metric === 'mae' ? 'MAE, lower is better' : 'balanced accuracy'}, ${t.labelled} labelled): ` +
        `linear probe ${f(t.linearProbe)}, fine-tuned ${f(t.fineTuned)}, from scratch ${f(t.scratch)}, random-encoder probe ${f(t.randomProbe)}`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const raw = args.config
    ? (JSON.parse(readFileSync(args.config, 'utf8')) as Record<string, unknown>)
    : presetById(args.preset!).config;
  const config = parseTrainingConfig({
    ...raw,
    ...(args.steps !== undefined ? { steps: args.steps } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.evalEvery !== undefined ? { evalEvery: args.evalEvery } : {}),
  });
  await useNodeBackend(args.backend);
  const t0 = performance.now();
  const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const loadMs = performance.now() - t0;
  let lastError: string | undefined;
  const session = new TrainingSession(config, dataset, augment, {
    progress: (step, loss, rate) => {
      if (!args.quiet && process.stderr.isTTY)
        process.stderr.write(progressBar(step, config.steps, loss, rate));
    },
    paused: (_step, reason) => {
      lastError = reason;
    },
  });
  const t1 = performance.now();
  if (config.steps === 0) await session.evaluateNow();
  const outcome = await session.play();
  const trainMs = performance.now() - t1;
  if (!args.quiet && process.stderr.isTTY) process.stderr.write('\n');
  const final = session.history.at(-1) ?? (await session.evaluateNow()).metrics;
  const result = {
    config,
    backend: args.backend,
    history: session.history,
    final,
    timing: { loadMs, trainMs, msPerStep: session.step ? trainMs / session.step : 0 },
    ...(lastError ? { error: lastError } : {}),
  };
  session.dispose();
  console.log(formatMetrics(final));
  console.log(
    `timing: load ${(loadMs / 1000).toFixed(1)} s, train ${(trainMs / 1000).toFixed(1)} s (${result.timing.msPerStep.toFixed(0)} ms/step, ${args.backend})`,
  );
  if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 2));
  if (outcome === 'paused') {
    console.error(`stopped early: ${lastError ?? 'paused'}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`experiment: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
