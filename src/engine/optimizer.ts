/**
 * The training optimisers (Adam; SGD with or without momentum), with TF.js' update rules, in two
 * forms:
 *
 * - `apply(grads)`: on CPU-side backends (wasm, cpu) one fused kernel per variable updates the
 *   weights and the moments in one pass (TF.js' Adam runs ~14 kernels per variable, each a pass
 *   over the weights). Elsewhere the same rule as tensor ops.
 * - `applyIf(grads, ok)`: the update happens only where the device scalar `ok` is 1, without
 *   reading it (a GPU backend need not stop for a GPU→CPU read at every step): the weights, moments
 *   and step count stay exactly as they were when `ok` is 0, whatever the gradients hold.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernelsOf } from './simd/simdKernels';

export interface OptimizerConfig {
  name: 'adam' | 'sgd';
  lr: number;
  momentum?: number;
}

const ADAM_KERNEL = 'ContrastivePlaygroundAdam';
/** Guarded Adam on WebGPU: w' and [m'; s'] from w, [m; s], g and k = [ok, steps including this one]. */
const ADAM_IF_KERNEL = 'ContrastivePlaygroundAdamIf';
/** 1 when every value of every input is finite, else 0 (float32 scalar), on CPU-side backends. */
const ALL_FINITE_KERNEL = 'ContrastivePlaygroundAllFinite';
const BETA1 = 0.9;
const BETA2 = 0.999;

export class TrainingOptimizer {
  private readonly slots = new Map<string, tf.Variable[]>();
  /** Steps applied so far (on the CPU; the device copy serves `applyIf`). */
  private steps = 0;
  private deviceSteps: tf.Variable | undefined;

  constructor(readonly config: OptimizerConfig) {}

  /** The optimiser's slots for a variable: `count` tensors of its size times `packed`, flat when packed. */
  private state(v: tf.Variable, count: number, packed = 1): tf.Variable[] {
    const key = `${v.name}/${packed}`;
    let s = this.slots.get(key);
    if (!s) {
      s = tf.tidy(() =>
        Array.from({ length: count }, () =>
          tf.variable(packed === 1 ? tf.zerosLike(v) : tf.zeros([packed * v.size]), false),
        ),
      );
      this.slots.set(key, s);
    }
    return s;
  }

  /** Applies the gradients (one per variable, same order). */
  apply(variables: tf.Variable[], grads: tf.Tensor[]): void {
    this.steps++;
    const { name, lr, momentum } = this.config;
    tf.tidy(() => {
      this.deviceSteps?.assign(tf.scalar(this.steps));
      variables.forEach((v, i) => {
        const g = grads[i]!;
        if (name === 'adam') {
          const [m, s] = this.state(v, 2) as [tf.Variable, tf.Variable];
          const c1 = 1 - BETA1 ** this.steps;
          const c2 = 1 - BETA2 ** this.steps;
          const eps = tf.backend().epsilon();
          if (tf.getKernel(ADAM_KERNEL, tf.getBackend())) {
            // The kernel updates the moments in place (they belong to this optimiser alone) and
            // returns only the new weights: one allocation per variable, not three.
            const w2 = tf
              .engine()
              .runKernel(ADAM_KERNEL, { w: v, m, s, g }, { lr, c1, c2, eps }) as tf.Tensor;
            v.assign(w2);
            return;
          }
          const m2 = tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1));
          const s2 = tf.add(tf.mul(s, BETA2), tf.mul(tf.square(g), 1 - BETA2));
          const step = tf.div(tf.div(m2, c1), tf.add(tf.sqrt(tf.div(s2, c2)), eps));
          v.assign(tf.sub(v, tf.mul(step, lr)));
          m.assign(m2);
          s.assign(s2);
        } else if (momentum) {
          const [a] = this.state(v, 1) as [tf.Variable];
          const a2 = tf.add(tf.mul(a, momentum), g);
          v.assign(tf.sub(v, tf.mul(a2, lr)));
          a.assign(a2);
        } else {
          v.assign(tf.sub(v, tf.mul(g, lr)));
        }
      });
    });
  }

  /**
   * Applies the gradients where `ok` (a 0/1 scalar on the device) is 1, without reading it.
   * The step count lives on the device too, so Adam's bias corrections follow the applied steps.
   */
  applyIf(variables: tf.Variable[], grads: tf.Tensor[], ok: tf.Scalar): void {
    const { name, lr, momentum } = this.config;
    this.deviceSteps ??= tf.variable(tf.scalar(this.steps), false);
    const deviceSteps = this.deviceSteps;
    tf.tidy(() => {
      const okFloat = tf.cast(ok, 'float32');
      let okBoolean: tf.Tensor | undefined;
      const okBool = () => (okBoolean ??= tf.cast(ok, 'bool'));
      const t = tf.add(deviceSteps, okFloat);
      // A NaN gradient times 0 is NaN: select zeros instead before anything multiplies it.
      const safe = (g: tf.Tensor) => tf.where(okBool(), g, tf.zerosLike(g));
      let scale: tf.Scalar | undefined; // lr·√c2/c1, Adam's bias corrections folded in
      let epsHat: tf.Scalar | undefined;
      if (name === 'adam' && !tf.getKernel(ADAM_IF_KERNEL, tf.getBackend())) {
        // At least one step in the corrections: a skipped first step (t = 0) would make them 0,
        // and 0/0 times ok = 0 is still NaN.
        const tc = tf.maximum(t, 1);
        const c1 = tf.sub(1, tf.pow(BETA1, tc));
        const c2 = tf.sub(1, tf.pow(BETA2, tc));
        scale = tf.mul(tf.div(tf.sqrt(c2), c1), tf.mul(okFloat, lr)) as tf.Scalar;
        epsHat = tf.mul(tf.sqrt(c2), tf.backend().epsilon()) as tf.Scalar;
      }
      const fused = name === 'adam' && tf.getKernel(ADAM_IF_KERNEL, tf.getBackend());
      // The fused kernel takes the bias corrections from the step count itself.
      const k = fused ? tf.stack([okFloat, t]) : undefined;
      variables.forEach((v, i) => {
        if (k) {
          // m and s packed in one [2·size] state: two dispatches per variable, not three.
          const [ms] = this.state(v, 1, 2) as [tf.Variable];
          const [w2, ms2] = tf
            .engine()
            .runKernel(
              ADAM_IF_KERNEL,
              { w: v, ms, g: grads[i]!, k },
              { lr, eps: tf.backend().epsilon() },
            ) as tf.Tensor[];
          v.assign(w2!);
          ms.assign(ms2!);
          return;
        }
        const g = safe(grads[i]!);
        if (name === 'adam') {
          const [m, s] = this.state(v, 2) as [tf.Variable, tf.Variable];
          // m + (g − m)(1 − β1)·ok: unchanged when ok = 0.
          const m2 = tf.add(m, tf.mul(tf.sub(g, m), tf.mul(okFloat, 1 - BETA1)));
          const s2 = tf.add(s, tf.mul(tf.sub(tf.square(g), s), tf.mul(okFloat, 1 - BETA2)));
          v.assign(tf.sub(v, tf.mul(tf.div(m2, tf.add(tf.sqrt(s2), epsHat!)), scale!)));
          m.assign(m2);
          s.assign(s2);
        } else if (momentum) {
          const [a] = this.state(v, 1) as [tf.Variable];
          const a2 = tf.where(okBool(), tf.add(tf.mul(a, momentum), g), a);
          v.assign(tf.sub(v, tf.mul(a2, tf.mul(okFloat, lr))));
          a.assign(a2);
        } else {
          v.assign(tf.sub(v, tf.mul(g, lr)));
        }
      });
      deviceSteps.assign(t);
    });
  }

  /** Adopts the device's step count after `applyIf` steps (call when their results are read). */
  syncSteps(applied: number): void {
    this.steps = applied;
  }

  dispose(): void {
    for (const s of this.slots.values()) tf.dispose(s);
    this.slots.clear();
    this.deviceSteps?.dispose();
    this.deviceSteps = undefined;
  }
}

/**
 * Adam's w' (into `w2`) from w, m, s, g in one pass over CPU-side memory; m and s are updated in
 * place. lr·(m/c1)/(√(s/c2) + ε) is computed as m·(lr/c1)/(√s·(1/√c2) + ε): one division per
 * element instead of three (float rounding only).
 */
export function adamUpdate(
  w: Float32Array,
  m: Float32Array,
  s: Float32Array,
  g: Float32Array,
  w2: Float32Array,
  attrs: { lr: number; c1: number; c2: number; eps: number },
): void {
  const { lr, c1, c2, eps } = attrs;
  const a = lr / c1;
  const b = 1 / Math.sqrt(c2);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const mi = BETA1 * m[i]! + (1 - BETA1) * gi;
    const si = BETA2 * s[i]! + (1 - BETA2) * gi * gi;
    m[i] = mi;
    s[i] = si;
    w2[i] = w[i]! - (a * mi) / (Math.sqrt(si) * b + eps);
  }
}

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  getMemoryOffset(dataId: object): number;
  refCount(dataId: object): number;
}
interface CpuLike {
  data: { get(dataId: unknown): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
}

const wasmAdam: KernelFunc = ({ inputs, backend, attrs }) => {
  const { w, m, s, g } = inputs as Record<'w' | 'm' | 's' | 'g', TensorInfo>;
  const b = backend as unknown as WasmLike;
  // The moments are updated in place: only safe while no other tensor shares their data (the WASM
  // Identity shares data, wasmKernels.ts). They are this optimiser's alone; say so if that breaks,
  // before allocating anything. Taking the offsets first brings data that lives on another backend
  // (moments made before a backend switch) over, so its count is this backend's.
  b.getMemoryOffset(m.dataId);
  b.getMemoryOffset(s.dataId);
  if (b.refCount(m.dataId) !== 1 || b.refCount(s.dataId) !== 1)
    throw new Error(
      'Adam: a moment tensor shares its data; updating it in place would change another tensor',
    );
  const out = b.makeOutput(w.shape, 'float32');
  const a = attrs as unknown as { lr: number; c1: number; c2: number; eps: number };
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  const view = (t: TensorInfo) => b.typedArrayFromHeap(t);
  const simd = simdKernelsOf(backend);
  // The SIMD kernel takes four values at a time, bit for bit the JavaScript loop's; the loop does
  // the last n mod 4.
  const done = simd ? view(w).length & ~3 : 0;
  if (simd && done > 0) {
    const at = (t: TensorInfo) => b.getMemoryOffset(t.dataId);
    simd.adam(at(w), at(m), at(s), at(g), at(out), done, a.lr / a.c1, 1 / Math.sqrt(a.c2), a.eps);
  }
  const tail = (t: TensorInfo) => view(t).subarray(done);
  adamUpdate(tail(w), tail(m), tail(s), tail(g), tail(out), a);
  return out;
};

const cpuAdam: KernelFunc = ({ inputs, backend, attrs }) => {
  const { w, m, s, g } = inputs as Record<'w' | 'm' | 's' | 'g', TensorInfo>;
  const b = backend as unknown as CpuLike;
  const out = new Float32Array(w.shape.reduce((x, y) => x * y, 1));
  const read = (t: TensorInfo) => b.data.get(t.dataId).values;
  adamUpdate(
    read(w),
    read(m),
    read(s),
    read(g),
    out,
    attrs as unknown as { lr: number; c1: number; c2: number; eps: number },
  );
  return b.makeTensorInfo(w.shape, 'float32', out);
};

/**
 * The guarded Adam step on WebGPU in two programs: w' (`which` = 'w', the weights' shape) and the
 * packed state [m'; s'] (`which` = 'ms', flat [2·size]). A NaN gradient is replaced by 0 before
 * use, ok = 0 leaves everything unchanged, and the bias corrections come from the step count
 * k = [ok, t]. Inputs are read as flat arrays (W, MS, G, K are the shader's buffer names). The
 * object has the shape the WebGPU backend's programs have (variableNames, outputShape, dispatch,
 * getUserCode…).
 */
class AdamIfProgram {
  variableNames = ['W', 'MS', 'G', 'K'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [128, 1, 1];
  size = true;

  constructor(
    shape: number[],
    private readonly which: 'w' | 'ms',
    private readonly lr: number,
    private readonly eps: number,
  ) {
    const size = shape.reduce((a, b) => a * b, 1);
    this.outputShape = which === 'w' ? shape : [2 * size];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil((which === 'w' ? size : 2 * size) / this.workgroupSize[0]), 1, 1];
    this.shaderKey = `cpAdamIf_${which}_${size}_${lr}_${eps}`;
  }

  getUserCode(): string {
    const f = (x: number) => x.toExponential(8);
    // lr·(m/c1)/(√(s/c2) + ε) as lr·√c2/c1 · m/(√s + ε·√c2); at least one step in c1, c2
    // (a skipped first step has t = 0, and 0/0 times ok = 0 would still be NaN).
    const body =
      this.which === 'w'
        ? `setOutputAtIndex(index, W[i] - m2 / (sqrt(s2) + ${f(this.eps)} * sqrt(c2)) * (${f(this.lr)} * sqrt(c2) / c1 * ok));`
        : // W is bound to both programs: an unused binding would be missing from the layout.
          '_ = W[i];\n          setOutputAtIndex(index, select(s2, m2, index < n));';
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let n = ${this.which === 'w' ? 'uniforms.size' : 'uniforms.size / 2'};
          let i = index % n;
          let ok = K[0];
          let t = max(K[1], 1.0);
          let c1 = 1.0 - pow(${f(BETA1)}, t);
          let c2 = 1.0 - pow(${f(BETA2)}, t);
          let g = select(0.0, G[i], ok > 0.5);
          let m2 = MS[i] + (g - MS[i]) * (ok * ${f(1 - BETA1)});
          let s2 = MS[n + i] + (g * g - MS[n + i]) * (ok * ${f(1 - BETA2)});
          ${body}
        }
      }
    `;
  }
}

interface WebGpuLike {
  runWebGPUProgram(program: AdamIfProgram, inputs: TensorInfo[], dtype: tf.DataType): TensorInfo;
}

const webgpuAdamIf: KernelFunc = ({ inputs, backend, attrs }) => {
  const { w, ms, g, k } = inputs as Record<'w' | 'ms' | 'g' | 'k', TensorInfo>;
  const { lr, eps } = attrs as unknown as { lr: number; eps: number };
  const b = backend as unknown as WebGpuLike;
  return (['w', 'ms'] as const).map((which) =>
    b.runWebGPUProgram(new AdamIfProgram(w.shape, which, lr, eps), [w, ms, g, k], 'float32'),
  );
};

/**
 * 1 when the loss and every gradient are finite, else 0: a float32 scalar on the device, never
 * read here. On WASM and CPU one pass over the tensors where they lie (the tensor ops copy every
 * gradient into one concat, then make a bool tensor of its size and reduce it).
 */
export function finiteFlag(tensors: tf.Tensor[]): tf.Scalar {
  if (tf.getKernel(ALL_FINITE_KERNEL, tf.getBackend()))
    return tf
      .engine()
      .runKernel(
        ALL_FINITE_KERNEL,
        Object.fromEntries(tensors.map((t, i) => [`x${i}`, t])),
        {},
      ) as tf.Scalar;
  return tf.tidy(() =>
    tf.cast(tf.all(tf.isFinite(tf.concat(tensors.map((t) => tf.reshape(t, [-1]))))), 'float32'),
  ) as tf.Scalar;
}

function allFinite(arrays: Float32Array[]): number {
  for (const a of arrays) if (!finite(a)) return 0;
  return 1;
}

function finite(a: Float32Array): boolean {
  // x − x is 0 for every finite x and NaN for ±Inf and NaN; the sum keeps a NaN.
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += a[i]! - a[i]!;
  return acc === 0;
}

const wasmAllFinite: KernelFunc = ({ inputs, backend }) => {
  const b = backend as unknown as WasmLike;
  const out = b.makeOutput([], 'float32');
  const simd = simdKernelsOf(backend);
  let ok = 1;
  for (const t of Object.values(inputs as Record<string, TensorInfo>)) {
    const values = b.typedArrayFromHeap(t);
    const done = simd ? values.length & ~3 : 0;
    if (
      (done > 0 && simd!.allFinite(b.getMemoryOffset(t.dataId), done) === 0) ||
      !finite(values.subarray(done))
    ) {
      ok = 0;
      break;
    }
  }
  b.typedArrayFromHeap(out)[0] = ok;
  return out;
};

const cpuAllFinite: KernelFunc = ({ inputs, backend }) => {
  const b = backend as unknown as CpuLike;
  const arrays = Object.values(inputs as Record<string, TensorInfo>).map(
    (t) => b.data.get(t.dataId).values,
  );
  return b.makeTensorInfo([], 'float32', Float32Array.of(allFinite(arrays)));
};

/** Registers the fused Adam kernels (idempotent): CPU-side backends, and the guarded one on WebGPU. */
export function registerOptimizerKernels(): void {
  if (!tf.getKernel(ADAM_IF_KERNEL, 'webgpu'))
    tf.registerKernel({
      kernelName: ADAM_IF_KERNEL,
      backendName: 'webgpu',
      kernelFunc: webgpuAdamIf,
    });
  if (!tf.getKernel(ADAM_KERNEL, 'wasm'))
    tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: wasmAdam });
  if (!tf.getKernel(ADAM_KERNEL, 'cpu'))
    tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'cpu', kernelFunc: cpuAdam });
  if (!tf.getKernel(ALL_FINITE_KERNEL, 'wasm'))
    tf.registerKernel({
      kernelName: ALL_FINITE_KERNEL,
      backendName: 'wasm',
      kernelFunc: wasmAllFinite,
    });
  if (!tf.getKernel(ALL_FINITE_KERNEL, 'cpu'))
    tf.registerKernel({
      kernelName: ALL_FINITE_KERNEL,
      backendName: 'cpu',
      kernelFunc: cpuAllFinite,
    });
}

registerOptimizerKernels();
