/**
 * The few layers the encoders need, as plain functions of tensors and their variables.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../ml/random';

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

/**
 * activation(x·W + b). TF.js' gradient of a matMul multiplies with transposed operands, which
 * engine/wasmKernels.ts turns into an explicit transpose plus XNNPACK's fast path on WASM.
 * `dataInput` (x is data, e.g. images): a plain matMul, whose gradient TF.js skips for x; otherwise
 * one fused kernel for product, bias and ReLU (one GPU dispatch instead of three), whose gradient
 * computes every input's.
 */
export function linear(
  x: tf.Tensor2D,
  p: LinearParams,
  activation: 'linear' | 'relu' = 'linear',
  dataInput = false,
): tf.Tensor2D {
  if (dataInput) {
    const product =
      tf.getBackend() === 'wasm' && p.weight.size > x.size
        ? productThroughInputTranspose(x, p.weight as tf.Tensor2D)
        : tf.matMul(x, p.weight as tf.Tensor2D);
    const y = tf.add(product, p.bias) as tf.Tensor2D;
    return activation === 'relu' ? tf.relu(y) : y;
  }
  return tf.fused.matMul({
    a: x,
    b: p.weight as tf.Tensor2D,
    bias: p.bias,
    activation,
  }) as tf.Tensor2D;
}

/**
 * The last input transposed by `transposedInput`: encoders that read the same inputs in one step
 * (SepCLR's two, sharing the views) get the same tensor, so XNNPACK packs it once. Not kept alive
 * here: it lives as long as the scope that made it, and is made again once disposed.
 */
let lastInputTranspose: { dataId: object; t: tf.Tensor2D } | undefined;

function transposedInput(x: tf.Tensor2D): tf.Tensor2D {
  const last = lastInputTranspose;
  if (last && last.dataId === x.dataId && !last.t.isDisposed && last.t.shape[1] === x.shape[0])
    return last.t;
  const t = tf.transpose(x);
  lastInputTranspose = { dataId: x.dataId, t };
  return t;
}

/**
 * x·W for a first layer on WASM whose weights outnumber its inputs (the brain MRI: 8192 × 256
 * weights against 128 × 8192 views). XNNPACK packs the right operand of a product again whenever
 * it is a new tensor, and the weights are new at every step: packing 8192 × 256 cost about as much
 * as the product itself, on one thread. (x·W)ᵀ = Wᵀ·xᵀ packs xᵀ instead: half the values, and the
 * same tensor for every encoder that reads these views (packed once for SepCLR's two). Wᵀ and the
 * result are 4 × 4-block SIMD transposes; the weights' gradient xᵀ·dy reuses xᵀ. The sums run over
 * the same k in the same order, so the values are the plain product's.
 */
function productThroughInputTranspose(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const xT = transposedInput(x);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [weights, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([xT]);
    return {
      value: tf.transpose(tf.matMul(tf.transpose(weights), xT)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.matMul(saved[0] as tf.Tensor2D, dy as tf.Tensor2D),
    };
  }) as (weights: tf.Tensor2D) => tf.Tensor2D;
  return op(w);
}

interface ConvGeometry {
  stride: number;
  /** `same` padding before the first row / column. */
  top: number;
  left: number;
}

function convGeometry(xShape: number[], k: number, stride: number): ConvGeometry {
  const [, h, w] = xShape as [number, number, number, number];
  const oh = Math.ceil(h / stride);
  const ow = Math.ceil(w / stride);
  return {
    stride,
    top: Math.floor(Math.max((oh - 1) * stride + k - h, 0) / 2),
    left: Math.floor(Math.max((ow - 1) * stride + k - w, 0) / 2),
  };
}

/**
 * The filter gradient on WASM, which has no Conv2DBackpropFilter kernel: the engine registers one
 * under this name (engine/convFilterGrad.ts, by engine/wasmKernels.ts installWasmKernels).
 */
export const CONV_FILTER_GRAD_KERNEL = 'ContrastivePlaygroundConvFilterGrad';

/** The attributes of CONV_FILTER_GRAD_KERNEL (inputs x [n, h, w, ci], dy [n, oh, ow, co]). */
export interface ConvFilterGradAttrs {
  k: number;
  stride: number;
  /** `same` padding before the first row / column. */
  top: number;
  left: number;
}

/** dW[kh,kw,ci,co] = Σ x_pad[n, s·i+kh, s·j+kw, ci]·dy[n,i,j,co], by the engine's kernel. */
function convFilterGrad(xs: tf.Tensor4D, dy: tf.Tensor4D, k: number, g: ConvGeometry): tf.Tensor4D {
  const backend = tf.getBackend();
  if (!tf.getKernel(CONV_FILTER_GRAD_KERNEL, backend))
    throw new Error(
      `${backend} has no Conv2DBackpropFilter: call installWasmKernels() (engine/wasmKernels.ts) before training a CNN on it`,
    );
  const attrs: ConvFilterGradAttrs = { k, stride: g.stride, top: g.top, left: g.left };
  return tf
    .engine()
    .runKernel(
      CONV_FILTER_GRAD_KERNEL,
      { x: xs, dy },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor4D;
}

/** The taps of one output phase along one axis: x index s·p + a gets dy[p + d]·W[tap]. */
function phaseTaps(a: number, k: number, s: number, pad: number): { tap: number; d: number }[] {
  const taps: { tap: number; d: number }[] = [];
  for (let tap = k - 1; tap >= 0; tap--) {
    if ((((a + pad - tap) % s) + s) % s === 0) taps.push({ tap, d: (a + pad - tap) / s });
  }
  return taps; // d increasing
}

/**
 * The input gradient of a strided `same` convolution (conv2dTranspose) as s² small stride-1
 * convolutions, one per output phase (row mod s, column mod s), interleaved. The WASM backend's
 * Conv2DBackpropInput is a scalar loop (99 ms for the second layer of the bench CNN at batch
 * 256×2); its Conv2D is XNNPACK's, and the phases together do the same multiply-adds as the
 * forward convolution. Exported for the tests.
 */
export function convInputGradByPhases(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  stride: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, ci] = xShape;
    const [, oh, ow, co] = dy.shape;
    const k = filter.shape[0];
    const g = convGeometry(xShape, k, stride);
    const s = stride;
    const rows0 = Math.ceil(h / s);
    const cols0 = Math.ceil(w / s);
    const phases: tf.Tensor4D[] = [];
    for (let a = 0; a < s; a++) {
      for (let b = 0; b < s; b++) {
        const rows = Math.max(Math.ceil((h - a) / s), 0);
        const cols = Math.max(Math.ceil((w - b) / s), 0);
        const th = phaseTaps(a, k, s, g.top);
        const tw = phaseTaps(b, k, s, g.left);
        let phase: tf.Tensor4D;
        if (th.length === 0 || tw.length === 0 || rows === 0 || cols === 0) {
          phase = tf.zeros([n, rows0, cols0, ci]);
        } else {
          // Rows p + d for p in [0, rows), d in [dMin, dMax] of dy: slice what exists, and let
          // the convolution pad the rest with zeros.
          const [r0, r1] = [th[0]!.d, th[0]!.d + rows + th.length - 1];
          const [c0, c1] = [tw[0]!.d, tw[0]!.d + cols + tw.length - 1];
          const inside =
            r0 <= 0 && c0 <= 0 && r1 >= oh && c1 >= ow
              ? dy
              : tf.slice(
                  dy,
                  [0, Math.max(r0, 0), Math.max(c0, 0), 0],
                  [n, Math.min(r1, oh) - Math.max(r0, 0), Math.min(c1, ow) - Math.max(c0, 0), co],
                );
          const pad: [[number, number], [number, number], [number, number], [number, number]] = [
            [0, 0],
            [Math.max(-r0, 0), Math.max(r1 - oh, 0)],
            [Math.max(-c0, 0), Math.max(c1 - ow, 0)],
            [0, 0],
          ];
          // Taps ordered by d: W[tap_h, tap_w, ci, co] → filter [jh, jw, co, ci].
          const sub = tf.transpose(
            tf.gather(
              tf.gather(
                filter,
                th.map((t) => t.tap),
                0,
              ),
              tw.map((t) => t.tap),
              1,
            ),
            [0, 1, 3, 2],
          ) as tf.Tensor4D;
          phase = tf.conv2d(inside, sub, 1, pad);
          if (rows < rows0 || cols < cols0)
            phase = tf.pad(phase, [
              [0, 0],
              [0, rows0 - rows],
              [0, cols0 - cols],
              [0, 0],
            ]);
        }
        phases.push(phase);
      }
    }
    // Interleaved by stacking first (one contiguous copy each) and moving whole blocks after (the
    // WASM backend's Pack on an inner axis copies element by element): the column phases b give
    // [s, n, rows0, cols0, ci] → [n, rows0, cols0, s, ci] = [n, rows0, cols0·s, ci], then the rows.
    const rowPhases = Array.from({ length: s }, (_, a) =>
      tf.reshape(tf.transpose(tf.stack(phases.slice(a * s, a * s + s)), [1, 2, 3, 0, 4]), [
        n,
        rows0,
        cols0 * s,
        ci,
      ]),
    );
    const interleaved = tf.reshape(tf.transpose(tf.stack(rowPhases), [1, 2, 0, 3, 4]), [
      n,
      rows0 * s,
      cols0 * s,
      ci,
    ]);
    return (
      rows0 * s === h && cols0 * s === w
        ? interleaved
        : tf.slice(interleaved, [0, 0, 0, 0], [n, h, w, ci])
    ) as tf.Tensor4D;
  });
}

/**
 * conv2d with `same` padding for the WASM backend, which has no Conv2DBackpropFilter kernel and a
 * slow Conv2DBackpropInput: the filter gradient is the engine's kernel, the input gradient s²
 * phase convolutions. `dataInput`: x is data, only the filter gets a gradient.
 */
function conv2dForWasm(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  dataInput: boolean,
): tf.Tensor4D {
  const k = filter.shape[0];
  const g = convGeometry(x.shape, k, stride);
  if (dataInput) {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [f, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
      save([x]);
      return {
        value: tf.conv2d(x, f, stride, 'same'),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          convFilterGrad(saved[0] as tf.Tensor4D, dy as tf.Tensor4D, k, g),
      };
    }) as (f: tf.Tensor4D) => tf.Tensor4D;
    return op(filter);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, f, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, f]);
    return {
      value: tf.conv2d(input, f, stride, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          convInputGradByPhases(dy as tf.Tensor4D, ws, xs.shape, stride),
          convFilterGrad(xs, dy as tf.Tensor4D, k, g),
        ];
      },
    };
  }) as (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D;
  return op(x, filter);
}

/**
 * k×k convolution, `same` padding, given stride, then bias (values and gradients of conv2d).
 * `dataInput`: x is data (images), so no gradient is computed for it.
 */
export function conv(
  x: tf.Tensor4D,
  p: ConvParams,
  stride: number,
  dataInput = false,
): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
    // TF.js prunes the gradient of inputs that no variable depends on (the images) by itself.
    return tf.add(tf.conv2d(x, p.kernel as tf.Tensor4D, stride, 'same'), p.bias) as tf.Tensor4D;
  }
  return tf.add(
    conv2dForWasm(x, p.kernel as tf.Tensor4D, stride, dataInput),
    p.bias,
  ) as tf.Tensor4D;
}

export function variablesOf(params: (LinearParams | ConvParams)[]): tf.Variable[] {
  return params.flatMap((p) => ('weight' in p ? [p.weight, p.bias] : [p.kernel, p.bias]));
}
