/**
 * Each scanner effect of a brain-MRI site, one at a time: the same simulated subject (same seed,
 * age and anatomy) is rendered with one site parameter changed, and the change must show up as
 * that effect and no other. The data-set-level test (brainMri.test.ts) cannot separate them,
 * because site is confounded with age there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readAsset } from '../../../src/data/asset';
import { INTENSITY_DIVISOR, SITES, type SiteParams } from '../../../src/data/brainMri/defaults';
import { simulateSubject, type Morphometrics } from '../../../src/data/brainMri/generator';
import { prepareTemplate, type BrainTemplate } from '../../../src/data/brainMri/template';
import { brainMriDataset } from '../../../src/data/brainMri';
import { nodeReader } from '../../../src/data/nodeReader';
import { SeededRandom } from '../../../src/ml/random';
import { mean, sd } from './stats';

const SIZE = 64;
let template: BrainTemplate;

beforeAll(async () => {
  template = prepareTemplate(await readAsset(nodeReader(), 'brain-mri.bin'), SIZE);
});

/** A scanner with every effect off: no noise, bias field or blur, unit scale, no offset. */
const CLEAN: SiteParams = {
  ...SITES[0]!,
  noise: 0,
  inu: 0,
  blurMm: 0,
  scale: 1,
  offset: 0,
  gmWm: 0.76,
  csfWm: 0.27,
};

const DEFAULTS = brainMriDataset.defaults as {
  deformRmsMm: number;
  ventricleEarlyPerDecade: number;
};

/** Slice V of one control subject and its morphometrics, scanned with `change` applied to CLEAN. */
function simulate(
  change: Partial<SiteParams>,
  { seed = 5, age = 50, deformRmsMm = DEFAULTS.deformRmsMm } = {},
): { image: Float32Array; morph: Morphometrics } {
  SITES.push({ ...CLEAN, ...change });
  try {
    const image = new Float32Array(SIZE * SIZE);
    const morph = simulateSubject(
      template,
      { age, site: SITES.length - 1, diagnosis: 0, severity: 0 },
      new SeededRandom(seed),
      { slices: [94], deformRmsMm, ventricleEarlyPerDecade: DEFAULTS.ventricleEarlyPerDecade },
      image,
      0,
    );
    return { image, morph };
  } finally {
    SITES.pop();
  }
}

/** Slice V of one control subject (seed 5, age 50) scanned with `change` applied to CLEAN. */
function render(change: Partial<SiteParams>, seed = 5, age = 50): Float32Array {
  return simulate(change, { seed, age }).image;
}

/** Pixels where `pred` holds. */
function where(img: Float32Array, pred: (v: number, p: number) => boolean): number[] {
  const idx: number[] = [];
  img.forEach((v, p) => pred(v, p) && idx.push(p));
  return idx;
}

/** Σ of squared differences between horizontal and vertical neighbours. */
function gradientEnergy(img: Float32Array): number {
  let e = 0;
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const v = img[y * SIZE + x]!;
      if (x + 1 < SIZE) e += (img[y * SIZE + x + 1]! - v) ** 2;
      if (y + 1 < SIZE) e += (img[(y + 1) * SIZE + x]! - v) ** 2;
    }
  return e;
}

describe('brain-mri site effects, one at a time (same subject, one parameter changed)', () => {
  it('the clean scanner leaves the background at 0 and is deterministic', () => {
    const a = render({});
    expect(render({})).toEqual(a);
    const brain = where(a, (v) => v > 0);
    expect(brain.length).toBeGreaterThan(0.3 * SIZE * SIZE);
    expect(where(a, (v) => v === 0).length).toBeGreaterThan(0.1 * SIZE * SIZE);
  });

  it('scale multiplies every intensity; offset adds offset/200 everywhere', () => {
    const a = render({});
    const scaled = render({ scale: 1.2 });
    const shifted = render({ offset: 10 });
    const unclipped = where(a, (v) => v > 0.05 && v < 0.8);
    for (const p of unclipped) {
      expect(scaled[p]! / a[p]!).toBeCloseTo(1.2, 4);
      expect(shifted[p]! - a[p]!).toBeCloseTo(10 / INTENSITY_DIVISOR, 5);
    }
    for (const p of where(a, (v) => v === 0))
      expect(shifted[p]).toBeCloseTo(10 / INTENSITY_DIVISOR, 6);
  });

  it('contrast: the GM/WM ratio moves grey-matter pixels only, up to the ratio of ratios', () => {
    const a = render({});
    const brighterGm = render({ gmWm: 0.9 });
    const brain = where(a, (v) => v > 0.05);
    const ratios = brain.map((p) => brighterGm[p]! / a[p]!);
    // No pixel darkens or gains more than pure grey matter would (0.9 / 0.76).
    expect(Math.min(...ratios)).toBeGreaterThan(1 - 1e-5);
    expect(Math.max(...ratios)).toBeLessThan(0.9 / 0.76 + 1e-4);
    // Nearly pure GM pixels get most of it; pure WM pixels get none of it.
    expect(Math.max(...ratios)).toBeGreaterThan(1 + 0.7 * (0.9 / 0.76 - 1));
    expect(ratios.filter((r) => r < 1 + 1e-4).length).toBeGreaterThan(20);
    // The CSF/WM ratio moves the ventricles (dark) instead.
    const brighterCsf = render({ csfWm: 0.45 });
    const dark = where(a, (v) => v > 0.02 && v < 0.25);
    expect(mean(dark.map((p) => brighterCsf[p]! - a[p]!))).toBeGreaterThan(0.02);
  });

  it('noise: Rician noise whose background level is proportional to the site’s noise', () => {
    const background = where(render({}), (v) => v === 0);
    const quiet = render({ noise: 0.02 });
    const loud = render({ noise: 0.06 });
    const rms = (img: Float32Array) => Math.sqrt(mean(background.map((p) => img[p]! ** 2)));
    // Rician background: magnitude of two N(0, σ) parts, RMS = σ·√2; σ = noise × WM mode (114).
    const jitter = rms(quiet) / ((0.02 * 114 * Math.SQRT2) / INTENSITY_DIVISOR);
    expect(jitter).toBeGreaterThan(0.85); // the per-subject noise jitter is 0.9–1.1
    expect(jitter).toBeLessThan(1.15);
    expect(rms(loud) / rms(quiet)).toBeCloseTo(3, 1);
  });

  it('blur: smooths edges and conserves the brain’s total intensity', () => {
    const sharp = render({});
    const blurred = render({ blurMm: 1.0 });
    expect(gradientEnergy(blurred)).toBeLessThan(0.85 * gradientEnergy(sharp));
    const total = (img: Float32Array) => img.reduce((s, v) => s + v, 0);
    expect(total(blurred) / total(sharp)).toBeCloseTo(1, 2);
  });

  it('bias field: a smooth multiplicative field spanning 1 ± inu/2 over the brain', () => {
    const flat = render({});
    const biased = render({ inu: 0.4 });
    const brain = where(flat, (v) => v > 0.1 && v < 0.8);
    const field = new Float32Array(SIZE * SIZE).fill(Number.NaN);
    for (const p of brain) field[p] = biased[p]! / flat[p]!;
    const values = brain.map((p) => field[p]!);
    expect(Math.min(...values)).toBeGreaterThan(0.8 - 1e-3);
    expect(Math.max(...values)).toBeLessThan(1.2 + 1e-3);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.3);
    expect(sd(values)).toBeGreaterThan(0.05);
    // Smooth: neighbouring pixels differ by a small fraction of the field's range.
    let worst = 0;
    for (const p of brain) {
      const right = field[p + 1]!;
      if (p % SIZE < SIZE - 1 && !Number.isNaN(right))
        worst = Math.max(worst, Math.abs(right - field[p]!));
    }
    expect(worst).toBeLessThan(0.05);
  });

  it('the five default sites render one subject five different ways, in the documented order', () => {
    const images = SITES.map((site) => render({ ...site }));
    for (let i = 0; i < images.length; i++)
      for (let j = i + 1; j < images.length; j++) {
        const diff = mean(images[i]!.map((v, p) => Math.abs(v - images[j]![p]!)));
        expect(diff, `sites ${SITES[i]!.id} and ${SITES[j]!.id}`).toBeGreaterThan(0.01);
      }
    // Background level follows noise × scale plus the offset: the 1.5T-like sites C and E are
    // the noisiest; B and E have positive offsets.
    const background = where(render({}), (v) => v === 0);
    const level = images.map((img) => mean(background.map((p) => img[p]!)));
    for (const noisy of [2, 4])
      for (const quiet of [0, 3]) expect(level[noisy]).toBeGreaterThan(level[quiet]!);
  });
});

describe('brain-mri anatomy of one subject (clean scanner)', () => {
  it('its own smooth deformation: none at 0 mm, and larger displacements move more pixels', () => {
    const still = simulate({}, { deformRmsMm: 0 }).image;
    const moved = (rms: number) => {
      const img = simulate({}, { deformRmsMm: rms }).image;
      return mean(img.map((v, p) => Math.abs(v - still[p]!)));
    };
    expect(moved(0)).toBe(0);
    expect(moved(2)).toBeGreaterThan(0.005);
    expect(moved(4)).toBeGreaterThan(1.3 * moved(2));
  });

  it('ageing from 30 to 80: ventricles grow, cortex thins, sulcal CSF widens', () => {
    const young = simulate({}, { age: 30 }).morph;
    const old = simulate({}, { age: 80 }).morph;
    expect(old.ventricleArea / young.ventricleArea).toBeGreaterThan(1.5);
    expect(old.cortexGm).toBeLessThan(0.9 * young.cortexGm);
    // Extraventricular (sulcal) CSF: the CSF that is not ventricle.
    const sulcal = (m: Morphometrics) => m.csf - m.ventricleArea;
    expect(sulcal(old)).toBeGreaterThan(1.1 * sulcal(young));
  });
});

describe('siteEffect: scanner effects pulled towards the mean over sites', () => {
  it('h = 1 keeps every site as specified; h = 0 makes them one scanner; h = ½ is half way', async () => {
    const { scaledSite } = await import('../../../src/data/brainMri/generator');
    for (const s of SITES) expect(scaledSite(s, 1)).toBe(s);
    const total = SITES.reduce((a, s) => a + s.share, 0);
    const keys = ['noise', 'inu', 'blurMm', 'gmWm', 'csfWm', 'scale', 'offset'] as const;
    for (const key of keys) {
      let mean = 0;
      for (const s of SITES) mean += (s.share * s[key]) / total;
      for (const s of SITES) {
        expect(scaledSite(s, 0)[key]).toBeCloseTo(mean, 12);
        expect(scaledSite(s, 0.5)[key]).toBeCloseTo((mean + s[key]) / 2, 12);
        // Age ranges and shares are not scanner effects: untouched.
        expect(scaledSite(s, 0).ages).toEqual(s.ages);
        expect(scaledSite(s, 0).share).toBe(s.share);
      }
    }
  });
});
