/**
 * fn id → implementation. Every function takes its differentiable inputs as tensors and its
 * labels/attributes/flags as plain arrays, validates its parameters (an unknown name or a bad value
 * gets an error naming the choices) and returns a tensor inside tf.tidy. The list is
 * implementations/index.ts, one entry per definition.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { catalogEntry, CATALOG, type CatalogEntry } from './catalog';
import type { LossId } from './definitions';
import * as IMPLEMENTED from './implementations';
import type { FunctionInputs, LossImplementation } from './implement';

export type { ConstantInput, FunctionInputs } from './implement';

type Implemented = (typeof IMPLEMENTED)[keyof typeof IMPLEMENTED]['definition']['id'];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Fails to compile when a definition has no implementation, or an implementation no definition.
const COMPLETE: Same<LossId, Implemented> = true;

const BY_ID = new Map<string, LossImplementation>(
  Object.values(IMPLEMENTED).map((implementation) => [
    implementation.definition.id,
    implementation,
  ]),
);

/** The implementations in the definitions' order. */
export const IMPLEMENTATIONS: readonly LossImplementation[] = CATALOG.map((entry) => {
  const implementation = BY_ID.get(entry.id);
  if (!COMPLETE || implementation?.definition !== entry)
    throw new Error(`definition '${entry.id}' has no implementation`);
  return implementation;
});

export interface RegisteredFunction extends CatalogEntry {
  /** Validates `params` (filling defaults) and evaluates; the result lives outside any tidy scope. */
  call(inputs: FunctionInputs, params?: unknown): tf.Tensor;
}

export function getFunction(name: string): RegisteredFunction {
  const entry = catalogEntry(name);
  const implementation = BY_ID.get(name)!;
  return { ...entry, call: (inputs, params) => implementation.call(inputs, params) };
}

/** Shorthand for a loss: returns a scalar. */
export function computeLoss(name: string, inputs: FunctionInputs, params?: unknown): tf.Scalar {
  const fn = getFunction(name);
  if (fn.kind === 'kernel') throw new Error(`'${name}' is a kernel, not a loss.`);
  return fn.call(inputs, params) as tf.Scalar;
}
