/**
 * npm run bench [-- --quick] [--no-browser] [--no-scenes] [--scenes [--only=ID,…]] [--profile | --profile-browser] [--projections | --no-projections]
 *
 * One run, side by side: each bench case (the presets' encoders and losses, random images, batch
 * 64 and 256 × 2 views) on Node WASM (one thread) against the same step in PyTorch on one thread
 * and on every core (scripts/bench_torch.py), with the ratios; the same cases in headless Chromium
 * on WASM with one thread and with every core (the speed-up), on WebGPU with the dispatches, reads
 * and uploads of a step, on WebGL; Node's CPU backend at batch 64; each scene's (preset's) steps
 * per second in the browser on WASM (every arm of every scene of src/scenes, then every preset;
 * `--scenes` runs only these); then the projections (t-SNE, UMAP) of 2,000 MNIST digits,
 * with scikit-learn's TSNE beside them unless --quick (`--projections` runs only those).
 * Times are the best of a few windows (other jobs on a shared machine only add time) and CPU
 * time per step is printed beside wall time. Prints markdown tables; asserts nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAsset, gunzip, isGzip } from '../data/asset';
import { PLAYGROUND_SETTINGS, tsne, umap } from '../projection/index';
import {
  BENCH_CASES,
  benchCase,
  benchTable,
  profileStep,
  type BenchCase,
  type BenchResult,
  type GpuStepCounts,
  type SceneResult,
  type SceneRun,
} from '../engine/benchmark';
import { PRESETS } from '../presets';
import { SCENES } from '../scenes';
import { useNodeBackend, type NodeBackend } from './nodeBackend';

interface TorchResult {
  name: string;
  batchSize: number;
  threads: number;
  msPerStep: number;
  cpuMsPerStep: number;
}

const key = (r: { name: string; batchSize: number }) => `${r.name}@${r.batchSize}`;
const fmt = (ms: number | undefined) => (ms === undefined ? '—' : ms.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? '—' : `${(a / b).toFixed(1)}×`;

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const quick = args.has('--quick');
  if (args.has('--projections')) {
    await benchProjections(quick);
    return;
  }
  if (args.has('--scenes')) {
    const [l1] = loadavg();
    console.log(`Scenes only: load average ${l1!.toFixed(1)} at the start.`);
    const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
    printScenes(await benchScenes(quick, availableParallelism(), only?.split(',').filter(Boolean)));
    return;
  }
  const cases = quick ? BENCH_CASES.filter((c) => c.batchSize === 64).slice(0, 1) : BENCH_CASES;
  if (args.has('--profile-browser')) {
    await browserProfile(cases, quick);
    return;
  }
  const allThreads = availableParallelism();
  const [load1, load5] = loadavg();
  console.log(
    `Bench: ${allThreads} logical cores, load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} at the start.`,
  );

  // 1. Node WASM (one thread) against PyTorch, case by case, so both see the same load.
  const python = torchPython();
  if (typeof python !== 'string') console.error(`PyTorch: ${python.reason}`);
  await useNodeBackend('wasm');
  const results: BenchResult[] = [];
  const torch = new Map<string, { one?: TorchResult; all?: TorchResult }>();
  for (const c of cases) {
    const r = await benchCase(c, { warmup: 2, steps: quick ? 3 : 8, rounds: quick ? 1 : 3 });
    results.push({ ...r, backend: 'node-wasm', threads: 1 });
    console.error(`node-wasm ${c.name} batch ${c.batchSize}: ${r.msPerStep.toFixed(1)} ms/step`);
    if (typeof python === 'string') {
      const one = torchBench(python, c, 1, quick);
      const all = allThreads > 1 ? torchBench(python, c, allThreads, quick) : one;
      torch.set(key(c), { one, all });
      console.error(
        `PyTorch ${c.name} batch ${c.batchSize}: ${one.msPerStep.toFixed(1)} ms/step (1 thread), ${all.msPerStep.toFixed(1)} (${allThreads})`,
      );
    }
  }
  if (args.has('--profile')) {
    for (const c of cases.filter((x) => x.batchSize === 256 || quick)) {
      const rows = await profileStep(c);
      const total = rows.reduce((s, k) => s + k.ms, 0);
      const count = rows.reduce((s, k) => s + k.count, 0);
      console.log(
        `\nWASM kernels of one step (${c.name}, batch ${c.batchSize}×2): ${count} kernels, ${total.toFixed(1)} ms in kernels`,
      );
      for (const k of rows.slice(0, 10))
        console.log(`  ${k.kernel.padEnd(22)} ×${String(k.count).padEnd(4)} ${k.ms.toFixed(1)} ms`);
    }
  }

  // 2. Node's CPU backend (pure JavaScript; ~15× slower), MLP cases at batch 64 only.
  await useNodeBackend('cpu' as NodeBackend);
  for (const c of cases.filter((x) => x.batchSize === 64 && !x.name.includes('CNN'))) {
    const r = await benchCase(c, { warmup: 1, steps: 2 });
    results.push({ ...r, backend: 'node-cpu' });
  }

  // 3. Headless Chromium: WASM on one thread and on every core; WebGPU with its counts; WebGL.
  let gpuCounts: GpuStepCounts[] = [];
  let scenes: SceneResult[] = [];
  if (!args.has('--no-browser')) {
    const browser = await import('./browserBench');
    const attempt = async <T>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await f();
      } catch (error) {
        console.error(`browser ${what}: skipped (${(error as Error).message})`);
        return undefined;
      }
    };
    // One thread and every core in turn, twice, each figure the better of its two pages: the
    // speed-up is a ratio of two timings, and a burst of load on either side moved it by ±15 %.
    const wasmRuns = new Map<string, BenchResult>();
    for (const threads of allThreads > 1 ? [1, allThreads, 1, allThreads] : [1, 1]) {
      const r = await attempt(`wasm ${threads} threads`, () =>
        browser.benchInBrowser('wasm', cases, threads),
      );
      for (const x of r ?? []) {
        const id = `${key(x)} ${x.threads ?? 1}`;
        const best = wasmRuns.get(id);
        if (!best || x.msPerStep < best.msPerStep) wasmRuns.set(id, x);
      }
    }
    for (const x of wasmRuns.values()) results.push({ ...x, backend: 'browser-wasm' });
    const small = cases.filter((c) => c.batchSize === 64);
    for (const backend of ['webgpu', 'webgl']) {
      const r = await attempt(backend, () => browser.benchInBrowser(backend, small));
      for (const x of r ?? []) results.push({ ...x, backend: `browser-${backend}` });
    }
    gpuCounts = (await attempt('webgpu counts', () => browser.countGpuInBrowser(small))) ?? [];
    if (args.has('--profile')) await attempt('profile', () => browserProfile(cases, quick));
    if (!args.has('--no-scenes'))
      scenes = (await attempt('scenes', () => benchScenes(quick, allThreads))) ?? [];
  }

  // Tables.
  console.log(`\n${benchTable(results)}\n`);
  console.log(comparisonTable(cases, results, torch, allThreads, python));
  console.log(threadTable(cases, results, allThreads));
  if (gpuCounts.length) {
    console.log('\nWebGPU, one training step (Chromium; SwiftShader here):\n');
    console.log(
      '| case | batch | dispatches | GPU→CPU reads per step | reads per drain (evaluation) | reads, plain step | uploads |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const g of gpuCounts)
      console.log(
        `| ${g.name} | ${g.batchSize}×2 | ${g.dispatches} | ${g.reads} | ${g.drainReads} | ${g.plainStepReads} | ${g.uploads} |`,
      );
    if (args.has('--profile'))
      for (const g of gpuCounts)
        console.log(`  ${g.name}: ${g.byShader.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  printScenes(scenes);
  const [l1, l5] = loadavg();
  console.log(`\nLoad average at the end: ${l1!.toFixed(1)} / ${l5!.toFixed(1)}.`);
  if (!args.has('--no-projections')) await benchProjections(quick);
}

/**
 * WASM kernel times of one step in Chromium on one thread and on every core, side by side: the
 * batch-256 cases and the first arm of each brain-MRI scene. Time outside kernels (JavaScript:
 * augmentation, tape, bookkeeping) is the step's wall time less its kernels'.
 */
async function browserProfile(cases: BenchCase[], quick: boolean): Promise<void> {
  const browser = await import('./browserBench');
  const big = cases.filter((c) => c.batchSize === 256 || quick);
  const runs: SceneRun[] = SCENES.filter((s) =>
    s.arms.some((a) => String((a.config.dataset as { name: string }).name).startsWith('brain')),
  ).map((s) => ({ id: `${s.id}/${s.arms[0]!.id}`, config: s.arms[0]!.config }));
  const threads = availableParallelism();
  const one = await browser.profileInBrowser(big, quick ? runs.slice(0, 1) : runs, 1);
  const all = await browser.profileInBrowser(big, quick ? runs.slice(0, 1) : runs, threads);
  const [l1] = loadavg();
  console.log(
    `\nWASM kernels of one step in Chromium, 1 thread vs ${threads} (median of 3 profiled steps; load ${l1!.toFixed(1)}):`,
  );
  for (const a of one) {
    const b = all.find((x) => x.id === a.id);
    if (!b) continue;
    const sum = (k: { ms: number }[]) => k.reduce((s, x) => s + x.ms, 0);
    console.log(
      `\n${a.id}: step ${a.stepMs.toFixed(1)} → ${b.stepMs.toFixed(1)} ms (${(a.stepMs / b.stepMs).toFixed(2)}×); in kernels ${sum(a.kernels).toFixed(1)} → ${sum(b.kernels).toFixed(1)}; outside ${(a.stepMs - sum(a.kernels)).toFixed(1)} → ${(b.stepMs - sum(b.kernels)).toFixed(1)}\n`,
    );
    console.log(`| kernel | count | 1 thread ms | ${threads} threads ms | speed-up |`);
    console.log('| --- | --- | --- | --- | --- |');
    for (const k of a.kernels.slice(0, 14)) {
      const m = b.kernels.find((x) => x.kernel === k.kernel)?.ms;
      console.log(
        `| ${k.kernel} | ${k.count} | ${k.ms.toFixed(1)} | ${fmt(m)} | ${m ? (k.ms / m).toFixed(2) + '×' : '—'} |`,
      );
    }
  }
}

/** Every arm of every scene, then every preset (with --quick: one arm and one preset). */
async function benchScenes(
  quick: boolean,
  threads: number,
  only?: string[],
): Promise<SceneResult[]> {
  const browser = await import('./browserBench');
  const arms: SceneRun[] = SCENES.flatMap((scene) =>
    scene.arms.map((arm) => ({ id: `${scene.id}/${arm.id}`, config: arm.config })),
  );
  const presets: SceneRun[] = PRESETS.map((p) => ({ id: p.id, config: p.config }));
  let runs = quick ? [arms[0]!, presets[0]!] : [...arms, ...presets];
  if (only) runs = runs.filter((r) => only.some((o) => r.id === o || r.id.startsWith(`${o}/`)));
  return browser.scenesInBrowser(runs, quick ? 2 : 5, threads);
}

function printScenes(scenes: SceneResult[]): void {
  if (!scenes.length) return;
  const isArm = (s: SceneResult) => s.id.includes('/');
  console.log(
    `\nScenes on WASM in Chromium (${scenes[0]!.threads ?? 1} threads), each arm with its own data and augmentations:\n`,
  );
  const helper = (s: SceneResult) => (s.prefetched ? 'yes' : 'no');
  console.log('| scene | arm | batch | steps/s | views from the helper worker |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const s of scenes.filter(isArm)) {
    const [scene, arm] = s.id.split('/');
    console.log(
      `| ${scene} | ${arm} | ${s.batchSize} | ${s.stepsPerSecond.toFixed(1)} | ${helper(s)} |`,
    );
  }
  const presets = scenes.filter((s) => !isArm(s));
  if (!presets.length) return;
  console.log('\nPresets on WASM in Chromium (same threads):\n');
  console.log('| preset | batch | steps/s | views from the helper worker |');
  console.log('| --- | --- | --- | --- |');
  for (const s of presets)
    console.log(`| ${s.id} | ${s.batchSize} | ${s.stepsPerSecond.toFixed(1)} | ${helper(s)} |`);
}

function comparisonTable(
  cases: BenchCase[],
  results: BenchResult[],
  torch: Map<string, { one?: TorchResult; all?: TorchResult }>,
  allThreads: number,
  python: string | { reason: string },
): string {
  if (typeof python !== 'string') return `\nPyTorch: ${python.reason}\n`;
  const lines = [
    `\nOurs against PyTorch ${torchVersion(python)} (CPU), same step (architecture, loss, batch, Adam). One thread: Node WASM; ${allThreads} threads: Chromium WASM. ms/step wall (CPU):\n`,
    `| case | batch | ours, 1 thread | PyTorch, 1 thread | ratio wall (CPU) | ours, ${allThreads} threads | PyTorch, ${allThreads} threads | ratio |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of cases) {
    const ours = results.find((r) => r.backend === 'node-wasm' && key(r) === key(c));
    const oursAll = results.find(
      (r) => r.backend === 'browser-wasm' && key(r) === key(c) && (r.threads ?? 1) > 1,
    );
    const t = torch.get(key(c));
    lines.push(
      `| ${c.name} | ${c.batchSize}×2 | ${fmt(ours?.msPerStep)} (${fmt(ours?.cpuMsPerStep)}) | ${fmt(t?.one?.msPerStep)} (${fmt(t?.one?.cpuMsPerStep)}) | ${ratio(ours?.msPerStep, t?.one?.msPerStep)} (${ratio(ours?.cpuMsPerStep, t?.one?.cpuMsPerStep)}) | ${fmt(oursAll?.msPerStep)} | ${fmt(t?.all?.msPerStep)} | ${ratio(oursAll?.msPerStep, t?.all?.msPerStep)} |`,
    );
  }
  return lines.join('\n');
}

function threadTable(cases: BenchCase[], results: BenchResult[], allThreads: number): string {
  const rows = cases.flatMap((c) => {
    const one = results.find(
      (r) => r.backend === 'browser-wasm' && key(r) === key(c) && (r.threads ?? 1) === 1,
    );
    const all = results.find(
      (r) => r.backend === 'browser-wasm' && key(r) === key(c) && (r.threads ?? 1) > 1,
    );
    if (!one || !all) return [];
    return [
      `| ${c.name} | ${c.batchSize}×2 | ${fmt(one.msPerStep)} | ${fmt(all.msPerStep)} (${all.threads} threads) | ${(one.msPerStep / all.msPerStep).toFixed(2)}× |`,
    ];
  });
  if (!rows.length)
    return `\nWASM threads: no threaded run (${allThreads} logical cores, or the browser part was skipped).`;
  return [
    '\nWASM in Chromium, one thread against every core:\n',
    '| case | batch | 1 thread ms | all threads ms | speed-up |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** A Python with torch: $PYTHON, /usr/bin/python3, then python3 on the PATH. */
function torchPython(): string | { reason: string } {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(
    (p): p is string => !!p,
  );
  for (const py of candidates) {
    const probe = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (probe.status === 0) return py;
  }
  return {
    reason:
      'skipped: no Python with torch found ($PYTHON, /usr/bin/python3, python3). On Debian: sudo apt-get install -y python3-torch',
  };
}

function torchVersion(python: string): string {
  try {
    return execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return '?';
  }
}

function torchBench(python: string, c: BenchCase, threads: number, quick: boolean): TorchResult {
  const spec = JSON.stringify([{ name: c.name, batchSize: c.batchSize, ...c.config }]);
  const out = execFileSync(
    python,
    ['scripts/bench_torch.py', spec, String(threads), '3', quick ? '5' : '10', quick ? '1' : '3'],
    // torch.set_num_threads does not reach the BLAS library's own pool: without these, PyTorch's
    // "one thread" ran its matrix products on both cores here (CPU time twice the wall time).
    // Debian's PyTorch has two pools, OpenMP's and OpenBLAS's (pthreads), and both spin while they
    // wait: on 2 threads each spun on the core the other needed, and a step took 1.5–5× longer
    // than on one thread (InfoNCE 256×2: 20.8 ms against 11.7). OMP_WAIT_POLICY=PASSIVE makes
    // OpenMP's threads sleep instead (8.7 ms).
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        OMP_NUM_THREADS: String(threads),
        OPENBLAS_NUM_THREADS: String(threads),
        MKL_NUM_THREADS: String(threads),
        ...(threads > 1 ? { OMP_WAIT_POLICY: 'PASSIVE' } : {}),
      },
    },
  );
  return (JSON.parse(out) as TorchResult[])[0]!;
}

// ---- Projections: t-SNE and UMAP of the first 2,000 MNIST digits (784 raw pixels in [0, 1],
// public/data/mnist.bin) with the playground's settings, cold and warm (the next frame: every pixel
// moved a little), and t-SNE at scikit-learn's 1,000 iterations beside scikit-learn's own TSNE
// (one thread, like our worker) when /usr/bin/python3 has it. scripts/bench-projection.ts is the
// longer version (synthetic data too, umap-js, layout quality).

const N = 2000;
const DIM = 784;
const PYTHON = '/usr/bin/python3';

export interface ProjectionTiming {
  method: string;
  iterations: number;
  wall: number;
  cpu: number;
}

async function mnistPixels(n: number): Promise<Float32Array> {
  let bytes: Uint8Array = new Uint8Array(readFileSync('public/data/mnist.bin'));
  if (isGzip(bytes)) bytes = await gunzip(bytes);
  const images = decodeAsset(bytes, 'mnist.bin').arrays.get('images');
  if (!images) throw new Error('public/data/mnist.bin has no images');
  const data = new Float32Array(n * DIM);
  for (let i = 0; i < n * DIM; i++) data[i] = images.data[i]! / 255;
  return data;
}

function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const SKLEARN = `
import sys, time, json, inspect
import numpy as np
from sklearn.manifold import TSNE
X = np.fromfile(sys.argv[1], dtype=np.float32).reshape(int(sys.argv[2]), int(sys.argv[3]))
it = 'max_iter' if 'max_iter' in inspect.signature(TSNE).parameters else 'n_iter'
kw = {it: 1000, 'perplexity': 30.0, 'init': 'pca', 'learning_rate': 'auto', 'method': 'barnes_hut',
      'angle': 0.5, 'random_state': 0}
t0, c0 = time.perf_counter(), time.process_time()
TSNE(n_components=2, **kw).fit_transform(X)
print(json.dumps({'wall': time.perf_counter() - t0, 'cpu': time.process_time() - c0}))
`;

function sklearnTsne(data: Float32Array): { wall: number; cpu: number } | string {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'scikit-learn is not installed';
  const dir = mkdtempSync(join(tmpdir(), 'bench-tsne-'));
  try {
    const file = join(dir, 'x.f32');
    writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const out = execFileSync(PYTHON, ['-c', SKLEARN, file, String(N), String(DIM)], {
      encoding: 'utf8',
      env: {
        ...process.env,
        OMP_NUM_THREADS: '1',
        OPENBLAS_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      },
    });
    return JSON.parse(out) as { wall: number; cpu: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the projection timings and prints a markdown table (and the ratio to scikit-learn). */
export async function benchProjections(quick: boolean): Promise<ProjectionTiming[]> {
  const data = await mnistPixels(N);
  // The next training frame: every pixel moved a little (deterministic).
  const next = data.map((v, i) => v + 0.01 * (((i * 2654435761) % 1000) / 1000 - 0.5));
  const rows: ProjectionTiming[] = [];
  const run = <T>(method: string, iterations: number, f: () => T): T => {
    const r = timed(f);
    rows.push({ method, iterations, wall: r.wall, cpu: r.cpu });
    console.error(`${method}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU`);
    return r.value;
  };
  const t = PLAYGROUND_SETTINGS.tsne;
  const u = PLAYGROUND_SETTINGS.umap;
  const tCold = run('t-SNE cold (playground)', t.iterations, () => tsne(data, N, DIM, t));
  run('t-SNE warm (playground)', t.warmIterations, () => tsne(next, N, DIM, t, tCold.coords));
  const uCold = run('UMAP cold (playground)', u.epochs, () => umap(data, N, DIM, u));
  run('UMAP warm (playground)', u.warmEpochs, () => umap(next, N, DIM, u, uCold.coords));
  let sk: { wall: number; cpu: number } | string = 'skipped (--quick)';
  if (!quick) {
    run('t-SNE cold (scikit-learn schedule)', 1000, () =>
      tsne(data, N, DIM, { ...t, iterations: 1000 }),
    );
    console.error('scikit-learn TSNE (1 thread) ...');
    sk = sklearnTsne(data);
    if (typeof sk !== 'string')
      rows.push({ method: 'scikit-learn TSNE (1 thread)', iterations: 1000, ...sk });
  }
  const [l1, l5] = loadavg();
  console.log(
    `\nProjections of ${N} MNIST digits (${DIM}-D pixels), load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)}:\n`,
  );
  console.log('| method | iterations | wall s | CPU s |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows)
    console.log(`| ${r.method} | ${r.iterations} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} |`);
  if (typeof sk === 'string') console.log(`\nscikit-learn: ${sk}.`);
  else {
    const ours = rows.find((r) => r.method === 't-SNE cold (scikit-learn schedule)')!;
    console.log(
      `\nt-SNE at 1,000 iterations, ours / scikit-learn: ${(ours.wall / sk.wall).toFixed(2)} (wall), ${(ours.cpu / sk.cpu).toFixed(2)} (CPU).`,
    );
  }
  return rows;
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
