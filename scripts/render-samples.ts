/**
 * Renders a few samples of every built-in data set into docs/img/datasets.png:
 *
 *   npx tsx scripts/render-samples.ts [--out docs/img/datasets.png] [--seed 1]
 *
 * Rows (top to bottom): mnist, fashion-mnist, colored-mnist (ρ = 0.99: 8 bias-aligned, 2
 * bias-conflicting), digits-on-fashion (5 targets, 5 backgrounds), shapes, brain-mri (5 subjects
 * sorted by age: slice H then slice V), brain-mri-sepclr (5 controls | 5 AD-like, slice H),
 * gaussians (2-D and 3-D scatter, colour = component).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { encode } from 'fast-png';
import { loadDataset } from '../src/data/index';
import { nodeReader } from '../src/data/nodeReader';
import type { DataSplit } from '../src/data/types';

const CELL = 64;
const GAP = 4;
const COLS = 10;
const argv = process.argv;
const out = resolve(
  argv[argv.indexOf('--out') + 1] && argv.includes('--out')
    ? (argv[argv.indexOf('--out') + 1] as string)
    : 'docs/img/datasets.png',
);
const seed = argv.includes('--seed') ? Number(argv[argv.indexOf('--seed') + 1]) : 1;

type Cell = (x: number, y: number) => [number, number, number];
const rows: Cell[][] = [];

function imageCell(split: DataSplit, i: number, channel: number | 'rgb', gain = 1): Cell {
  const n = split.n;
  const per = split.images.length / n;
  // infer square shape from per-sample size and channels
  const c = channel === 'rgb' ? 3 : ((split as DataSplit & { _c?: number })._c ?? 1);
  const side = Math.round(Math.sqrt(per / c));
  return (x, y) => {
    const sx = Math.min(side - 1, Math.floor((x / CELL) * side));
    const sy = Math.min(side - 1, Math.floor((y / CELL) * side));
    const base = i * per + (sy * side + sx) * c;
    if (channel === 'rgb') {
      return [split.images[base] ?? 0, split.images[base + 1] ?? 0, split.images[base + 2] ?? 0];
    }
    const v = Math.min(1, (split.images[base + channel] ?? 0) * gain);
    return [v, v, v];
  };
}

function withChannels(split: DataSplit, c: number): DataSplit {
  return Object.assign(split, { _c: c });
}

function firstOfEachClass(
  labels: Int32Array,
  k: number,
  pred: (i: number) => boolean = () => true,
): number[] {
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    const i = labels.findIndex((l, j) => l === c && pred(j));
    if (i >= 0) out.push(i);
  }
  return out;
}

const PALETTE: [number, number, number][] = [
  [0.9, 0.3, 0.2],
  [0.2, 0.6, 0.9],
  [0.3, 0.8, 0.3],
  [0.9, 0.8, 0.2],
  [0.7, 0.4, 0.9],
  [0.2, 0.9, 0.9],
];

function scatterCell(split: DataSplit, dims: [number, number], d: number): Cell {
  const img = new Float32Array(CELL * CELL * 3).fill(0.08);
  const comp = split.labels.component as Int32Array;
  for (let i = 0; i < split.n; i++) {
    const x = Math.round((split.images[i * d + dims[0]] ?? 0) * (CELL - 1));
    const y = Math.round((1 - (split.images[i * d + dims[1]] ?? 0)) * (CELL - 1));
    const col = PALETTE[(comp[i] ?? 0) % PALETTE.length] as [number, number, number];
    img.set(col, (y * CELL + x) * 3);
  }
  return (x, y) => [
    img[(y * CELL + x) * 3] ?? 0,
    img[(y * CELL + x) * 3 + 1] ?? 0,
    img[(y * CELL + x) * 3 + 2] ?? 0,
  ];
}

const reader = nodeReader();
{
  const { dataset } = await loadDataset({ name: 'mnist', seed }, reader);
  rows.push(
    firstOfEachClass(dataset.train.labels.digit as Int32Array, 10).map((i) =>
      imageCell(dataset.train, i, 0),
    ),
  );
}
{
  const { dataset } = await loadDataset({ name: 'fashion-mnist', seed }, reader);
  rows.push(
    firstOfEachClass(dataset.train.labels.item as Int32Array, 10).map((i) =>
      imageCell(dataset.train, i, 0),
    ),
  );
}
{
  const { dataset } = await loadDataset({ name: 'colored-mnist', seed, rho: 0.99 }, reader);
  const t = dataset.train;
  const aligned = t.flags.biasAligned as Uint8Array;
  const a = firstOfEachClass(t.labels.class as Int32Array, 8, (j) => aligned[j] === 1);
  const conflicting: number[] = [];
  for (let i = 0; i < t.n && conflicting.length < 2; i++) if (!aligned[i]) conflicting.push(i);
  rows.push([...a, ...conflicting].map((i) => imageCell(t, i, 'rgb')));
}
{
  const { dataset } = await loadDataset({ name: 'digits-on-fashion', seed }, reader);
  const t = dataset.train;
  const isT = t.flags.isTarget as Uint8Array;
  const targets: number[] = [];
  const bgs: number[] = [];
  for (let i = 0; i < t.n; i++) {
    if (isT[i] && targets.length < 5) targets.push(i);
    if (!isT[i] && bgs.length < 5) bgs.push(i);
  }
  rows.push([...targets, ...bgs].map((i) => imageCell(t, i, 0)));
}
{
  const { dataset } = await loadDataset({ name: 'shapes', seed, size: 64 }, reader);
  rows.push([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => imageCell(dataset.train, i, 0)));
}
{
  const { dataset } = await loadDataset({ name: 'brain-mri', seed, nTrain: 200, nTest: 1 }, reader);
  const t = withChannels(dataset.train, 2);
  const age = t.attributes.age as Float32Array;
  const order = [...Array(t.n).keys()].sort((x, y) => (age[x] as number) - (age[y] as number));
  const pick = [0, 0.25, 0.5, 0.75, 0.999].map(
    (q) => order[Math.floor(q * (order.length - 1))] as number,
  );
  console.log(
    'brain-mri ages:',
    pick.map((i) => (age[i] as number).toFixed(0)).join(', '),
    'sites:',
    pick.map((i) => t.labels.site?.[i]).join(', '),
  );
  rows.push([
    ...pick.map((i) => imageCell(t, i, 0, 1.5)),
    ...pick.map((i) => imageCell(t, i, 1, 1.5)),
  ]);
}
{
  const { dataset } = await loadDataset(
    { name: 'brain-mri-sepclr', seed, nTrain: 40, nTest: 1 },
    reader,
  );
  const t = withChannels(dataset.train, 2);
  const isT = t.flags.isTarget as Uint8Array;
  const c: number[] = [];
  const a: number[] = [];
  for (let i = 0; i < t.n; i++) {
    if (isT[i] && a.length < 5) a.push(i);
    if (!isT[i] && c.length < 5) c.push(i);
  }
  rows.push([...c, ...a].map((i) => imageCell(t, i, 0, 1.5)));
}
{
  const g2 = (await loadDataset({ name: 'gaussians', seed, nTrain: 600 }, reader)).dataset.train;
  const g3 = (
    await loadDataset({ name: 'gaussians', seed, dim: 3, components: 6, nTrain: 900 }, reader)
  ).dataset.train;
  rows.push([scatterCell(g2, [0, 1], 2), scatterCell(g3, [0, 1], 3), scatterCell(g3, [0, 2], 3)]);
}

const W = COLS * (CELL + GAP) + GAP;
const H = rows.length * (CELL + GAP) + GAP;
const data = new Uint8Array(W * H * 3).fill(255);
rows.forEach((row, r) => {
  row.forEach((cell, c) => {
    const ox = GAP + c * (CELL + GAP);
    const oy = GAP + r * (CELL + GAP);
    for (let y = 0; y < CELL; y++) {
      for (let x = 0; x < CELL; x++) {
        const [vr, vg, vb] = cell(x, y);
        const o = ((oy + y) * W + ox + x) * 3;
        data[o] = Math.round(Math.min(1, Math.max(0, vr)) * 255);
        data[o + 1] = Math.round(Math.min(1, Math.max(0, vg)) * 255);
        data[o + 2] = Math.round(Math.min(1, Math.max(0, vb)) * 255);
      }
    }
  });
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, encode({ width: W, height: H, data, channels: 3, depth: 8 }));
console.log(`wrote ${out} (${W}×${H})`);
