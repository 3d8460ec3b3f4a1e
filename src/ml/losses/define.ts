/**
 * The shape of one function of the math core, told once: its `fn` id, kind, description, citation,
 * inputs, zod parameter schema with defaults, how a training batch feeds it and its formula. Free
 * of TF.js so the UI and contracts/ can read it; the implementation (implement.ts) is typed by it.
 */
import type { z } from 'zod';

export type FunctionKind = 'loss' | 'term' | 'metric' | 'kernel';

export interface InputSpec {
  name: string;
  /** `tensor`: a differentiable array; `constant`: labels, attributes, flags (no gradient). */
  role: 'tensor' | 'constant';
  description: string;
  optional?: boolean;
}

export type ParamSchema = z.ZodType<Record<string, unknown>>;

/** Kernel names a training config may set (contracts/trainingConfig's `kernel.name`). */
export type ConfigKernel = 'rbf' | 'gaussian' | 'cauchy' | 'cosine';

/**
 * How the training engine builds the inputs from a batch (engine/lossInputs.ts) and which config
 * fields override the loss's own parameters (contracts/lossParams.ts). Absent: not trainable.
 */
export type TrainingInputs = {
  /** `views` overrides the loss's `n_views`. */
  views?: boolean;
  /** The config's kernel (name, and σ when given) overrides the loss's; only these names. */
  kernels?: readonly ConfigKernel[];
} & (
  | {
      /** [V·N, d] projections; the constant input (if any) from class labels or attributes. */
      style: 'view-major';
      /**
       * `none`: no constant; `class-or-views`: class labels, or null for views positives;
       * `attribute`: the first attribute, one number a sample; `attribute-rows`: every attribute.
       */
      positives: 'none' | 'class-or-views' | 'attribute' | 'attribute-rows';
    }
  /** Two views, L2-normalised, as the definition's two tensor inputs. */
  | { style: 'pairs' }
  /** [n, V, d] views and, with a kernel, the attributes as the prior. */
  | { style: 'sample-major' }
  /** Common and salient heads of two views, the target/background flag. */
  | { style: 'sepclr' }
);

export type LossStyle = TrainingInputs['style'];

export type ParamKey<P> = Extract<keyof P, string>;

/** One parameter listed under a formula: its key, or its key and a meaning for this variant. */
export type ParamRow<P> = ParamKey<P> | readonly [ParamKey<P>, string];

/** A formula for one set of parameters, LaTeX (rendered with KaTeX by components/LossFormula). */
export interface FormulaBody<P> {
  /** The variant shown (`out`, `in`, `threshold`, `prior`…), when the loss has several. */
  variant?: string;
  title: string;
  /** The loss, display mode. */
  tex: string;
  /** Definitions used by `tex`, one display-style line each. */
  where: string[];
  /** The parameters listed under the formula, in order, with their current values. */
  params: readonly ParamRow<P>[];
  /** Values derived from the parameters (`\tau/\tau_b = 1.43`…), LaTeX. */
  derived: string[];
  /** One or two plain sentences: what the loss does, and notable conventions. */
  note: string;
}

export interface FormulaDefinition<P> {
  /** LaTeX symbol and meaning of each parameter the formula may list (keys of the schema only). */
  symbols: { readonly [K in ParamKey<P>]?: readonly [symbol: string, meaning: string] };
  build(params: P): FormulaBody<P>;
}

export interface LossDefinition<Id extends string = string, S extends ParamSchema = ParamSchema> {
  /** The `fn` id of the reference vectors and a config's `loss.name`. */
  id: Id;
  kind: FunctionKind;
  description: string;
  /** Paper and official code it follows (spec file and section in docs/spec, a copy of ../shared/spec). */
  citation: string;
  inputs: readonly InputSpec[];
  /** Parameters with their defaults: the one place a default is written. */
  schema: S;
  training?: TrainingInputs;
  formula?: FormulaDefinition<z.output<S>>;
}

export type AnyLossDefinition = LossDefinition<string, ParamSchema>;

/** Identity with inference: `id` stays a literal and the schema's output types reach `formula`. */
export function defineLoss<const Id extends string, S extends ParamSchema>(
  definition: LossDefinition<Id, S>,
): LossDefinition<Id, S> {
  return definition;
}
