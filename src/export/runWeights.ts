/**
 * Weights inside the page's "export run" JSON: each tensor's float32 values as little-endian
 * base64, so the file re-opens in the playground and `npm run export:pytorch -- --run FILE`
 * carries the trained weights into the PyTorch project.
 */
import type { ExportTensor } from './pytorch';

export interface RunWeightsJson {
  step: number;
  tensors: { shape: number[]; dtype: 'float32'; data: string }[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toBase64(bytes: Uint8Array): string {
  let out = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk)
    out += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(out);
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function encodeRunWeights(weights: {
  step: number;
  tensors: ExportTensor[];
}): RunWeightsJson {
  if (!LITTLE_ENDIAN) throw new Error('weights are written little-endian only');
  return {
    step: weights.step,
    tensors: weights.tensors.map((t) => ({
      shape: [...t.shape],
      dtype: 'float32',
      data: toBase64(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)),
    })),
  };
}

/** Reads the weights of an exported run; a malformed entry is an error naming it. */
export function decodeRunWeights(value: unknown): { step: number; tensors: ExportTensor[] } {
  const w = value as Partial<RunWeightsJson> | null;
  if (!w || typeof w !== 'object' || !Number.isInteger(w.step) || !Array.isArray(w.tensors))
    throw new Error('weights: expected {step, tensors: [{shape, dtype, data}]}');
  if (!LITTLE_ENDIAN) throw new Error('weights are read little-endian only');
  return {
    step: w.step!,
    tensors: w.tensors.map((t, i) => {
      if (!t || !Array.isArray(t.shape) || t.dtype !== 'float32' || typeof t.data !== 'string')
        throw new Error(`weights.tensors[${i}]: expected {shape, dtype: "float32", data: base64}`);
      const bytes = fromBase64(t.data);
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (bytes.length !== size * 4)
        throw new Error(
          `weights.tensors[${i}]: ${bytes.length} bytes for shape [${t.shape.join(', ')}] (expected ${size * 4})`,
        );
      return { shape: [...t.shape], data: new Float32Array(bytes.buffer) };
    }),
  };
}
