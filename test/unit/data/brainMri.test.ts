import { beforeAll, describe, expect, it } from 'vitest';
import { readAsset } from '../../../src/data/asset';
import { SITES } from '../../../src/data/brainMri/defaults';
import {
  cortexKeep,
  hippocampusKeep,
  ventricleVolumeFactor,
} from '../../../src/data/brainMri/generator';
import { prepareTemplate } from '../../../src/data/brainMri/template';
import { loadDataset, type Dataset } from '../../../src/data/index';
import { nodeReader } from '../../../src/data/nodeReader';
import { cohenD, etaSquared, indices, mean, pearson, pick, sd } from './stats';

const reader = nodeReader();
let main: Dataset;
let genMs = 0;

beforeAll(async () => {
  const t0 = performance.now();
  main = (
    await loadDataset(
      { name: 'brain-mri', seed: 11, nTrain: 2000, nTest: 200, morphometrics: true },
      reader,
    )
  ).dataset;
  genMs = performance.now() - t0;
  console.log(`brain-mri: 2,200 subjects (64×64×2) generated in ${genMs.toFixed(0)} ms`);
}, 120_000);

describe('brain-mri: the ageing models (spec §2.3)', () => {
  it('reproduce the tabulated factors', () => {
    expect(ventricleVolumeFactor(20)).toBeCloseTo(1, 6);
    expect(ventricleVolumeFactor(60)).toBeCloseTo(2.0736, 4);
    expect(ventricleVolumeFactor(90)).toBeCloseTo(4.3236, 4);
    expect(cortexKeep(60)).toBeCloseTo(0.835, 3);
    expect(cortexKeep(90)).toBeCloseTo(0.73, 2);
    expect(hippocampusKeep(60)).toBeCloseTo(0.9, 2);
    expect(hippocampusKeep(80)).toBeCloseTo(0.728, 2);
    expect(hippocampusKeep(90)).toBeCloseTo(0.646, 2);
  });
});

describe('brain-mri data set', () => {
  it('has the declared shapes, labels and value range', () => {
    const { train, test, info } = main;
    expect(info.imageShape).toEqual({ height: 64, width: 64, channels: 2 });
    expect(info.description).toMatch(/Simulated/);
    expect(info.description).toMatch(/real T1 template/);
    expect(train.images.length).toBe(2000 * 64 * 64 * 2);
    expect(test.n).toBe(200);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.images) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(0.5); // white matter is bright, not a blank image
    const age = train.attributes.age as Float32Array;
    expect(Math.min(...age)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...age)).toBeLessThanOrEqual(90);
    const site = train.labels.site as Int32Array;
    for (let k = 0; k < 5; k++) {
      const share = indices(train.n, (i) => site[i] === k).length / train.n;
      // each site's share within 4 binomial SDs of the configured one
      const s = SITES[k]?.share as number;
      expect(Math.abs(share - s)).toBeLessThan(4 * Math.sqrt((s * (1 - s)) / train.n));
    }
  });

  it('is deterministic for a seed and changes with the seed', async () => {
    const a = (await loadDataset({ name: 'brain-mri', seed: 5, nTrain: 20, nTest: 4 }, reader))
      .dataset;
    const b = (await loadDataset({ name: 'brain-mri', seed: 5, nTrain: 20, nTest: 4 }, reader))
      .dataset;
    const c = (await loadDataset({ name: 'brain-mri', seed: 6, nTrain: 20, nTest: 4 }, reader))
      .dataset;
    expect(Buffer.from(a.train.images.buffer).equals(Buffer.from(b.train.images.buffer))).toBe(
      true,
    );
    expect(Buffer.from(a.test.images.buffer).equals(Buffer.from(b.test.images.buffer))).toBe(true);
    expect(a.train.attributes.age).toEqual(b.train.attributes.age);
    expect(Buffer.from(a.train.images.buffer).equals(Buffer.from(c.train.images.buffer))).toBe(
      false,
    );
  });

  it('ventricles grow and grey matter shrinks with age (controls, tissue maps)', () => {
    const t = main.train;
    const age = t.attributes.age as Float32Array;
    const ctl = indices(t.n, (i) => t.labels.diagnosis?.[i] === 0);
    const a = pick(age, ctl);
    const vent = pick(t.attributes.ventricleArea as Float32Array, ctl);
    const cortex = pick(t.attributes.cortexGm as Float32Array, ctl);
    const hipp = pick(t.attributes.hippocampusGm as Float32Array, ctl);
    const csf = pick(t.attributes.csf as Float32Array, ctl);
    const rV = pearson(a, vent);
    const rC = pearson(a, cortex);
    const rH = pearson(a, hipp);
    const rCsf = pearson(a, csf);
    const young = indices(a.length, (i) => (a[i] as number) < 30);
    const old = indices(a.length, (i) => (a[i] as number) >= 75);
    const ventRatio = mean(pick(vent, old)) / mean(pick(vent, young));
    const ctxRatio = mean(pick(cortex, old)) / mean(pick(cortex, young));
    console.log(
      `controls n=${ctl.length}: r(age, ventricle area)=${rV.toFixed(2)}, r(age, cortical GM)=${rC.toFixed(2)}, ` +
        `r(age, hippocampal GM)=${rH.toFixed(2)}, r(age, CSF)=${rCsf.toFixed(2)}; ventricle area ≥75 y / <30 y = ${ventRatio.toFixed(2)}, ` +
        `cortical GM ≥75 y / <30 y = ${ctxRatio.toFixed(3)}`,
    );
    expect(rV).toBeGreaterThan(0.5);
    expect(rC).toBeLessThan(-0.5);
    expect(rH).toBeLessThan(-0.3);
    expect(rCsf).toBeGreaterThan(0.5);
    // model: area factor (V/V20)^(2/3) ≈ 1.13 at 25 y vs ≈ 2.3 at 82 y, i.e. a ratio near 2
    expect(ventRatio).toBeGreaterThan(1.5);
    // model: Kctx ≈ 0.98 at 25 y vs ≈ 0.76 at 82 y
    expect(ctxRatio).toBeLessThan(0.85);
    expect(ctxRatio).toBeGreaterThan(0.65);
  });

  it('ventricle enlargement is visible in the images (darker ventricle region with age)', async () => {
    const t = main.train;
    const tmpl = prepareTemplate(await readAsset(reader, 'brain-mri.bin'), 64);
    const v = tmpl.slices.get(94);
    if (!v) throw new Error('slice V missing');
    // ROI: the template ventricles dilated by ~2 pixels (where the enlarged ventricles extend)
    const roi: number[] = [];
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        let near = false;
        for (let dy = -2; dy <= 2 && !near; dy++) {
          for (let dx = -2; dx <= 2 && !near; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy >= 0 && yy < 64 && xx >= 0 && xx < 64 && (v.vent[yy * 64 + xx] as number) > 0.5)
              near = true;
          }
        }
        if (near) roi.push(y * 64 + x);
      }
    }
    // within one site (same scanner), so only anatomy varies
    const site = t.labels.site as Int32Array;
    const idx = indices(t.n, (i) => site[i] === 2 && t.labels.diagnosis?.[i] === 0);
    const roiMean = idx.map((i) => mean(roi.map((p) => t.images[i * 8192 + p * 2 + 1] as number)));
    const r = pearson(pick(t.attributes.age as Float32Array, idx), roiMean);
    console.log(
      `site C controls n=${idx.length}: r(age, mean intensity around the ventricles, slice V) = ${r.toFixed(2)}`,
    );
    expect(r).toBeLessThan(-0.5);
  });

  it('site effects are present in the images', () => {
    const t = main.train;
    const site = t.labels.site as Int32Array;
    // Background (outside the head) statistics: the corner patches, slice H.
    const corner: number[] = [];
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) corner.push(y * 64 + x);
    const bgSd = Array.from({ length: t.n }, (_, i) =>
      sd(corner.map((p) => t.images[i * 8192 + p * 2] as number)),
    );
    const bySite = [0, 1, 2, 3, 4].map((k) =>
      mean(
        pick(
          bgSd,
          indices(t.n, (i) => site[i] === k),
        ),
      ),
    );
    // Brain intensity: the mean of the central region, slice V
    const centre: number[] = [];
    for (let y = 16; y < 48; y++) for (let x = 16; x < 48; x++) centre.push(y * 64 + x);
    const brainMean = Array.from({ length: t.n }, (_, i) =>
      mean(centre.map((p) => t.images[i * 8192 + p * 2 + 1] as number)),
    );
    const eta = etaSquared(brainMean, site);
    console.log(
      `background SD by site A–E: ${bySite.map((v) => v.toFixed(4)).join(', ')}; η²(site → mean brain intensity) = ${eta.toFixed(2)}`,
    );
    // 1.5T-like sites C and E are the noisiest (noise × scale 0.060 / 0.066 vs ≤ 0.026)
    for (const noisy of [2, 4])
      for (const quiet of [0, 1, 3]) expect(bySite[noisy]).toBeGreaterThan(bySite[quiet] as number);
    expect(eta).toBeGreaterThan(0.3);
  });

  it('site is correlated with age as configured (confounding 1 vs 0)', async () => {
    const t = main.train;
    const age = t.attributes.age as Float32Array;
    const site = t.labels.site as Int32Array;
    for (let i = 0; i < t.n; i++) {
      const s = SITES[site[i] as number];
      expect(age[i]).toBeGreaterThanOrEqual(s?.ages[0] as number);
      expect(age[i]).toBeLessThanOrEqual(s?.ages[1] as number);
    }
    const r2Full = etaSquared(age, site);
    const free = (
      await loadDataset(
        {
          name: 'brain-mri',
          seed: 11,
          nTrain: 2000,
          nTest: 1,
          confounding: 0,
          size: 64,
          slices: 'V',
        },
        reader,
      )
    ).dataset.train;
    const r2Free = etaSquared(free.attributes.age as Float32Array, free.labels.site as Int32Array);
    console.log(
      `R²(age | site): confounding 1 → ${r2Full.toFixed(3)}, confounding 0 → ${r2Free.toFixed(3)}`,
    );
    // spec §4.3: R² = 0.66 at full confounding (20,000 draws); n = 2,000 gives about ±0.02
    expect(Math.abs(r2Full - 0.66)).toBeLessThan(0.05);
    expect(r2Free).toBeLessThan(0.02);
  });

  it('testConfounding 0: a confounded training set with an unconfounded held-out set', async () => {
    const { train, test, info } = (
      await loadDataset(
        {
          name: 'brain-mri',
          seed: 12,
          nTrain: 600,
          nTest: 600,
          testConfounding: 0,
          slices: 'V',
          diagnosis: false,
        },
        reader,
      )
    ).dataset;
    const r2 = (s: typeof train) =>
      etaSquared(s.attributes.age as Float32Array, s.labels.site as Int32Array);
    expect(r2(train)).toBeGreaterThan(0.55);
    expect(r2(test)).toBeLessThan(0.04);
    expect(info.description).toMatch(/held-out ρ = 0/);
  }, 60_000);

  it('diagnoses are drawn only at ages ≥ 60, mostly at the memory clinic', () => {
    const t = main.train;
    const dx = t.labels.diagnosis as Int32Array;
    const age = t.attributes.age as Float32Array;
    const sev = t.attributes.severity as Float32Array;
    const ad = indices(t.n, (i) => dx[i] === 1);
    expect(ad.length).toBeGreaterThan(50);
    for (const i of ad) {
      expect(age[i]).toBeGreaterThanOrEqual(60);
      expect(sev[i]).toBeGreaterThanOrEqual(0.5);
    }
    for (let i = 0; i < t.n; i++) if (dx[i] === 0) expect(sev[i]).toBe(0);
    const atE = ad.filter((i) => t.labels.site?.[i] === 4).length;
    expect(atE / ad.length).toBeGreaterThan(0.6);
  });
});

describe('brain-mri-sepclr: the AD-like pattern is present only in patients', () => {
  let pair: Dataset;
  beforeAll(async () => {
    pair = (
      await loadDataset(
        { name: 'brain-mri-sepclr', seed: 4, nTrain: 600, nTest: 2, morphometrics: true },
        reader,
      )
    ).dataset;
  }, 60_000);

  it('targets are exactly the AD-like subjects, half of the set, ages 60–90', () => {
    const t = pair.train;
    const isT = t.flags.isTarget as Uint8Array;
    let nT = 0;
    for (let i = 0; i < t.n; i++) {
      expect(isT[i]).toBe(t.labels.diagnosis?.[i]);
      nT += isT[i] as number;
      expect(t.attributes.age?.[i]).toBeGreaterThanOrEqual(60);
    }
    expect(nT).toBe(300);
    expect(pair.info.hasTargetFlag).toBe(true);
  });

  it('hippocampal GM is lower in patients; cortex outside the pattern is not', async () => {
    const t = pair.train;
    const isT = t.flags.isTarget as Uint8Array;
    const ad = indices(t.n, (i) => isT[i] === 1);
    const ctl = indices(t.n, (i) => isT[i] === 0);
    // the groups are age-matched by design
    expect(
      Math.abs(
        mean(pick(t.attributes.age as Float32Array, ad)) -
          mean(pick(t.attributes.age as Float32Array, ctl)),
      ),
    ).toBeLessThan(2);
    const hipp = t.attributes.hippocampusGm as Float32Array;
    const unaff = t.attributes.unaffectedCortexGm as Float32Array;
    const vent = t.attributes.ventricleArea as Float32Array;
    const dH = cohenD(pick(hipp, ctl), pick(hipp, ad));
    const dU = cohenD(pick(unaff, ctl), pick(unaff, ad));
    const dV = cohenD(pick(vent, ad), pick(vent, ctl));
    // image-level: mean intensity over the template hippocampi on slice H (more CSF → darker)
    const tmpl = prepareTemplate(await readAsset(reader, 'brain-mri.bin'), 64);
    const h = tmpl.slices.get(58);
    if (!h) throw new Error('slice H missing');
    const roi = indices(64 * 64, (p) => (h.hippGm[p] as number) > 0.3);
    const site = t.labels.site as Int32Array;
    // compare within each site (scanner effects cancel), pooled as z-scores
    const zAd: number[] = [];
    const zCtl: number[] = [];
    for (let k = 0; k < 5; k++) {
      const ids = indices(t.n, (i) => site[i] === k);
      const vals = ids.map((i) => mean(roi.map((p) => t.images[i * 8192 + p * 2] as number)));
      const m = mean(vals);
      const s = sd(vals);
      ids.forEach((i, j) => (isT[i] ? zAd : zCtl).push(((vals[j] as number) - m) / s));
    }
    const dImg = cohenD(zCtl, zAd);
    console.log(
      `AD-like vs controls (n=${ad.length}/${ctl.length}): Cohen's d hippocampal GM = ${dH.toFixed(2)}, ventricle area = ${dV.toFixed(2)}, ` +
        `unaffected cortical GM = ${dU.toFixed(2)}, hippocampal-ROI image intensity = ${dImg.toFixed(2)}`,
    );
    expect(dH).toBeGreaterThan(1); // spec: d ≈ 1.6 at full severity (Shi et al. 2009)
    expect(dV).toBeGreaterThan(0.2);
    expect(Math.abs(dU)).toBeLessThan(0.3);
    expect(dImg).toBeGreaterThan(0.5);
  });
});
