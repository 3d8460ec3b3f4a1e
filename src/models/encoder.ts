/**
 * Encoders (MLP, small CNN) with a projection head: image → representation h (used by probes) →
 * projection z (what the loss sees; 2 or 3 dimensions give native circle and sphere views).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  conv,
  createConv,
  createLinear,
  linear,
  variablesOf,
  type ConvParams,
  type LinearParams,
} from './layers';
import { SeededRandom } from '../ml/random';
import type { EncoderConfig } from '../contracts/encoderConfig';

export type { EncoderConfig };

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface EncoderOutput {
  /** [n, r]: the representation (before the projection head). */
  representation: tf.Tensor2D;
  /** [n, embeddingDim]: the projection the loss sees (raw, not normalised). */
  projection: tf.Tensor2D;
}

export interface Encoder {
  readonly config: EncoderConfig;
  readonly embeddingDim: number;
  readonly representationDim: number;
  readonly variables: tf.Variable[];
  /** Images are data: no gradient is computed for them (only for the variables). */
  apply(images: tf.Tensor4D): EncoderOutput;
  dispose(): void;
}

export function createEncoder(
  config: EncoderConfig,
  image: ImageShape,
  embeddingDim: number,
  seed: number,
): Encoder {
  const rng = new SeededRandom(seed);
  const inputSize = image.height * image.width * image.channels;
  const trunk: (LinearParams | ConvParams)[] = [];
  let representationDim: number;
  let forward: (x: tf.Tensor4D) => tf.Tensor2D;
  if (config.name === 'mlp') {
    const layers: LinearParams[] = [];
    let width = inputSize;
    for (const h of config.hidden) {
      layers.push(createLinear(width, h, rng, 'mlp'));
      width = h;
    }
    trunk.push(...layers);
    representationDim = width;
    forward = (x) => {
      let h = tf.reshape(x, [x.shape[0], inputSize]) as tf.Tensor2D;
      layers.forEach((layer, i) => {
        h = linear(h, layer, i < layers.length - 1 ? 'relu' : 'linear', i === 0);
      });
      return h;
    };
  } else {
    const convs: ConvParams[] = [];
    let channels = image.channels;
    let height = image.height;
    let width = image.width;
    for (const c of config.channels) {
      convs.push(createConv(3, channels, c, rng, 'cnn'));
      channels = c;
      height = Math.ceil(height / 2);
      width = Math.ceil(width / 2);
    }
    const flat = height * width * channels;
    const dense = createLinear(flat, config.representation, rng, 'cnn_dense');
    trunk.push(...convs, dense);
    representationDim = config.representation;
    forward = (x) => {
      let h: tf.Tensor4D = x;
      convs.forEach((c, i) => (h = tf.relu(conv(h, c, 2, i === 0))));
      return linear(tf.reshape(h, [x.shape[0], flat]) as tf.Tensor2D, dense);
    };
  }
  const head1 = createLinear(representationDim, config.projectionHidden, rng, 'proj');
  const head2 = createLinear(config.projectionHidden, embeddingDim, rng, 'proj');
  const variables = variablesOf([...trunk, head1, head2]);
  return {
    config,
    embeddingDim,
    representationDim,
    variables,
    apply(images) {
      const representation = forward(images);
      const projection = linear(linear(tf.relu(representation), head1, 'relu'), head2);
      return { representation, projection };
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}

/** Copies of the current weights as plain arrays (to keep the last good weights, or to export). */
export async function readWeights(encoder: Encoder): Promise<Float32Array[]> {
  return Promise.all(encoder.variables.map(async (v) => Float32Array.from(await v.data())));
}

export function writeWeights(encoder: Encoder, weights: readonly Float32Array[]): void {
  if (weights.length !== encoder.variables.length)
    throw new Error('weights do not match this encoder');
  tf.tidy(() => encoder.variables.forEach((v, i) => v.assign(tf.tensor(weights[i]!, v.shape))));
}
