/**
 * How a configured loss gets its inputs from a training batch: which embeddings (view-major rows,
 * normalised pairs, sample-major views, common/salient heads), which labels or attributes stand for
 * the positives, and which config fields (views, kernel) override the loss's own parameters.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FunctionInputs } from '../ml/losses/registry';
import { l2Normalize } from '../ml/similarity';
import { viewMajorToSampleMajor } from '../ml/layout';
import type { TrainingConfig } from '../contracts/trainingConfig';

export type LossStyle = 'view-major' | 'pairs' | 'sample-major' | 'sepclr';

const STYLES: Record<string, LossStyle> = {
  nt_xent: 'view-major',
  supcon: 'view-major',
  eps_supinfonce: 'view-major',
  eps_supcon: 'view-major',
  kernelized_supcon: 'view-major',
  y_aware_infonce: 'view-major',
  align_uniform: 'pairs',
  dcl: 'pairs',
  dclw: 'pairs',
  decoupled_uniformity: 'sample-major',
  sepclr: 'sepclr',
};

export function lossStyle(name: string): LossStyle {
  const style = STYLES[name];
  if (!style)
    throw new Error(`'${name}' cannot be trained on (valid: ${Object.keys(STYLES).join(', ')})`);
  return style;
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
  switch (lossStyle(name)) {
    case 'view-major': {
      const constants: FunctionInputs['constants'] = {};
      if (name === 'kernelized_supcon' || name === 'y_aware_infonce') {
        const names = attributeNames(config);
        if (!names.length)
          throw new Error(`${name} needs positives.attribute (a continuous attribute such as age)`);
        if (name === 'kernelized_supcon') constants.labels = attributeValues(meta, names[0]!);
        else constants.metadata = attributeRows(meta, names);
      } else if (name !== 'nt_xent') {
        if (config.positives.name === 'class') {
          if (!meta.classLabels)
            throw new Error('class positives need a data set with class labels');
          constants.labels = Array.from(meta.classLabels);
        } else if (config.positives.name === 'views') {
          constants.labels = null;
        } else {
          throw new Error(
            `${name} takes 'views' or 'class' positives (got '${config.positives.name}')`,
          );
        }
      }
      return { tensors: { features: encoded.projection }, constants };
    }
    case 'pairs': {
      if (views !== 2) throw new Error(`${name} needs exactly 2 views`);
      const [x, y] = tf.split(l2Normalize(encoded.projection), 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      return name === 'align_uniform'
        ? { tensors: { x, y }, constants: {} }
        : { tensors: { z1: x, z2: y }, constants: {} };
    }
    case 'sample-major': {
      const z = viewMajorToSampleMajor(encoded.projection, views);
      const names = attributeNames(config);
      const constants: FunctionInputs['constants'] = {};
      if (config.kernel && names.length) constants.prior = attributeRows(meta, names);
      else if (config.kernel)
        throw new Error('a kernel prior needs positives.attribute (the prior attributes)');
      return { tensors: { z }, constants };
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
