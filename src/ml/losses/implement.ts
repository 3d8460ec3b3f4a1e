/**
 * Binds a definition (define.ts) to its TF.js code: the implementation receives the parameters
 * with the types zod infers from the definition's schema, already validated and with defaults,
 * and typed access to its named inputs; it runs inside tf.tidy and returns one tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { LossDefinition, ParamSchema } from './define';
import type { MultiViewBatch } from './base';
import { parseDefinitionParams } from './catalog';

export type ConstantInput = readonly number[] | readonly (readonly number[])[] | null;

export interface FunctionInputs {
  tensors: Record<string, tf.Tensor>;
  constants: Record<string, ConstantInput | undefined>;
}

/** Typed access to named inputs, with messages that say which function needed what. */
export class InputReader {
  constructor(
    private readonly fn: string,
    private readonly inputs: FunctionInputs,
  ) {}

  tensor2d(name: string): tf.Tensor2D {
    const t = this.tensor(name);
    if (t.rank !== 2)
      throw new Error(`${this.fn}: '${name}' must be 2-D, got shape ${JSON.stringify(t.shape)}.`);
    return t as tf.Tensor2D;
  }

  tensor3d(name: string): tf.Tensor3D {
    const t = this.tensor(name);
    if (t.rank !== 3)
      throw new Error(`${this.fn}: '${name}' must be [n, V, d], got ${JSON.stringify(t.shape)}.`);
    return t as tf.Tensor3D;
  }

  tensor(name: string): tf.Tensor {
    const t = this.inputs.tensors[name];
    if (!t) throw new Error(`${this.fn}: missing input '${name}'.`);
    return t;
  }

  /** Labels or attributes; `null` is a valid value (e.g. "no labels"), absence is not unless optional. */
  constant(name: string, optional = false): ConstantInput {
    const value = this.inputs.constants[name];
    if (value === undefined) {
      if (optional) return null;
      throw new Error(`${this.fn}: missing input '${name}'.`);
    }
    return value;
  }

  /** A constant that must be present and not null. */
  required(name: string): readonly number[] | readonly (readonly number[])[] {
    const value = this.constant(name);
    if (!value) throw new Error(`'${name}' must be an array.`);
    return value;
  }

  /** `features` plus the optional class `labels` (null: the other views are the positives). */
  multiView(nViews: number): MultiViewBatch {
    const labels = this.constant('labels', true);
    return {
      features: this.tensor2d('features'),
      nViews,
      labels: labels ? this.numbers('labels') : null,
    };
  }

  numbers(name: string): number[] {
    const value = this.constant(name);
    if (!value) throw new Error(`${this.fn}: '${name}' must be an array of numbers.`);
    return value.map((v) =>
      Array.isArray(v) ? scalarOf(this.fn, name, v as number[]) : (v as number),
    );
  }
}

function scalarOf(fn: string, name: string, row: readonly number[]): number {
  if (row.length !== 1) throw new Error(`${fn}: '${name}' must hold one number per sample.`);
  return row[0]!;
}

export interface LossImplementation<Id extends string = string> {
  readonly definition: LossDefinition<Id, ParamSchema>;
  /** Validates `params` (filling defaults) and evaluates; the result lives outside any tidy scope. */
  call(inputs: FunctionInputs, params?: unknown): tf.Tensor;
}

export function implement<Id extends string, S extends ParamSchema>(
  definition: LossDefinition<Id, S>,
  evaluate: (inputs: InputReader, params: z.output<S>) => tf.Tensor,
): LossImplementation<Id> {
  return {
    definition,
    call(inputs, params) {
      const parsed = parseDefinitionParams(definition, params);
      return tf.tidy(() => evaluate(new InputReader(definition.id, inputs), parsed));
    },
  };
}
