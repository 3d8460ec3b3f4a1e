/**
 * Default parameters of the simulated brain MRI (design: docs/spec/brain-mri.md,
 * Appendix A). Every number here is documented in that spec and in docs/DATASETS.md.
 */

/** How the committed asset was cut from the 181×217×181 template (spec §5.2). */
export const BRAIN_ASSET_GRID = {
  /** Voxel z indices of the slices: H (hippocampi), V (ventricle bodies), single-slice fallback. */
  slices: [58, 94, 76] as const,
  /** 192 mm field of view at 1 mm, crop origin in voxel indices (i, j). */
  size: 192,
  cropI0: -6,
  cropJ0: 12,
  ventricleThreshold: 45,
};

export interface SiteParams {
  id: string;
  title: string;
  /** Age range under full confounding. */
  ages: [number, number];
  share: number;
  /** Rician noise SD as a fraction of the WM intensity. */
  noise: number;
  /** Intensity non-uniformity: bias field spans [1 - inu/2, 1 + inu/2]. */
  inu: number;
  blurMm: number;
  gmWm: number;
  csfWm: number;
  scale: number;
  offset: number;
  /** Share of AD-like diagnoses among this site's subjects aged ≥ 60. */
  adShare: number;
}

export const SITES: SiteParams[] = [
  {
    id: 'A',
    title: 'Site A (young adults, 3T-like)',
    ages: [20, 35],
    share: 0.25,
    noise: 0.02,
    inu: 0.2,
    blurMm: 0.0,
    gmWm: 0.76,
    csfWm: 0.27,
    scale: 1.0,
    offset: 0,
    adShare: 0.0,
  },
  {
    id: 'B',
    title: 'Site B (community adults, 3T-like)',
    ages: [20, 60],
    share: 0.2,
    noise: 0.03,
    inu: 0.2,
    blurMm: 0.4,
    gmWm: 0.78,
    csfWm: 0.3,
    scale: 0.85,
    offset: 5,
    adShare: 0.0,
  },
  {
    id: 'C',
    title: 'Site C (lifespan hospital, 1.5T-like)',
    ages: [20, 86],
    share: 0.2,
    noise: 0.05,
    inu: 0.3,
    blurMm: 0.8,
    gmWm: 0.8,
    csfWm: 0.33,
    scale: 1.2,
    offset: 0,
    adShare: 0.1,
  },
  {
    id: 'D',
    title: 'Site D (population biobank, 3T-like)',
    ages: [45, 80],
    share: 0.2,
    noise: 0.025,
    inu: 0.15,
    blurMm: 0.3,
    gmWm: 0.74,
    csfWm: 0.25,
    scale: 0.95,
    offset: -3,
    adShare: 0.05,
  },
  {
    id: 'E',
    title: 'Site E (memory clinic, 1.5T-like)',
    ages: [60, 90],
    share: 0.15,
    noise: 0.06,
    inu: 0.4,
    blurMm: 1.0,
    gmWm: 0.82,
    csfWm: 0.35,
    scale: 1.1,
    offset: 8,
    adShare: 0.5,
  },
];

/** Histogram modes of ch2bet inside the brain (spec §5.3). */
export const MODES = { csf: 31, gm: 87, wm: 114 };

export const AGEING = {
  ventricle: {
    earlyPerDecade: 1.2,
    breakAge: 60,
    latePerYearRel: 0.075,
    areaCap: 2.9,
    lambdaMm: 12,
  },
  cortexKeepRatePerYear: 0.0045,
  hippocampus: { rateYoung: 0.002, rampStart: 50, rampEnd: 70, rateOld: 0.012, amygdalaScale: 0.8 },
  contrast: { start: 30, wmPerYear: -0.0012, gmPerYear: -0.0004 },
};

/** AD-like pattern: volume-loss fraction per AAL label at severity 1 (spec §3.2). */
export const AD_LOSS: Record<number, number> = {
  37: 0.24,
  38: 0.23,
  39: 0.3,
  40: 0.3,
  41: 0.2,
  42: 0.2,
  55: 0.1,
  56: 0.1,
  89: 0.1,
  90: 0.1,
  83: 0.1,
  84: 0.1,
  87: 0.1,
  88: 0.1,
  85: 0.08,
  86: 0.08,
  67: 0.08,
  68: 0.08,
  35: 0.08,
  36: 0.08,
  65: 0.08,
  66: 0.08,
  63: 0.06,
  64: 0.06,
  59: 0.05,
  60: 0.05,
};

export const AD = {
  ages: [60, 90] as [number, number],
  severity: [0.5, 1.2] as [number, number],
  ventricleVolume: 1.25,
};

export const SUBJECT = {
  deformRmsMm: 2.0,
  deformMaxMm: 6.0,
  dctMaxK: 4,
  ventricleLogSd: 0.3,
  hippocampusLogSd: 0.15,
  cortexKeepSd: 0.03,
};

/** Medial-temporal structures shrunk by contraction about their centroid (spec §5.5). */
export const STRUCTURES = [37, 38, 39, 40, 41, 42];

/** AAL labels 1–90 except the contracted structures and deep grey matter (spec §5.6). */
export function isCortexLabel(l: number): boolean {
  return l >= 1 && l <= 90 && !STRUCTURES.includes(l) && !(l >= 71 && l <= 78);
}

/** Intensity divisor mapping the simulated signal into [0, 1]. */
export const INTENSITY_DIVISOR = 200;
