/**
 * The scenes: every claim of the validation suite (docs/VALIDATION.md) as a claim with arms. Each
 * scene's arms share one base config (data, encoder, budget, optimiser, augmentation, seed) and
 * differ only by the `delta` the claim is about; `armsOf` builds them so that nothing else can
 * differ. Each base is the validation suite's budget for its data set (validation/budgets.ts) with
 * what a talk changes (fewer or more steps, evaluations, a seed) and what each scene's comment
 * explains. Budgets are set for a talk: all arms of a scene together within about 90 s of WASM
 * training in the browser (docs/SCENES.md has the measured times).
 */
import { BUDGETS } from '../validation/budgets';
import type { Scene, SceneArm } from './types';

type Config = Record<string, unknown>;

/** Arms that differ from `base` only by their delta (shallow: a delta replaces whole sections). */
export function armsOf(
  base: Config,
  arms: { id: string; label: string; delta: Config }[],
): SceneArm[] {
  return arms.map((a) => ({ id: a.id, label: a.label, config: { ...base, ...a.delta } }));
}

const tau = 0.1;
const infonce = { loss: { name: 'nt_xent', temperature: tau }, positives: { name: 'views' } };
const supcon = { loss: { name: 'supcon', temperature: tau }, positives: { name: 'class' } };
const epsSupInfoNce = {
  loss: { name: 'eps_supinfonce', temperature: tau, epsilon: 0.1 },
  positives: { name: 'class' },
};
const ageKernel = {
  kernel: { name: 'rbf', sigma: 5 },
  positives: { name: 'kernel', attribute: 'age' },
};
/**
 * The kernel of the expw paper's own comparison (Barbano et al. 2023, the authors' ablation: RBF
 * σ = 1 and 2 years, where expw has the lower site accuracy and the lower MAE); σ = 5 is the
 * y-Aware paper's choice, and there y-Aware's MAE was the lower (docs/SCENES.md).
 */
const expwAgeKernel = {
  kernel: { name: 'rbf', sigma: 2 },
  positives: { name: 'kernel', attribute: 'age' },
};

/** MNIST, the MLP of the validation suite: SupCon vs InfoNCE, ε-SupInfoNCE vs SupCon, L_align. */
const mnistBase: Config = { ...BUDGETS.mnist.base, steps: 200, evalEvery: 50, seed: 1 };

/**
 * Colored MNIST with the playground preset's small CNN: with the suite's MLP the colour is learnt
 * first and FairKL's effect, right in sign, stayed at half the target size after 300 steps (seed 1:
 * +7.6 points conflicting accuracy, −3.5 colour predictability). With the CNN the effect grows
 * steadily over the run; at 150 steps seed 3 was still short (+9.6 / −8.1), at 200 it holds
 * (+17.3 / −18.2): about 64 s in the browser on a quiet machine (estimated; docs/SCENES.md).
 */
const coloredBase: Config = {
  ...BUDGETS['colored-mnist'].base,
  dataset: { name: 'colored-mnist', rho: 0.99, nTrain: 8000, nTest: 2000 },
  encoder: { name: 'cnn', channels: [16, 32], representation: 128, projectionHidden: 128 },
  steps: 200,
  evalEvery: 50,
  seed: 1,
};

const brainBase: Config = { ...BUDGETS['brain-mri'].base, evalEvery: 30, seed: 1 };

/**
 * The brain budget with the scanner effects at 30 % of the spec's (dataset `siteEffect` 0.3, as
 * after a partial ComBat harmonisation): at full strength a linear probe reads the site at 0.998
 * from any representation, even an untrained one, so no loss can show that it hides the site;
 * at 0.3 the untrained encoder reads it at 0.81 (seed 1) and the losses can differ.
 */
const harmonisedBrainBase: Config = {
  ...brainBase,
  dataset: { name: 'brain-mri', nTrain: 1500, nTest: 500, siteEffect: 0.3 },
};

/**
 * Shapes for the DU prior, 400 steps: the prior's gain on scale R² grows with training (seed 1:
 * +0.016 at 100 steps, +0.025 at 200, +0.035 at 300, +0.055 at 400) and at 200 steps it was short
 * of the 0.02 effect on seeds 2 and 3 (+0.014, +0.0196).
 */
const shapesBase: Config = { ...BUDGETS.shapes.base, steps: 400, evalEvery: 50, seed: 1 };

/**
 * digits-on-fashion at the official cifar_mnist dimensions: both encoders end in a 32-D
 * representation with a 32 → 128 → 32 projector (the official ResNet-18 → Linear(512, 32) →
 * projector), so the probes compare a 32-D common space with a 32-D salient one. With the suite's
 * 128-D common representation against a smaller salient code the common space had four times the
 * room and kept the digit (seed 1, digit: salient 0.69 vs common 0.66 at 200 steps, 0.72 vs 0.65
 * at 500); at 32/32 the common space drops it (0.52–0.62). The probes fit on every training
 * target (maxTrain 4,000: 2,000 targets) so that their own noise (±2 points at 1,000) does not
 * decide a 5-point claim.
 */
const dofBase: Config = {
  ...BUDGETS['digits-on-fashion'].base,
  encoder: { name: 'mlp', hidden: [256, 32], projectionHidden: 128 },
  embeddingDim: 32,
  salientDim: 32,
  steps: 400,
  evalEvery: 50,
  evaluation: { maxTrain: 4000, maxTest: 1000, knnK: 20 },
  seed: 1,
};

const brainSepclrBase: Config = { ...BUDGETS['brain-mri-sepclr'].base, evalEvery: 30, seed: 1 };

const sepclrLoss = {
  loss: { name: 'sepclr', beta_salient: 1, beta_reg: 10, lambda_jem: 10 },
  positives: { name: 'views' },
};

const BUDGET_NOTE =
  'Same seed, data, encoder, batches and budget for every arm; only what the claim is about differs.';

export const SCENES: readonly Scene[] = [
  {
    id: 'supcon-vs-infonce',
    title: 'SupCon vs InfoNCE',
    claim:
      'With labels, SupCon (every same-class image a positive) learns a better representation than InfoNCE (only the other view).',
    paper: 'Khosla et al., NeurIPS 2020',
    validationClaims: [1],
    arms: armsOf(mnistBase, [
      { id: 'infonce', label: 'InfoNCE (NT-Xent, τ = 0.1)', delta: infonce },
      { id: 'supcon', label: 'SupCon (L_out, τ = 0.1)', delta: supcon },
    ]),
    comparisons: [
      {
        measure: 'linear-probe accuracy',
        better: { name: 'SupCon', read: { arm: 'supcon', metric: 'linearProbeAccuracy' } },
        worse: { name: 'InfoNCE', read: { arm: 'infonce', metric: 'linearProbeAccuracy' } },
        higherIsBetter: true,
        minEffect: 0.02,
      },
    ],
    card: `MNIST (4,000 training digits), the validation suite's MLP (256-128, head 128 → 16), batch 128, two augmented views, Adam 1e-3, 200 steps; τ = 0.1 for both, as in the paper. The probe is a softmax regression on the frozen 128-D representation. ${BUDGET_NOTE}`,
  },
  {
    id: 'eps-supinfonce-vs-supcon',
    title: 'ε-SupInfoNCE vs SupCon',
    claim:
      'ε-SupInfoNCE (each positive must beat every negative by a margin ε) is at least as good as SupCon.',
    paper: 'Barbano et al., ICLR 2023',
    validationClaims: [2],
    arms: armsOf(mnistBase, [
      { id: 'supcon', label: 'SupCon (L_out, τ = 0.1)', delta: supcon },
      { id: 'eps', label: 'ε-SupInfoNCE (ε = 0.1, τ = 0.1)', delta: epsSupInfoNce },
    ]),
    comparisons: [
      {
        measure: 'linear-probe accuracy',
        better: { name: 'ε-SupInfoNCE', read: { arm: 'eps', metric: 'linearProbeAccuracy' } },
        worse: { name: 'SupCon', read: { arm: 'supcon', metric: 'linearProbeAccuracy' } },
        higherIsBetter: true,
        minEffect: -0.01,
      },
    ],
    card: `The MNIST budget of "SupCon vs InfoNCE". The paper's gain is 0.5–1.3 points at full scale; at this scale the seed-to-seed spread is as large, so the scene states the claim as the paper's abstract does ("at least as good"): ε-SupInfoNCE within one point of SupCon or better. ${BUDGET_NOTE}`,
  },
  {
    id: 'fairkl',
    title: 'FairKL on colored MNIST',
    claim:
      'FairKL makes the representation ignore a spurious colour: bias-conflicting digits are recognised more often and the colour is harder to read.',
    paper: 'Barbano et al., ICLR 2023',
    validationClaims: [3],
    arms: armsOf(coloredBase, [
      { id: 'plain', label: 'ε-SupInfoNCE', delta: epsSupInfoNce },
      {
        id: 'fairkl',
        label: 'ε-SupInfoNCE + FairKL (weight 10)',
        delta: { ...epsSupInfoNce, regularizer: { name: 'fairkl', weight: 10 } },
      },
    ]),
    comparisons: [
      {
        measure: 'bias-conflicting accuracy',
        better: { name: 'FairKL', read: { arm: 'fairkl', metric: 'biasConflictingAccuracy' } },
        worse: { name: 'without', read: { arm: 'plain', metric: 'biasConflictingAccuracy' } },
        higherIsBetter: true,
        minEffect: 0.15,
      },
      {
        measure: 'colour predictability',
        better: { name: 'FairKL', read: { arm: 'fairkl', metric: 'biasPredictability' } },
        worse: { name: 'without', read: { arm: 'plain', metric: 'biasPredictability' } },
        higherIsBetter: false,
        minEffect: 0.1,
      },
    ],
    card: `Colored MNIST at ρ = 0.99 (the paper's setting: the background colour gives the digit 99 % of the time; the test set is unbiased). ε-SupInfoNCE (ε = 0.1, τ = 0.1) with and without FairKL at weight 10 (the playground preset's weight); the preset's small CNN (16-32 channels, 128-D representation), batch 128, 200 steps. With the validation suite's MLP the effect had the right sign but half the size after 300 steps: the MLP learns the colour first. With the CNN it grows steadily over the run: at 150 steps seed 3 was still short (+9.6 points / −8.1), at 200 every seed 1–3 shows it (+17.8 / −20.6, +24.0 / −26.5, +17.3 / −18.2). ${BUDGET_NOTE}`,
  },
  {
    id: 'yaware-vs-infonce',
    title: 'y-Aware vs InfoNCE (brain age)',
    claim:
      'Weighting positives by an age kernel (y-Aware InfoNCE) encodes age better than InfoNCE.',
    paper: 'Dufumier et al., MICCAI 2021',
    validationClaims: [4],
    arms: armsOf(brainBase, [
      { id: 'infonce', label: 'InfoNCE (NT-Xent, τ = 0.1)', delta: infonce },
      {
        id: 'yaware',
        label: 'y-Aware InfoNCE (RBF σ = 5 y on age)',
        delta: { loss: { name: 'y_aware_infonce', temperature: tau }, ...ageKernel },
      },
    ]),
    comparisons: [
      {
        measure: 'age MAE (years)',
        better: { name: 'y-Aware', read: { arm: 'yaware', metric: 'regressionMAE' } },
        worse: { name: 'InfoNCE', read: { arm: 'infonce', metric: 'regressionMAE' } },
        higherIsBetter: false,
        minEffect: 1,
      },
    ],
    card: `Simulated brain MRI (1,500 training subjects, 64×64, two slices), the validation suite's MLP, batch 64, Adam 1e-3, 150 steps; σ = 5 years as in the y-Aware paper's config. Age MAE of a ridge probe on the frozen representation. ${BUDGET_NOTE}`,
  },
  {
    id: 'expw-vs-yaware',
    title: 'Kernelised regression (expw) vs y-Aware',
    claim:
      'Contrastive regression with exponential weighting (expw) predicts brain age better than y-Aware and hides the site better.',
    paper: 'Barbano et al., ISBI 2023',
    validationClaims: [5],
    arms: armsOf(harmonisedBrainBase, [
      {
        id: 'yaware',
        label: 'y-Aware InfoNCE (RBF σ = 2 y)',
        delta: { loss: { name: 'y_aware_infonce', temperature: tau }, ...expwAgeKernel },
      },
      {
        id: 'expw',
        label: 'kernelised SupCon, expw (RBF σ = 2 y)',
        delta: {
          loss: { name: 'kernelized_supcon', method: 'expw', temperature: tau },
          ...expwAgeKernel,
        },
      },
    ]),
    comparisons: [
      {
        measure: 'age MAE (years)',
        better: { name: 'expw', read: { arm: 'expw', metric: 'regressionMAE' } },
        worse: { name: 'y-Aware', read: { arm: 'yaware', metric: 'regressionMAE' } },
        higherIsBetter: false,
        minEffect: 0,
      },
      {
        measure: 'site predictability',
        better: { name: 'expw', read: { arm: 'expw', metric: 'biasPredictability' } },
        worse: { name: 'y-Aware', read: { arm: 'yaware', metric: 'biasPredictability' } },
        higherIsBetter: false,
        minEffect: 0,
      },
    ],
    card: `The brain budget of "y-Aware vs InfoNCE" on brain MRI with the scanner effects at 30 % of their full strength (siteEffect 0.3, as after a partial harmonisation): at full strength a linear probe reads the site at 0.998 from any representation, even an untrained one, so no loss could show that it hides the site. Both arms use the kernel of the expw paper's own comparison, RBF σ = 2 years (the authors' ablation: at σ = 1 and 2 expw has the lower site accuracy and the lower MAE); at σ = 5 years, the y-Aware paper's choice, y-Aware's MAE was the lower by 0.22–0.30 years on seeds 1–3. Site predictability is the balanced accuracy of a linear probe for the 5 sites (chance 0.2); the sites stay confounded with age. ${BUDGET_NOTE}`,
    caveat:
      'The age half does not show at this budget: expw’s age MAE against y-Aware’s is −0.18, +0.01 and +0.62 years on seeds 1–3 (σ = 2; at σ = 5 it was worse by 0.22–0.30 on every seed; without augmentation, as the expw paper trains, +0.06, +0.09 and −0.02). The site is read slightly less from expw on every seed (by 0.007–0.010): the paper’s direction, but not a size a room can see. See docs/SCENES.md.',
  },
  {
    id: 'du-prior',
    title: 'Decoupled uniformity: kernel prior vs none',
    claim:
      'A kernel prior on weak attributes makes decoupled uniformity encode those attributes better.',
    paper: 'Dufumier et al., ICML 2023',
    validationClaims: [6],
    arms: armsOf(shapesBase, [
      {
        id: 'none',
        label: 'decoupled uniformity, no prior',
        delta: {
          loss: { name: 'decoupled_uniformity', lambda: 0.01 },
          positives: { name: 'views' },
        },
      },
      {
        id: 'prior',
        label: 'decoupled uniformity + RBF prior on scale (σ = 1)',
        delta: {
          loss: { name: 'decoupled_uniformity', lambda: 0.01 },
          kernel: { name: 'rbf', sigma: 1 },
          positives: { name: 'kernel', attribute: ['scale'] },
        },
      },
    ]),
    comparisons: [
      {
        measure: 'scale R² (ridge probe)',
        better: { name: 'prior', read: { arm: 'prior', metric: 'regressionR2' } },
        worse: { name: 'no prior', read: { arm: 'none', metric: 'regressionR2' } },
        higherIsBetter: true,
        minEffect: 0.02,
      },
    ],
    card: `dSprites-like shapes (4,000 training images), MLP, batch 128, 400 steps (the prior's gain grows with training: at 200 steps it was +0.025, +0.014 and +0.0196 on seeds 1–3), λ = 0.01, t = 2 (the official defaults). The prior is an RBF kernel (σ = 1) on the weak attribute scale (0.5–1), as smooth over a batch as the paper's priors (mean Δ²/(2σ²) ≈ 0.02; σ = 20 on CUB's 312 binary attributes and 100 on UTZappos' 126 are as smooth), so the centroids (K + λI)⁻¹K·μ̄ follow scale and spreading them makes the representation spread along scale. The first design put the kernel on the raw scale, rotation, x and y: rotation is in degrees (0–360), so two sprites counted as similar only within a degree or two, K was nearly the identity and the prior did nothing (+0.000 on seeds 1–3). The probe (ridge, on the 128-D representation) reads scale. ${BUDGET_NOTE}`,
  },
  {
    id: 'sepclr-digits',
    title: 'SepCLR: digits over fashion items',
    claim:
      'SepCLR puts what targets share with backgrounds (the item) in the common space and what only targets have (the digit) in the salient space.',
    paper: 'Louiset et al., ICLR 2024',
    validationClaims: [7],
    arms: armsOf(dofBase, [{ id: 'sepclr', label: 'SepCLR', delta: sepclrLoss }]),
    comparisons: [
      {
        measure: 'item probe',
        better: {
          name: 'common space',
          read: { arm: 'sepclr', probe: 'commonProbe', label: 'item' },
        },
        worse: {
          name: 'salient space',
          read: { arm: 'sepclr', probe: 'salientProbe', label: 'item' },
        },
        higherIsBetter: true,
        minEffect: 0.05,
      },
      {
        measure: 'digit probe',
        better: {
          name: 'salient space',
          read: { arm: 'sepclr', probe: 'salientProbe', label: 'digit' },
        },
        worse: {
          name: 'common space',
          read: { arm: 'sepclr', probe: 'commonProbe', label: 'digit' },
        },
        higherIsBetter: true,
        minEffect: 0.05,
      },
    ],
    card: `Targets are Fashion-MNIST items with an MNIST digit on top, backgrounds the items alone (4,000 training pairs). One SepCLR run (β_S = 1, β_reg = 10, λ_JEM = 10, the validation suite's weights), batch 128, 400 steps. Both encoders are the MLP 256-32 with a 32 → 128 → 32 projector: the official cifar_mnist dimensions, so the probes compare the 32-D common representation with the 32-D salient code. The suite's 128-D common representation had four times the salient code's room and kept the digit (salient ahead by only 3 points at 200 steps, seeds 1–3); at 32/32 the common space lets the digit go. Linear probes on target samples read each label from each space; they are fitted on all 2,000 training targets so that their own noise does not decide a 5-point claim.`,
  },
  {
    id: 'sepclr-brain',
    title: 'SepCLR: AD-like atrophy vs controls',
    claim:
      'On brain MRI, SepCLR puts the pathology in the salient space and the site (shared by patients and controls) in the common space.',
    paper: 'Louiset et al., ICLR 2024',
    validationClaims: [7],
    arms: armsOf(brainSepclrBase, [{ id: 'sepclr', label: 'SepCLR', delta: sepclrLoss }]),
    comparisons: [
      {
        measure: 'site probe',
        better: {
          name: 'common space',
          read: { arm: 'sepclr', probe: 'commonProbe', label: 'site' },
        },
        worse: {
          name: 'salient space',
          read: { arm: 'sepclr', probe: 'salientProbe', label: 'site' },
        },
        higherIsBetter: true,
        minEffect: 0.05,
      },
    ],
    card: `The brain-MRI SepCLR pair (targets: AD-like atrophy; backgrounds: controls; both share ageing and the five sites), 1,500 training subjects, MLP, batch 64, 150 steps, the validation suite's weights. All probed samples are targets, so the diagnosis itself cannot be probed on them; the site is the common factor that can.`,
    caveat:
      'The validation suite read the diagnosis better from the common space (0.65) than from the salient one (0.58) on all samples; this scene states only the common-factor half of the claim, which held there (site: common 1.00, salient 0.73).',
  },
  {
    id: 'align-uniform',
    title: 'Alignment alone collapses; uniformity spreads',
    claim:
      'Alignment alone maps every image to the same point; adding uniformity keeps the embedding spread on the sphere.',
    paper: 'Wang & Isola, ICML 2020',
    validationClaims: [8],
    arms: armsOf(mnistBase, [
      {
        id: 'align',
        label: 'L_align only',
        delta: { loss: { name: 'align_uniform', alpha: 2, t: 2, w_align: 1, w_unif: 0 } },
      },
      {
        id: 'both',
        label: 'L_align + L_uniform',
        delta: { loss: { name: 'align_uniform', alpha: 2, t: 2, w_align: 1, w_unif: 1 } },
      },
    ]),
    comparisons: [
      {
        measure: 'uniformity',
        better: { name: 'L_align + L_uniform', read: { arm: 'both', metric: 'uniformity' } },
        worse: { name: 'L_align only', read: { arm: 'align', metric: 'uniformity' } },
        higherIsBetter: false,
        minEffect: 1,
      },
    ],
    card: `The MNIST budget of "SupCon vs InfoNCE", α = 2, t = 2, equal weights (the paper's defaults). Uniformity is log E[e^{−2‖f(x)−f(y)‖²}] over held-out pairs: 0 is a collapse, about −3.9 the most spread 16-D points can be. ${BUDGET_NOTE}`,
  },
  {
    id: 'transfer',
    title: 'Pre-training on age transfers to diagnosis',
    claim:
      'An encoder pre-trained with y-Aware InfoNCE on age, fine-tuned on 10 % of the diagnosis labels, beats the same network trained from scratch.',
    paper: 'Dufumier et al., MICCAI 2021; NeuroImage 2024',
    validationClaims: [9],
    arms: armsOf(brainBase, [
      {
        id: 'yaware',
        label: 'y-Aware pre-training, then fine-tuning / from scratch',
        delta: {
          loss: { name: 'y_aware_infonce', temperature: tau },
          ...ageKernel,
          transfer: { label: 'diagnosis', fraction: 0.1, steps: 100, batchSize: 32, lr: 0.001 },
        },
      },
    ]),
    comparisons: [
      {
        measure: 'diagnosis balanced accuracy',
        better: { name: 'fine-tuned', read: { arm: 'yaware', transfer: 'fineTuned' } },
        worse: { name: 'from scratch', read: { arm: 'yaware', transfer: 'scratch' } },
        higherIsBetter: true,
        minEffect: 0.02,
      },
    ],
    card: `The brain budget, then the transfer study of the engine: 10 % of the training labels (stratified), 100 fine-tuning steps of batch 32 for both the pre-trained encoder and the same network from the same initial weights. Its numbers appear at the final evaluation only.`,
    caveat:
      'Does not show reliably at this budget: holds on seed 1, not on seeds 2 (+1.8) and 3 (−11). The 10 % labelled subset holds about 14 AD-like subjects and the held-out set 32–47, so both classifiers are noise-dominated: on seed 1 the same pre-trained encoder gave fine-tuned − scratch = +23, +2, −2 and −1.5 points under four shared fine-tuning settings (lr 1e-3 or 1e-4, 100 or 300 steps). The frozen linear probe is the steadier reading. See docs/SCENES.md.',
  },
];

export function sceneById(id: string): Scene {
  const scene = SCENES.find((s) => s.id === id);
  if (!scene)
    throw new Error(`Unknown scene '${id}'. Scenes: ${SCENES.map((s) => s.id).join(', ')}.`);
  return scene;
}

/** The scene's arms with another seed (the same for every arm). */
export function withSeed(scene: Scene, seed: number): Scene {
  return { ...scene, arms: scene.arms.map((a) => ({ ...a, config: { ...a.config, seed } })) };
}
