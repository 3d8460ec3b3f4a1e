/**
 * The elementwise kernels of a CNN step (a convolution's bias, ReLU and its gradient: Step, Cast
 * and Multiply, or our one-pass ReLU gradient) by our SIMD kernel (`mapRange`, simd/kernels.wat) on
 * WASM, split among the kernel pool's threads where there is one, and Pack on a new first axis as
 * copies. Each is one IEEE operation per value (or a comparison, or a copy), so the values are the
 * backend's bit for bit (test/unit/engine/elementwise.test.ts); with TF.js on one thread for the
 * pool (wasmKernels.ts), the backend's own ran on one core, about 4 ms of the bench CNN's step at
 * 256 × 2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelPoolOf } from './simd/kernelPool';
import { freeOutputsOnThrow, simdKernelsOf } from './simd/simdKernels';
import type { WasmBackendLike } from './wasmKernels';

export const MAP = {
  add: 0,
  multiply: 1,
  step: 2,
  relu: 3,
  copy: 4,
  divideByScalar: 5,
  reluGrad: 6,
} as const;
type MapOp = (typeof MAP)[keyof typeof MAP];

/** Below this many values the backend's kernel is as fast: a call costs more than it saves. */
const MIN_VALUES = 1 << 12;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Whether b broadcasts to a's shape by repeating whole: b's shape without its leading 1s is a's
 * trailing dimensions (a bias over the channels, or the same shape).
 */
export function repeatsOver(a: number[], b: number[]): boolean {
  let lead = 0;
  while (lead < b.length && b[lead] === 1) lead++;
  const core = b.slice(lead);
  if (b.length > a.length) return false;
  const tail = a.slice(a.length - core.length);
  return core.every((d, i) => d === tail[i]);
}

/** The map over n floats at heap offsets, split among the kernel pool's threads where there is one. */
function mapFloats(
  backend: unknown,
  op: MapOp,
  a: number,
  b: number,
  out: number,
  n: number,
  period: number,
  alpha: number,
): void {
  const pool = kernelPoolOf(backend);
  if (pool) pool.map(op, a, b, out, n, period, alpha);
  else simdKernelsOf(backend)!.mapRange(op, a, b, out, 0, n, period, alpha);
}

function run(
  backend: unknown,
  op: MapOp,
  x: TensorInfo,
  y: TensorInfo | undefined,
  outShape: number[],
  alpha = 0,
): TensorInfo {
  const wasm = backend as WasmBackendLike;
  const out = wasm.makeOutput(outShape, 'float32');
  const at = (t: TensorInfo) => wasm.getMemoryOffset(t.dataId);
  const period = y ? size(y.shape) : 4;
  freeOutputsOnThrow(wasm, [out], () =>
    mapFloats(backend, op, at(x), y ? at(y) : 0, at(out), size(outShape), period, alpha),
  );
  return out;
}

/** Whether our kernel takes these float32 tensors: SIMD here, sizes in fours, large enough. */
function takes(backend: unknown, ...tensors: TensorInfo[]): boolean {
  return (
    tensors.every((t) => t.dtype === 'float32' && size(t.shape) % 4 === 0) &&
    Math.max(...tensors.map((t) => size(t.shape))) >= MIN_VALUES &&
    simdKernelsOf(backend) !== undefined
  );
}

/** Add or Multiply: the same shapes, or one operand repeating over the other's leading axes. */
function binary(op: MapOp, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (!takes(args.backend, a, b)) return fallback(args);
    // Both operations commute exactly, so the repeated operand goes second.
    if (repeatsOver(a.shape, b.shape)) return run(args.backend, op, a, b, a.shape);
    if (repeatsOver(b.shape, a.shape)) return run(args.backend, op, b, a, b.shape);
    return fallback(args);
  };
}

function unary(
  op: MapOp,
  fallback: KernelFunc,
  accepts: (args: Parameters<KernelFunc>[0]) => boolean,
): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (!takes(args.backend, x) || !accepts(args)) return fallback(args);
    const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    return run(args.backend, op, x, undefined, x.shape, alpha);
  };
}

/** RealDiv by a single value (the logits over the temperature). */
function divideByScalar(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (!takes(args.backend, a) || b.dtype !== 'float32' || size(b.shape) !== 1)
      return fallback(args);
    if (b.shape.length > a.shape.length) return fallback(args);
    return run(args.backend, MAP.divideByScalar, a, b, a.shape);
  };
}

/**
 * Pack (tf.stack) of same-shape tensors on a new first axis: each input copied whole after the one
 * before (the CNN's input gradient stacks its phase convolutions, 0.8 ms of copies a step at 256×2
 * on the backend's one thread).
 */
function packOnFirstAxis(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const inputs = Object.values(args.inputs) as TensorInfo[]; // TF.js passes an array
    const axis = (args.attrs as unknown as { axis: number }).axis;
    const first = inputs[0];
    if (!first || !takes(args.backend, ...inputs)) return fallback(args);
    const shape = first.shape;
    const sameShape = (t: TensorInfo) =>
      t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
    if ((axis < 0 ? axis + shape.length + 1 : axis) !== 0 || !inputs.every(sameShape))
      return fallback(args);
    const wasm = args.backend as WasmBackendLike;
    const out = wasm.makeOutput([inputs.length, ...shape], 'float32');
    const n = size(shape);
    const to = wasm.getMemoryOffset(out.dataId);
    freeOutputsOnThrow(wasm, [out], () =>
      inputs.forEach((t, i) =>
        copyFloats(args.backend, wasm.getMemoryOffset(t.dataId), to + i * n * 4, n),
      ),
    );
    return out;
  };
}

/**
 * n floats (n % 4 === 0) copied from one heap offset to another by our map, split among the pool's
 * threads where there is one (Pack, and Tile along the first axis: wasmKernels.ts).
 */
export function copyFloats(backend: unknown, from: number, to: number, n: number): void {
  mapFloats(backend, MAP.copy, from, 0, to, n, 4, 0);
}

/** Whether copyFloats takes a float32 tensor of this size (SIMD here, large enough, in fours). */
export function copiesFloats(backend: unknown, t: TensorInfo): boolean {
  return takes(backend, t);
}

/**
 * Our kernels over the backend's Add, Multiply, Step, Relu, Cast (float32 to float32), RealDiv and
 * Pack (on a new first axis).
 */
export function elementwiseKernels(): {
  name: string;
  wrap: (fallback: KernelFunc) => KernelFunc;
}[] {
  return [
    { name: 'Add', wrap: (f) => binary(MAP.add, f) },
    { name: 'Multiply', wrap: (f) => binary(MAP.multiply, f) },
    { name: 'Step', wrap: (f) => unary(MAP.step, f, () => true) },
    { name: 'Relu', wrap: (f) => unary(MAP.relu, f, () => true) },
    { name: 'RealDiv', wrap: divideByScalar },
    { name: 'Pack', wrap: packOnFirstAxis },
    {
      name: 'Cast',
      wrap: (f) =>
        unary(MAP.copy, f, (args) => (args.attrs as { dtype?: string }).dtype === 'float32'),
    },
  ];
}

/** Our kernel for ReLU's gradient, dy·step(x), in one pass (WASM only). */
export const RELU_GRAD_KERNEL = 'ContrastivePlaygroundReluGrad';

/**
 * ReLU's gradient by our one-pass kernel where it takes the tensors (WASM, float32, 4096 values or
 * more), TF.js' own everywhere else: dy·cast(step(x)), three kernels and two passes more (about
 * 0.3 ms of a SupCon MLP step at 256×2 on the training thread, for three ReLUs). Step's 1 and 0 (or
 * NaN) multiply dy exactly as they do there: the same values bit for bit.
 */
export function installReluGradient(): void {
  if (tf.getKernel(RELU_GRAD_KERNEL, 'wasm')) return;
  const own = tf.getGradient('Relu');
  if (!own) return;
  tf.registerKernel({
    kernelName: RELU_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
      return run(args.backend, MAP.reluGrad, dy, x, x.shape);
    },
  });
  // Its own gradient, for gradients of gradients: TF.js' chain gives g·step(x) for dy and zeros for
  // x (Step's gradient).
  tf.registerGradient({
    kernelName: RELU_GRAD_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (g, saved) => {
      const [x] = saved as [tf.Tensor];
      return {
        dy: () => tf.mul(g as tf.Tensor, tf.cast(tf.step(x), 'float32')),
        x: () => tf.zerosLike(x),
      };
    },
  });
  tf.registerGradient({
    ...own,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      if (
        !Array.isArray(dy) &&
        tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) &&
        takes(tf.backend(), dy, x)
      )
        return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as tf.Tensor };
      return own.gradFunc(dy, saved, attrs);
    },
  });
}
