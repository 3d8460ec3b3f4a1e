/**
 * `brain-mri` and its SepCLR variant `brain-mri-sepclr`: simulated subjects on one real T1
 * template (Colin27 + AAL). Design and sources: docs/spec/brain-mri.md, docs/DATASETS.md.
 */
import { z } from 'zod';
import { readAsset } from '../asset';
import { allocSplit, parseParams } from '../common';
import { SeededRandom } from '../../ml/random';
import { splitConfig, type DatasetDefinition } from '../registry';
import type { AssetReader, DataSplit, DatasetInfo, LabelInfo } from '../types';
import { AD, SITES, SUBJECT } from './defaults';
import { simulateSubject, type Morphometrics, type SubjectSpec } from './generator';
import { prepareTemplate, type BrainTemplate } from './template';

export const BRAIN_NOTICE =
  'Simulated brain MRI. Subjects are generated from one real T1 template (Colin27, MNI space; Holmes et al. 1998) and the AAL atlas (Tzourio-Mazoyer et al. 2002), shipped by Debian mricron-data (BSD-3). Ages (20–90), acquisition sites and the "AD-like" diagnosis are synthetic; effect sizes follow published population averages (see the data card). Not real patients; not for clinical or scientific conclusions.';

const SLICE_SETS = {
  HV: {
    slices: [58, 94],
    names: ['H: z = −13 mm (hippocampi)', 'V: z = +23 mm (lateral ventricles)'],
  },
  H: { slices: [58], names: ['H: z = −13 mm (hippocampi)'] },
  V: { slices: [94], names: ['V: z = +23 mm (lateral ventricles)'] },
  single: { slices: [76], names: ['z = +5 mm (frontal horns, atria, hippocampal tails)'] },
} as const;

export const MORPHOMETRICS: (keyof Morphometrics)[] = [
  'ventricleArea',
  'hippocampusGm',
  'cortexGm',
  'unaffectedCortexGm',
  'gm',
  'csf',
  'wm',
];

const common = {
  nTrain: z.number().int().min(1).max(20000).default(2000),
  nTest: z.number().int().min(1).max(20000).default(500),
  size: z.union([z.literal(64), z.literal(96)]).default(64),
  slices: z.enum(['HV', 'H', 'V', 'single']).default('HV'),
  deformRmsMm: z.number().min(0).max(4).default(SUBJECT.deformRmsMm),
  ventricleEarlyPerDecade: z.number().min(1).max(1.2).default(1.2),
  /** Adds the generator's tissue measurements as attributes (ground truth, for checks and plots). */
  morphometrics: z.boolean().default(false),
  /**
   * Strength of the scanner (site) effects, 0–1: 1 is the five sites of the spec, 0 one common
   * scanner; in between, each scanner parameter is pulled towards the mean over sites (as after a
   * partial ComBat harmonisation). The age–site confounding is separate (`confounding`).
   */
  siteEffect: z.number().min(0).max(1).default(1),
};

const brainSchema = z
  .object({
    ...common,
    /** Age–site confounding ρ: site k's ages are (1−ρ)·[20, 90] + ρ·[lo_k, hi_k]. */
    confounding: z.number().min(0).max(1).default(1),
    /**
     * The held-out split's confounding (default: the training one). 0 gives an unconfounded
     * held-out set, site independent of age, to see whether a model learnt age or site (as
     * colored MNIST's held-out set is unbiased).
     */
    testConfounding: z.number().min(0).max(1).optional(),
    /** Draw AD-like diagnoses with each site's share among its subjects aged ≥ 60. */
    diagnosis: z.boolean().default(true),
  })
  .strict();

const sepclrSchema = z
  .object({
    ...common,
    targetFraction: z.number().min(0.05).max(0.95).default(0.5),
  })
  .strict();

type CommonParams = z.infer<typeof brainSchema> | z.infer<typeof sepclrSchema>;

export function drawBrainSubject(
  rng: SeededRandom,
  confounding: number,
  withDiagnosis: boolean,
): SubjectSpec {
  const site = rng.categorical(SITES.map((s) => s.share));
  const S = SITES[site] as (typeof SITES)[number];
  const lo = (1 - confounding) * 20 + confounding * S.ages[0];
  const hi = (1 - confounding) * 90 + confounding * S.ages[1];
  const age = rng.uniform(lo, hi);
  let diagnosis: 0 | 1 = 0;
  let severity = 0;
  if (withDiagnosis && age >= AD.ages[0] && rng.bernoulli(S.adShare)) {
    diagnosis = 1;
    severity = rng.uniform(AD.severity[0], AD.severity[1]);
  }
  return { age, site, diagnosis, severity };
}

function drawSepclrSubject(rng: SeededRandom, target: boolean): SubjectSpec {
  const site = rng.categorical(SITES.map((s) => s.share));
  const age = rng.uniform(AD.ages[0], AD.ages[1]);
  const severity = target ? rng.uniform(AD.severity[0], AD.severity[1]) : 0;
  return { age, site, diagnosis: target ? 1 : 0, severity };
}

function generateSplit(
  template: BrainTemplate,
  p: CommonParams,
  n: number,
  subjects: (i: number) => { spec: SubjectSpec; rng: SeededRandom },
  withTargetFlag: boolean,
): DataSplit {
  const set = SLICE_SETS[p.slices];
  const C = set.slices.length;
  const attrs = ['age', 'severity', ...(p.morphometrics ? MORPHOMETRICS : [])];
  const split = allocSplit(
    n,
    { height: p.size, width: p.size, channels: C },
    ['site', 'diagnosis'],
    attrs,
    withTargetFlag ? ['isTarget'] : [],
  );
  const per = p.size * p.size * C;
  const opts = {
    slices: set.slices,
    deformRmsMm: p.deformRmsMm,
    ventricleEarlyPerDecade: p.ventricleEarlyPerDecade,
    siteEffect: p.siteEffect,
  };
  for (let i = 0; i < n; i++) {
    const { spec, rng } = subjects(i);
    const morph = simulateSubject(template, spec, rng, opts, split.images, i * per);
    (split.labels.site as Int32Array)[i] = spec.site;
    (split.labels.diagnosis as Int32Array)[i] = spec.diagnosis;
    (split.attributes.age as Float32Array)[i] = spec.age;
    (split.attributes.severity as Float32Array)[i] = spec.severity;
    if (withTargetFlag) (split.flags.isTarget as Uint8Array)[i] = spec.diagnosis;
    if (p.morphometrics)
      for (const m of MORPHOMETRICS) (split.attributes[m] as Float32Array)[i] = morph[m];
  }
  return split;
}

function brainInfo(
  id: string,
  title: string,
  p: CommonParams,
  seed: number,
  extra: string,
): DatasetInfo {
  const set = SLICE_SETS[p.slices];
  const siteLabel: LabelInfo = {
    name: 'site',
    classNames: SITES.map((s) => s.title + ' (simulated)'),
    description: 'acquisition site (simulated scanner: contrast, noise, bias field, blur, scale)',
  };
  const diagLabel: LabelInfo = {
    name: 'diagnosis',
    classNames: ['control', 'AD-like atrophy (simulated)'],
  };
  const attributes = [
    { name: 'age', unit: 'years', min: 20, max: 90, description: 'simulated age' },
    {
      name: 'severity',
      min: 0,
      max: AD.severity[1],
      description: 'AD-like severity (0 for controls)',
    },
  ];
  if (p.morphometrics) {
    for (const m of MORPHOMETRICS) {
      attributes.push({
        name: m,
        unit: 'mm²',
        min: 0,
        max: 20000,
        description: 'generator tissue measure',
      });
    }
  }
  return {
    id,
    title,
    description: `${BRAIN_NOTICE} ${extra}`,
    source:
      'Colin27 ch2bet (Holmes et al. 1998) and AAL (Tzourio-Mazoyer et al. 2002) from Debian mricron-data 1.2.20211006+dfsg-4, 3 axial slices derived by scripts/build-data.ts; simulation design: docs/DATASETS.md',
    licence:
      'BSD-3-Clause (mricron-data; public/data/brain-mri.LICENSE.txt); cite Holmes et al. 1998 and Tzourio-Mazoyer et al. 2002',
    imageShape: { height: p.size, width: p.size, channels: set.slices.length },
    labels: [siteLabel, diagLabel],
    attributes,
    classLabel: 'diagnosis',
    biasLabel: 'site',
    hasTargetFlag: id === 'brain-mri-sepclr',
    channelNames: [...set.names],
    params: { ...p, seed },
    notes:
      'Axial slices in neurological convention: anterior at the top, the left hemisphere on the left. Field of view 192 mm; 64×64 = 3 mm pixels, 96×96 = 2 mm.',
  };
}

async function template(reader: AssetReader, size: number): Promise<BrainTemplate> {
  return prepareTemplate(await readAsset(reader, 'brain-mri.bin'), size);
}

export const brainMriDataset: DatasetDefinition = {
  id: 'brain-mri',
  title: 'Brain MRI (simulated subjects on a real template)',
  summary: 'Simulated T1 slices: age 20–90, 5 sites confounded with age, optional AD-like atrophy',
  kind: 'builtin',
  assets: ['brain-mri.bin'],
  defaults: brainSchema.parse({}),
  paramsSchema: brainSchema,
  async load(config, reader) {
    const { seed, params } = splitConfig(config);
    const p = parseParams('brain-mri', brainSchema, params);
    const t = await template(reader, p.size);
    const make = (split: string, n: number, confounding: number) =>
      generateSplit(
        t,
        p,
        n,
        (i) => {
          const rng = SeededRandom.stream(seed, `brain-mri:${split}:${i}`);
          return { spec: drawBrainSubject(rng, confounding, p.diagnosis), rng };
        },
        false,
      );
    const info = brainInfo(
      'brain-mri',
      this.title,
      p,
      seed,
      `Age drives ventricle enlargement, cortical thinning with sulcal widening, hippocampal loss and falling GM/WM contrast; sites are confounded with age (ρ = ${p.confounding}${p.testConfounding !== undefined && p.testConfounding !== p.confounding ? `; held-out ρ = ${p.testConfounding}` : ''}); ${p.diagnosis ? 'AD-like atrophy (hippocampus, amygdala, parahippocampal and temporo-parietal cortex, ventricles) is drawn among subjects aged 60 and over, most often at site E' : 'all subjects are controls'}.`,
    );
    return {
      dataset: {
        info,
        train: make('train', p.nTrain, p.confounding),
        test: make('test', p.nTest, p.testConfounding ?? p.confounding),
      },
      errors: [],
    };
  },
};

export const brainMriSepclrDataset: DatasetDefinition = {
  id: 'brain-mri-sepclr',
  title: 'Brain MRI: AD-like targets vs healthy backgrounds (SepCLR pair)',
  summary: 'Simulated subjects aged 60–90: AD-like (target) vs control (background)',
  kind: 'builtin',
  assets: ['brain-mri.bin'],
  defaults: sepclrSchema.parse({}),
  paramsSchema: sepclrSchema,
  async load(config, reader) {
    const { seed, params } = splitConfig(config);
    const p = parseParams('brain-mri-sepclr', sepclrSchema, params);
    const t = await template(reader, p.size);
    const make = (split: string, n: number) => {
      const nTarget = Math.round(n * p.targetFraction);
      const order = SeededRandom.stream(seed, `brain-mri-sepclr:${split}:order`).permutation(n);
      return generateSplit(
        t,
        p,
        n,
        (i) => {
          const rng = SeededRandom.stream(seed, `brain-mri-sepclr:${split}:${i}`);
          return { spec: drawSepclrSubject(rng, (order[i] as number) < nTarget), rng };
        },
        true,
      );
    };
    const info = brainInfo(
      'brain-mri-sepclr',
      this.title,
      p,
      seed,
      'Contrastive-analysis pair: targets carry the AD-like pattern (salient), backgrounds are controls; both share ageing and site effects (common). Ages are uniform in 60–90 and sites are drawn independently of the diagnosis.',
    );
    return {
      dataset: { info, train: make('train', p.nTrain), test: make('test', p.nTest) },
      errors: [],
    };
  },
};
