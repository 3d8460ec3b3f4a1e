/**
 * The few layers the encoders need, as plain functions of tensors and their variables. `linear`
 * carries a hand-written gradient: TF.js' default MatMul gradient multiplies with transposed
 * operands, which the WASM backend runs up to ten times slower than an explicit transpose first.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from './random';

export interface LinearParams {
  weight: tf.Variable; // [in, out]
  bias: tf.Variable; // [out]
}

export interface ConvParams {
  kernel: tf.Variable; // [k, k, in, out]
  bias: tf.Variable; // [out]
}

let nextId = 0;
const uniqueName = (prefix: string) => `${prefix}_${nextId++}`;

/** He-uniform initialisation (ReLU networks), drawn from the seeded generator. */
function heUniform(shape: number[], fanIn: number, rng: SeededRandom): tf.Tensor {
  const limit = Math.sqrt(6 / fanIn);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (rng.next() * 2 - 1) * limit;
  return tf.tensor(values, shape);
}

export function createLinear(
  inputs: number,
  outputs: number,
  rng: SeededRandom,
  name = 'linear',
): LinearParams {
  return tf.tidy(() => ({
    weight: tf.variable(heUniform([inputs, outputs], inputs, rng), true, uniqueName(`${name}_w`)),
    bias: tf.variable(tf.zeros([outputs]), true, uniqueName(`${name}_b`)),
  }));
}

export function createConv(
  size: number,
  inputs: number,
  outputs: number,
  rng: SeededRandom,
  name = 'conv',
): ConvParams {
  return tf.tidy(() => ({
    kernel: tf.variable(
      heUniform([size, size, inputs, outputs], size * size * inputs, rng),
      true,
      uniqueName(`${name}_k`),
    ),
    bias: tf.variable(tf.zeros([outputs]), true, uniqueName(`${name}_b`)),
  }));
}

const matMulExplicitTranspose = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [
        tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)),
        tf.matMul(tf.transpose(xs), dy as tf.Tensor2D),
      ];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** x·W + b. */
export function linear(x: tf.Tensor2D, p: LinearParams): tf.Tensor2D {
  return tf.add(matMulExplicitTranspose(x, p.weight as tf.Tensor2D), p.bias) as tf.Tensor2D;
}

/**
 * conv2d with `same` padding whose filter gradient is a dilated convolution of the input with the
 * output gradient (dW[kh,kw,ci,co] = Σ x_pad[n, s·i+kh, s·j+kw, ci]·dy[n,i,j,co]): the WASM backend
 * has no Conv2DBackpropFilter kernel, but runs this as one native convolution.
 */
const conv2dWithConvFilterGrad = (stride: number) =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, filter, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, filter]);
    return {
      value: tf.conv2d(x, filter, stride, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [, h, w] = xs.shape;
        const [k] = ws.shape;
        const [, oh, ow] = dy.shape as [number, number, number, number];
        const dx = tf.conv2dTranspose(dy as tf.Tensor4D, ws, xs.shape, stride, 'same');
        const top = Math.floor(Math.max((oh - 1) * stride + k - h, 0) / 2);
        const left = Math.floor(Math.max((ow - 1) * stride + k - w, 0) / 2);
        const padded = tf.pad(xs, [
          [0, 0],
          [top, (oh - 1) * stride + k - h - top],
          [left, (ow - 1) * stride + k - w - left],
          [0, 0],
        ]);
        // Channels become the batch and the batch becomes the contracted channel axis.
        const input = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D; // [ci, Hp, Wp, n]
        const kernel = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, n, co]
        const grad = tf.conv2d(input, kernel, 1, 'valid', 'NHWC', stride); // [ci, k, k, co]
        return [dx, tf.transpose(grad, [1, 2, 0, 3])];
      },
    };
  }) as (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D;

const convByStride = new Map<number, (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D>();

/** k×k convolution, `same` padding, given stride, then bias (values and gradients of conv2d). */
export function conv(x: tf.Tensor4D, p: ConvParams, stride: number): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
    return tf.add(tf.conv2d(x, p.kernel as tf.Tensor4D, stride, 'same'), p.bias) as tf.Tensor4D;
  }
  let op = convByStride.get(stride);
  if (!op) convByStride.set(stride, (op = conv2dWithConvFilterGrad(stride)));
  return tf.add(op(x, p.kernel as tf.Tensor4D), p.bias) as tf.Tensor4D;
}

export function variablesOf(params: (LinearParams | ConvParams)[]): tf.Variable[] {
  return params.flatMap((p) => ('weight' in p ? [p.weight, p.bias] : [p.kernel, p.bias]));
}
