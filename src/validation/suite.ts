/**
 * The validation suite: every run the claims need × every seed, trained once (in-process or
 * split over child processes), then read by the claims.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAIMS, type ClaimRow, type ResultsByRun } from './claims';
import { RUNS, runById, type RunSpec } from './runs';
import { trainRun, type RunResult } from './runner';
import { exactChecks, type CheckRow } from './checks';

export interface SuiteOptions {
  quick: boolean;
  seeds: number[];
  /** Child processes training in parallel (1: in this process). */
  jobs: number;
  /** Only these claims (numbers); all when empty. */
  claims?: number[];
  log?: (line: string) => void;
}

export interface Task {
  run: string;
  seed: number;
}

export interface SuiteResult {
  rows: ClaimRow[];
  checks: CheckRow[];
  results: RunResult[];
  wallMs: number;
}

/** Relative cost of one run, to balance the child processes (brain images cost ~5× a digit). */
function cost(spec: RunSpec): number {
  const weight: Record<string, number> = {
    'brain-mri': 5,
    'brain-mri-sepclr': 8,
    'digits-on-fashion': 2,
  };
  return (weight[spec.budget] ?? 1) * (1 + (spec.transfers?.length ?? 0) * 0.5);
}

export function suiteTasks(options: Pick<SuiteOptions, 'seeds' | 'claims'>): Task[] {
  const claims = options.claims?.length
    ? CLAIMS.filter((c) => options.claims!.includes(c.number))
    : CLAIMS;
  const needed = new Set(claims.flatMap((c) => c.runs));
  return RUNS.filter((r) => needed.has(r.id)).flatMap((r) =>
    options.seeds.map((seed) => ({ run: r.id, seed })),
  );
}

/** Longest-processing-time-first assignment of tasks to `jobs` bins. */
export function splitTasks(tasks: Task[], jobs: number): Task[][] {
  const bins = Array.from({ length: Math.max(1, jobs) }, () => ({ load: 0, tasks: [] as Task[] }));
  const sorted = [...tasks].sort((a, b) => cost(runById(b.run)) - cost(runById(a.run)));
  for (const t of sorted) {
    const bin = bins.reduce((best, b) => (b.load < best.load ? b : best));
    bin.tasks.push(t);
    bin.load += cost(runById(t.run));
  }
  return bins.map((b) => b.tasks).filter((b) => b.length);
}

export async function runTasks(
  tasks: Task[],
  quick: boolean,
  log: (line: string) => void = () => undefined,
): Promise<RunResult[]> {
  const out: RunResult[] = [];
  for (const [i, t] of tasks.entries()) {
    const r = await trainRun(runById(t.run), t.seed, { quick });
    out.push(r);
    log(
      `[${i + 1}/${tasks.length}] ${t.run} seed ${t.seed}: ${(r.totalMs / 1000).toFixed(1)} s, loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}${r.error ? ` (${r.error})` : ''}`,
    );
  }
  return out;
}

function runChild(tasks: Task[], quick: boolean, index: number, log: (l: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'validate-'));
  const tasksFile = join(dir, 'tasks.json');
  const outFile = join(dir, 'results.json');
  writeFileSync(tasksFile, JSON.stringify(tasks));
  const args = ['src/cli/validate.ts', '--worker', tasksFile, '--out', outFile];
  if (quick) args.push('--quick');
  return new Promise<RunResult[]>((resolve, reject) => {
    const child = spawn(join('node_modules', '.bin', 'tsx'), args, {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`job ${index + 1}: ${line}`);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`validation job ${index + 1} exited with ${code}`);
        resolve(JSON.parse(readFileSync(outFile, 'utf8')) as RunResult[]);
      } catch (error) {
        reject(error as Error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

export function groupResults(results: RunResult[]): ResultsByRun {
  const out: ResultsByRun = {};
  for (const r of results) (out[r.run] ??= []).push(r);
  return out;
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const t0 = performance.now();
  const log = options.log ?? (() => undefined);
  const tasks = suiteTasks(options);
  log(`${tasks.length} runs (${options.seeds.length} seed(s)), ${options.jobs} job(s)`);
  let results: RunResult[];
  if (options.jobs <= 1) {
    results = await runTasks(tasks, options.quick, log);
  } else {
    const parts = await Promise.all(
      splitTasks(tasks, options.jobs).map((part, i) => runChild(part, options.quick, i, log)),
    );
    results = parts.flat();
  }
  const grouped = groupResults(results);
  const claims = options.claims?.length
    ? CLAIMS.filter((c) => options.claims!.includes(c.number))
    : CLAIMS;
  const rows = claims.flatMap((c) => c.rows(grouped));
  const checks = await exactChecks();
  return { rows, checks, results, wallMs: performance.now() - t0 };
}
