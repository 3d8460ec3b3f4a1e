/**
 * npm run bench [-- --quick] [--no-browser] [--profile] [--projections | --no-projections]
 * ms per step and samples per second for each available backend, side by side in one run:
 * Node (wasm, cpu) and headless Chromium (webgpu, webgl, wasm); PyTorch on the CPU when
 * /usr/bin/python3 has it. Then the projections (t-SNE, UMAP) of 2,000 MNIST digits, with
 * scikit-learn's TSNE beside them unless --quick; `--projections` runs only those. Prints
 * markdown tables and ratios; asserts nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAsset, gunzip, isGzip } from '../data/asset';
import { PLAYGROUND_SETTINGS, tsne, umap } from '../projection/index';
import {
  BENCH_CASES,
  benchCase,
  benchTable,
  profileStep,
  type BenchResult,
} from '../engine/benchmark';
import { useNodeBackend, type NodeBackend } from './nodeBackend';

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const quick = args.has('--quick');
  if (args.has('--projections')) {
    await benchProjections(quick);
    return;
  }
  const cases = quick ? BENCH_CASES.filter((c) => c.batchSize === 64).slice(0, 1) : BENCH_CASES;
  const results: BenchResult[] = [];
  for (const backend of ['wasm', 'cpu'] as NodeBackend[]) {
    await useNodeBackend(backend);
    for (const c of cases) {
      // The CPU backend is ~5× slower; fewer steps keep the bench short.
      const r = await benchCase(c, { warmup: 2, steps: backend === 'cpu' ? 3 : quick ? 3 : 10 });
      results.push({ ...r, backend: `node-${backend}` });
      console.error(
        `${r.backend} ${c.name} batch ${c.batchSize}: ${r.msPerStep.toFixed(1)} ms/step`,
      );
    }
  }
  if (args.has('--profile')) {
    await useNodeBackend('wasm');
    const top = (await profileStep(cases[0]!)).slice(0, 8);
    console.log(
      `\nWASM kernel profile of one step (${cases[0]!.name}, batch ${cases[0]!.batchSize}):`,
    );
    for (const k of top) console.log(`  ${k.kernel.padEnd(24)} ${k.ms.toFixed(1)} ms`);
  }
  if (!args.has('--no-browser')) {
    const { benchInBrowser } = await import('./browserBench');
    for (const backend of ['webgpu', 'webgl', 'wasm']) {
      try {
        const browserCases = cases.filter((c) => c.batchSize === 64 || backend === 'wasm');
        const r = await benchInBrowser(backend, browserCases);
        results.push(...r.map((x) => ({ ...x, backend: `browser-${x.backend}` })));
      } catch (error) {
        console.error(`browser ${backend}: skipped (${(error as Error).message})`);
      }
    }
  }
  console.log(`\n${benchTable(results)}\n`);
  const pytorch = pytorchBaseline();
  console.log(pytorch);
  const wasm = results.find((r) => r.backend === 'node-wasm' && r.batchSize === 256);
  const cpu = results.find(
    (r) => r.backend === 'node-cpu' && r.batchSize === 256 && r.name === wasm?.name,
  );
  if (wasm && cpu)
    console.log(
      `ratio node-cpu / node-wasm (${wasm.name}, batch 256): ${(cpu.msPerStep / wasm.msPerStep).toFixed(2)}×`,
    );
  if (!args.has('--no-projections')) await benchProjections(quick);
}

function pytorchBaseline(): string {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return 'PyTorch: skipped (/usr/bin/python3 has no torch here).';
  }
  const script = `
import time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
m = nn.Sequential(nn.Linear(784,256), nn.ReLU(), nn.Linear(256,256), nn.ReLU(), nn.Linear(256,64))
opt = torch.optim.Adam(m.parameters(), 1e-3)
x = torch.rand(512, 784)
def step():
    z = F.normalize(m(x), dim=1); s = z @ z.T / 0.1
    s = s.masked_fill(torch.eye(512, dtype=torch.bool), float('-inf'))
    target = torch.cat([torch.arange(256, 512), torch.arange(0, 256)])
    loss = F.cross_entropy(s, target); opt.zero_grad(); loss.backward(); opt.step()
for _ in range(3): step()
t = time.perf_counter()
for _ in range(20): step()
print((time.perf_counter() - t) / 20 * 1000)
`;
  const ms = Number(execFileSync('/usr/bin/python3', ['-c', script]).toString().trim());
  return `PyTorch (CPU, 1 thread), InfoNCE, MLP 784-256 → head 256-64, batch 256×2: ${ms.toFixed(1)} ms/step`;
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
