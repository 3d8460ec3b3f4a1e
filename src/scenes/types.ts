/**
 * A scene is a claim with arms: one sentence, the metric that shows it and its direction, and the
 * arms that are trained side by side from the same seed (full training configs that differ only in
 * what the claim is about). Shared by the page, the headless `npm run scenes` and the tests; no
 * TF.js, no UI.
 */
import type { ScalarMetric } from '../contracts/metrics';

export interface SceneArm {
  /** Short id used by the comparisons (e.g. `plain`, `fairkl`). */
  id: string;
  /** What the audience reads next to the arm's plots. */
  label: string;
  /** A full training config (validated with parseTrainingConfig where it is used). */
  config: Record<string, unknown>;
}

/** Where one number of a comparison comes from, in one arm's evaluations. */
export type Readout =
  | { arm: string; metric: ScalarMetric }
  | { arm: string; probe: 'commonProbe' | 'salientProbe'; label: string }
  | { arm: string; transfer: 'linearProbe' | 'fineTuned' | 'scratch' | 'randomProbe' };

export interface Side {
  /** The side's name in the verdict ("FairKL", "common space"). */
  name: string;
  read: Readout;
}

/**
 * One measurable part of the claim: `better` beats `worse` on `measure` by at least `minEffect`
 * (in the metric's own units, in the claim's direction). A negative `minEffect` states a
 * non-inferiority claim ("at least as good, within |minEffect|").
 */
export interface Comparison {
  measure: string;
  better: Side;
  worse: Side;
  higherIsBetter: boolean;
  minEffect: number;
}

export interface Scene {
  id: string;
  title: string;
  /** The claim, in one sentence. */
  claim: string;
  /** Which paper makes it. */
  paper: string;
  /** The validation claim number(s) of docs/VALIDATION.md it demonstrates. */
  validationClaims: number[];
  arms: SceneArm[];
  comparisons: Comparison[];
  /** The card: what was chosen (data, encoder, budget, hyperparameters) and why. */
  card: string;
  /** Where the claim is known not to show at this budget: said on the card, explained in docs/SCENES.md. */
  caveat?: string;
}
