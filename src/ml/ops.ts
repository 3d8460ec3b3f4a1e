/**
 * Small differentiable building blocks shared by every loss: stop-gradient, safe square root and
 * power, masked log-sum-exp, log-add-exp. All masks are constant tensors built from labels or
 * index patterns on the CPU: TF.js comparisons on input-dependent tensors have no gradient.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A finite stand-in for -inf in masked reductions: exp() of it underflows to exactly 0, and 0·x stays 0. */
export const MASKED_LOGIT = -1e30;

type UnaryForward = (
  x: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor };

/** tf.customGrad for a function of one tensor (its typings only accept variadic arguments). */
function unaryCustomGrad(forward: UnaryForward): (x: tf.Tensor) => tf.Tensor {
  const variadic = (...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    forward(args[0] as tf.Tensor, args[1] as tf.GradSaveFunc);
  return tf.customGrad(variadic) as (x: tf.Tensor) => tf.Tensor;
}

/** Identity in the forward pass, zero gradient (TF.js has no tf.stopGradient). */
export const stopGradient = unaryCustomGrad((x, save) => {
  save([]);
  return { value: tf.clone(x), gradFunc: (dy) => tf.zerosLike(dy) };
});

/**
 * The row max along `axis` (kept), with a zero gradient. stopGradient(tf.max(x)) has the same
 * values, but TF.js still runs tf.max's gradient on the zeros: an Equal of x against the broadcast
 * max, whose WASM kernel is slow (1.7 ms at 128 × 128). Here the max is computed untaped.
 */
export function rowMaxWithoutGradient(x: tf.Tensor, axis = 1): tf.Tensor {
  const shape = x.shape;
  const op = unaryCustomGrad((input, save) => {
    save([]);
    return { value: tf.max(input, axis, true), gradFunc: () => tf.zeros(shape) };
  });
  return op(x);
}

/**
 * sqrt with the gradient defined as 0 where the argument is 0 (PyTorch's std backward convention;
 * a plain sqrt gives 0/0 = NaN there).
 */
export const safeSqrt = unaryCustomGrad((v, save) => {
  const root = tf.sqrt(tf.relu(v));
  save([root]);
  return {
    value: root,
    gradFunc: (dy, saved) => {
      const r = saved[0] as tf.Tensor;
      const positive = tf.greater(r, 0);
      const safeR = tf.where(positive, r, tf.onesLike(r));
      return tf.where(positive, tf.div(tf.mul(dy, 0.5), safeR), tf.zerosLike(r));
    },
  };
});

/** v^p for v >= 0 whose gradient is taken as 0 at v = 0 (the sub-gradient PyTorch uses for norms). */
export function safePow(v: tf.Tensor, p: number): tf.Tensor {
  if (p === 1) return v;
  const fn = unaryCustomGrad((x, save) => {
    const clamped = tf.relu(x);
    save([clamped]);
    return {
      value: tf.pow(clamped, p),
      gradFunc: (dy, saved) => {
        const c = saved[0] as tf.Tensor;
        const positive = tf.greater(c, 0);
        const safeC = tf.where(positive, c, tf.onesLike(c));
        const slope = tf.mul(p, tf.pow(safeC, p - 1));
        return tf.where(positive, tf.mul(dy, slope), tf.zerosLike(c));
      },
    };
  });
  return fn(v);
}

/**
 * Kernels a backend may register for the masked log-sum-exp over the last axis of a matrix (the
 * engine does on WASM: engine/logSumExp.ts). Rows: inputs {x, mask?} (mask bool, x's shape), outputs
 * [shift, sum] ([rows, 1]: the row max of the masked values and Σ exp(v − shift)). Grad: inputs
 * {x, mask?, lse, dy}, output dx. Their values must be this file's tensor form's, bit for bit.
 */
export const LOG_SUM_EXP_ROWS_KERNEL = 'ContrastivePlaygroundLogSumExpRows';
export const LOG_SUM_EXP_GRAD_KERNEL = 'ContrastivePlaygroundLogSumExpGrad';

/** log Σ_{j : mask_ij = 1} exp(x_ij) along `axis`; a fully masked row gives ≈ MASKED_LOGIT (finite). */
export function maskedLogSumExp(
  x: tf.Tensor,
  mask: tf.Tensor,
  axis = -1,
  keepDims = true,
): tf.Tensor {
  const keep = mask.dtype === 'bool' ? mask : tf.cast(mask, 'bool');
  if (fusedLogSumExpTakes(x, axis, keep)) return fusedLogSumExp(x, keep, keepDims);
  const filled = tf.where(keep, x, tf.fill(x.shape, MASKED_LOGIT));
  return logSumExp(filled, axis, keepDims);
}

/** Whether the backend has the fused kernels and they take this case (a matrix, the last axis). */
function fusedLogSumExpTakes(x: tf.Tensor, axis: number, mask?: tf.Tensor): boolean {
  if (x.rank !== 2 || x.dtype !== 'float32' || (axis !== 1 && axis !== -1)) return false;
  if (mask && (mask.dtype !== 'bool' || !tf.util.arraysEqual(mask.shape, x.shape))) return false;
  return tf.getKernel(LOG_SUM_EXP_ROWS_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * The fused form: the same values as the tensor form (Select against MASKED_LOGIT, then the
 * log-sum-exp below, and their gradients), in two kernels. The mask is a constant: no gradient.
 */
function fusedLogSumExp(x: tf.Tensor, mask: tf.Tensor | undefined, keepDims: boolean): tf.Tensor {
  const op = unaryCustomGrad((input, save) => {
    const inputs: tf.NamedTensorMap = mask ? { x: input, mask } : { x: input };
    const [shift, sum] = tf.engine().runKernel(LOG_SUM_EXP_ROWS_KERNEL, inputs) as tf.Tensor[];
    const lse = tf.add(shift!, tf.log(sum!));
    // The mask too: made inside the caller's tape (a cast), it is kept for the gradient only if
    // saved.
    save(mask ? [input, lse, mask] : [input, lse]);
    return {
      value: lse,
      gradFunc: (dy, saved) => {
        const [xs, l, m] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const gradInputs: tf.NamedTensorMap = m
          ? { x: xs, mask: m, lse: l, dy }
          : { x: xs, lse: l, dy };
        return tf.engine().runKernel(LOG_SUM_EXP_GRAD_KERNEL, gradInputs) as tf.Tensor;
      },
    };
  });
  const kept = op(x);
  return keepDims ? kept : tf.squeeze(kept, [1]);
}

const logSumExpByAxis = new Map<number, (x: tf.Tensor) => tf.Tensor>();

/**
 * log Σ exp(x) along `axis` (kept), with the softmax exp(x − LSE) as its gradient. tf.logSumExp
 * differentiates through its row max as well (an Equal against the broadcast max, whose wasm
 * kernel costs more than the rest of the loss); the max is only a shift, so its terms cancel.
 */
function logSumExpKeep(axis: number): (x: tf.Tensor) => tf.Tensor {
  let fn = logSumExpByAxis.get(axis);
  if (!fn) {
    fn = unaryCustomGrad((x, save) => {
      const shift = tf.max(x, axis, true);
      const lse = tf.add(shift, tf.log(tf.sum(tf.exp(tf.sub(x, shift)), axis, true)));
      save([x, lse]);
      return {
        value: lse,
        gradFunc: (dy, saved) => tf.mul(dy, tf.exp(tf.sub(saved[0]!, saved[1]!))),
      };
    });
    logSumExpByAxis.set(axis, fn);
  }
  return fn;
}

/** log Σ exp(x) along `axis`, stable (row max shift), with a softmax gradient and no max gradient. */
export function logSumExp(x: tf.Tensor, axis = -1, keepDims = false): tf.Tensor {
  if (fusedLogSumExpTakes(x, axis)) return fusedLogSumExp(x, undefined, keepDims);
  const a = axis < 0 ? axis + x.rank : axis;
  const kept = logSumExpKeep(a)(x);
  return keepDims ? kept : tf.squeeze(kept, [a]);
}

/**
 * max(a, b) with broadcasting and a zero gradient shaped like each input: tf.maximum's own gradient
 * does not reduce over broadcast dimensions, and this one is a shift that takes no gradient.
 */
const shiftMaximum = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([]);
  // Both broadcast first (the WASM backend's Maximum walks a broadcast element by element: 12.6 ms
  // for [256, 256] against [256, 1]); untaped here, so no Tile gradient follows.
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  return {
    value: tf.maximum(tf.broadcastTo(a, shape), tf.broadcastTo(b, shape)),
    gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)],
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** log(exp(a) + exp(b)), elementwise with broadcasting, stable for large magnitudes. */
export function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  // No broadcastTo: its gradient is Tile's, one slice and one add per repeat (256 of each for a
  // [256, 1] column against [256, 256] logits, a quarter of a FairKL scene's step on WASM). The
  // subtractions broadcast and reduce their gradients, in the same order of additions.
  const m = shiftMaximum(a, b);
  return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m)))));
}

/**
 * A constant scalar (NaN for an empty mean, ±Infinity where the official code overflows) that still
 * depends on `inputs`, with a zero gradient: the other terms of a sum keep finite gradients.
 */
export function constantWithZeroGrad(value: number, ...inputs: tf.Tensor[]): tf.Scalar {
  let result: tf.Tensor = tf.scalar(value);
  for (const input of inputs) result = tf.add(result, tf.mul(0, tf.sum(input)));
  return result as tf.Scalar;
}
