/**
 * Trains one validation run for one seed with the same engine as the playground (WASM in Node),
 * then measures what the claims need: the final evaluation, the same evaluation of the untrained
 * encoder, extra probes, and transfer with few labels.
 */
import { parseTrainingConfig, type TrainingConfig } from '../contracts/trainingConfig';
import type { MetricsRecord, TransferMetrics } from '../contracts/metrics';
import { TrainingSession } from '../engine/session';
import { balancedAccuracy, computeTransfer } from '../engine/transfer';
import type { Trainer } from '../engine/trainer';
import type { Dataset } from '../data/types';
import { nodeDataSource } from '../data/nodeReader';
import { loadTrainingData } from '../engine/trainingData';
import { fitLinearProbe, predictLinearProbe } from '../ml/metrics/probes';
import { ridgeRegression } from '../ml/metrics/regression';
import { BUDGETS, QUICK, TRANSFER } from './budgets';
import { probeKey, type ProbeSpec, type RunSpec } from './runs';

export interface RunResult {
  run: string;
  seed: number;
  /** Metrics of the untrained (randomly initialised) encoder. */
  initial: MetricsRecord;
  final: MetricsRecord;
  /** Probe scores by `probeKey`. */
  probes: Record<string, number>;
  transfers: Record<string, TransferMetrics>;
  firstLoss: number;
  lastLoss: number;
  trainMs: number;
  totalMs: number;
  error?: string;
}

export interface RunOptions {
  quick: boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Budget ⊕ run: nested objects (dataset, evaluation) are merged one level deep. */
export function runConfig(spec: RunSpec, seed: number, options: RunOptions): TrainingConfig {
  const base = BUDGETS[spec.budget].base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(spec.config)) {
    const prior = merged[key];
    merged[key] =
      isRecord(prior) && isRecord(value) && key === 'dataset' ? { ...prior, ...value } : value;
  }
  merged.seed = seed;
  if (options.quick) {
    merged.dataset = { ...(merged.dataset as object), nTrain: QUICK.nTrain, nTest: QUICK.nTest };
    merged.steps = QUICK.steps;
    merged.evaluation = QUICK.evaluation;
    if (isRecord(merged.prior)) merged.prior = { ...merged.prior, steps: QUICK.priorSteps };
  }
  merged.evalEvery = merged.steps;
  return parseTrainingConfig(merged);
}

function rowsWhere(x: Float32Array, dim: number, keep: (i: number) => boolean, n: number) {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) rows.push(i);
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, j) => out.set(x.subarray(r * dim, (r + 1) * dim), j * dim));
  return { x: out, rows };
}

async function probeScores(trainer: Trainer, probes: ProbeSpec[]): Promise<Record<string, number>> {
  if (!probes.length) return {};
  const { dataset, config } = trainer;
  const train = await trainer.embed(dataset.train, config.evaluation.maxTrain);
  const test = await trainer.embed(dataset.test, config.evaluation.maxTest);
  const out: Record<string, number> = {};
  for (const p of probes) {
    const salient = p.space === 'salient';
    const dim = salient ? trainer.salientEncoder!.embeddingDim : trainer.encoder.representationDim;
    const xTrain = salient ? train.salient! : train.representation;
    const xTest = salient ? test.salient! : test.representation;
    const targetOnly = (split: Dataset['train']) => (i: number) =>
      p.samples !== 'target' || split.flags.isTarget?.[i] === 1;
    const tr = rowsWhere(xTrain, dim, targetOnly(dataset.train), train.n);
    const te = rowsWhere(xTest, dim, targetOnly(dataset.test), test.n);
    if (p.kind === 'classify') {
      const yTrainAll = dataset.train.labels[p.label];
      const yTestAll = dataset.test.labels[p.label];
      if (!yTrainAll || !yTestAll) throw new Error(`no class label '${p.label}'`);
      const yTrain = Int32Array.from(tr.rows, (i) => yTrainAll[i]!);
      const yTest = Int32Array.from(te.rows, (i) => yTestAll[i]!);
      const model = fitLinearProbe(tr.x, yTrain, dim);
      out[probeKey(p, 'bacc')] = balancedAccuracy(predictLinearProbe(model, te.x), yTest);
    } else {
      const yTrainAll = dataset.train.attributes[p.label];
      const yTestAll = dataset.test.attributes[p.label];
      if (!yTrainAll || !yTestAll) throw new Error(`no attribute '${p.label}'`);
      const r = ridgeRegression(
        tr.x,
        Float32Array.from(tr.rows, (i) => yTrainAll[i]!),
        te.x,
        Float32Array.from(te.rows, (i) => yTestAll[i]!),
        dim,
      );
      out[probeKey(p, 'mae')] = r.mae;
      out[probeKey(p, 'r2')] = r.r2;
    }
  }
  return out;
}

export async function trainRun(
  spec: RunSpec,
  seed: number,
  options: RunOptions,
): Promise<RunResult> {
  const t0 = performance.now();
  const config = runConfig(spec, seed, options);
  const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const losses: number[] = [];
  let error: string | undefined;
  const session = new TrainingSession(config, dataset, augment, {
    progress: (_step, loss) => losses.push(loss),
    paused: (_step, reason) => {
      if (reason) error = reason;
    },
  });
  try {
    const initial = (await session.evaluateNow()).metrics;
    const t1 = performance.now();
    await session.play();
    const trainMs = performance.now() - t1;
    const final = session.history.at(-1)!;
    const probes = await probeScores(session.trainer, spec.probes ?? []);
    const transfers: Record<string, TransferMetrics> = {};
    for (const t of spec.transfers ?? []) {
      transfers[t.name] = await computeTransfer(session.trainer, {
        label: t.label,
        fraction: t.fraction,
        steps: options.quick ? QUICK.transferSteps : (t.steps ?? TRANSFER.steps),
        batchSize: t.batchSize ?? TRANSFER.batchSize,
        lr: TRANSFER.lr,
      });
    }
    const head = losses.slice(0, 5);
    const tail = losses.slice(-5);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      run: spec.id,
      seed,
      initial,
      final,
      probes,
      transfers,
      firstLoss: avg(head),
      lastLoss: avg(tail),
      trainMs,
      totalMs: performance.now() - t0,
      ...(error ? { error } : {}),
    };
  } finally {
    session.dispose();
  }
}
