/**
 * How a configured loss gets its inputs from a training batch: which embeddings (view-major rows,
 * normalised pairs, sample-major views, common/salient heads) and which labels or attributes stand
 * for the positives, as the loss's definition says (`training`, and the names of its `inputs`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FunctionInputs } from '../ml/losses/registry';
import { l2Normalize } from '../ml/similarity';
import { viewMajorToSampleMajor } from '../ml/layout';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { catalogEntry, findEntry, listTrainable } from '../ml/losses/catalog';
import type { LossStyle } from '../ml/losses/define';

export type { LossStyle } from '../ml/losses/define';

function trainingOf(name: string) {
  const training = findEntry(name)?.training;
  if (!training)
    throw new Error(
      `'${name}' cannot be trained on (valid: ${listTrainable()
        .map((e) => e.id)
        .join(', ')})`,
    );
  return training;
}

export function lossStyle(name: string): LossStyle {
  return trainingOf(name).style;
}

/** The name of the definition's `index`-th input of one role. */
function inputName(name: string, role: 'tensor' | 'constant', index = 0): string {
  const input = catalogEntry(name).inputs.filter((i) => i.role === role)[index];
  if (!input) throw new Error(`${name} has no ${role} input #${index + 1}`);
  return input.name;
}

/** Per-sample constants of one batch (labels, attributes, flags), already gathered. */
export interface BatchMeta {
  n: number;
  classLabels?: Int32Array;
  attributes: Record<string, Float32Array>;
  isTarget?: Uint8Array;
}

function attributeNames(config: TrainingConfig): string[] {
  const a = config.positives.attribute;
  return a === undefined ? [] : Array.isArray(a) ? a : [a];
}

function attributeValues(meta: BatchMeta, name: string): number[] {
  const values = meta.attributes[name];
  if (!values)
    throw new Error(
      `the data set has no attribute '${name}' (has: ${Object.keys(meta.attributes).join(', ')})`,
    );
  return Array.from(values);
}

/** Rows of the named attributes, one row per sample. */
function attributeRows(meta: BatchMeta, names: string[]): number[][] {
  const columns = names.map((n) => attributeValues(meta, n));
  return Array.from({ length: meta.n }, (_, i) => columns.map((c) => c[i]!));
}

export interface EncodedBatch {
  /** [V·N, d] projections, view-major. */
  projection: tf.Tensor2D;
  /** SepCLR salient projections [V·N, ds]. */
  salient?: tf.Tensor2D;
}

/** Inputs of the loss for this batch, ready for the registry. */
export function lossInputs(
  config: TrainingConfig,
  meta: BatchMeta,
  encoded: EncodedBatch,
): FunctionInputs {
  const name = config.loss.name;
  const views = config.views;
  const training = trainingOf(name);
  switch (training.style) {
    case 'view-major': {
      const constants: FunctionInputs['constants'] = {};
      if (training.positives === 'attribute' || training.positives === 'attribute-rows') {
        const names = attributeNames(config);
        if (!names.length)
          throw new Error(`${name} needs positives.attribute (a continuous attribute such as age)`);
        constants[inputName(name, 'constant')] =
          training.positives === 'attribute'
            ? attributeValues(meta, names[0]!)
            : attributeRows(meta, names);
      } else if (training.positives === 'class-or-views') {
        if (config.positives.name === 'class') {
          if (!meta.classLabels)
            throw new Error('class positives need a data set with class labels');
          constants[inputName(name, 'constant')] = Array.from(meta.classLabels);
        } else if (config.positives.name === 'views') {
          constants[inputName(name, 'constant')] = null;
        } else {
          throw new Error(
            `${name} takes 'views' or 'class' positives (got '${config.positives.name}')`,
          );
        }
      }
      return { tensors: { [inputName(name, 'tensor')]: encoded.projection }, constants };
    }
    case 'pairs': {
      if (views !== 2) throw new Error(`${name} needs exactly 2 views`);
      const [x, y] = tf.split(l2Normalize(encoded.projection), 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      return {
        tensors: { [inputName(name, 'tensor', 0)]: x, [inputName(name, 'tensor', 1)]: y },
        constants: {},
      };
    }
    case 'sample-major': {
      const z = viewMajorToSampleMajor(encoded.projection, views);
      const names = attributeNames(config);
      const constants: FunctionInputs['constants'] = {};
      if (config.kernel && names.length)
        constants[inputName(name, 'constant')] = attributeRows(meta, names);
      else if (config.kernel)
        throw new Error('a kernel prior needs positives.attribute (the prior attributes)');
      return { tensors: { [inputName(name, 'tensor')]: z }, constants };
    }
    case 'sepclr': {
      if (views !== 2) throw new Error('sepclr needs exactly 2 views');
      if (!encoded.salient) throw new Error('sepclr needs the salient encoder');
      if (!meta.isTarget) throw new Error('sepclr needs a data set with a target/background flag');
      const [c1, c2] = tf.split(encoded.projection, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      const [s1, s2] = tf.split(encoded.salient, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      return { tensors: { c1, c2, s1, s2 }, constants: { is_target: Array.from(meta.isTarget) } };
    }
  }
}
