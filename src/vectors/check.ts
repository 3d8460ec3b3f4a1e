/**
 * Evaluates reference-vector cases with the project's own functions in float32 and applies the pass
 * rule of the vectors' README. Shared by the Node CLI (cpu, wasm) and the browser page (webgpu):
 * values are read back with `await data()`, never dataSync.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getFunction, type ConstantInput } from '../ml/losses/registry';
import { paramKeys } from '../ml/losses/catalog';
import {
  vectorCaseSchema,
  vectorFileSchema,
  decodeScalar,
  weightScale,
  type Tolerance,
  type VectorCase,
} from './format';

export interface CaseResult {
  file: string;
  name: string;
  passed: boolean;
  detail: string;
}

export interface VectorFile {
  /** Path or name shown in messages. */
  name: string;
  text: string;
}

interface Evaluation {
  value: number[];
  shape: number[];
  grads: Record<string, { values: Float32Array; shape: number[] }>;
  /** Parameters and constant inputs of the case that the function does not use (shown, not fatal). */
  ignored: string[];
}

type NestedNumbers = number | null | NestedNumbers[];

export async function checkFiles(files: readonly VectorFile[]): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const file of files) results.push(...(await checkFile(file)));
  return results;
}

export async function checkFile(file: VectorFile): Promise<CaseResult[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.text);
  } catch (error) {
    return [
      {
        file: file.name,
        name: '(file)',
        passed: false,
        detail: `malformed JSON: ${message(error)}`,
      },
    ];
  }
  const header = vectorFileSchema.safeParse(parsed);
  if (!header.success) {
    return [
      {
        file: file.name,
        name: '(file)',
        passed: false,
        detail: `malformed file: ${issues(header.error)}`,
      },
    ];
  }
  const tolerance = header.data.tolerance.float32;
  const results: CaseResult[] = [];
  for (const [index, raw] of header.data.cases.entries()) {
    const c = vectorCaseSchema.safeParse(raw);
    const rawName = (raw as { name?: unknown } | null)?.name;
    const name = c.success ? c.data.name : typeof rawName === 'string' ? rawName : `case #${index}`;
    if (!c.success) {
      results.push({
        file: file.name,
        name,
        passed: false,
        detail: `malformed case: ${issues(c.error)}`,
      });
      continue;
    }
    try {
      const { failure, ignored } = await checkCaseWithNotes(c.data, tolerance);
      const note = ignored.length ? ` (not used by ${c.data.fn}: ${ignored.join(', ')})` : '';
      results.push({
        file: file.name,
        name,
        passed: failure === null,
        detail: (failure ?? 'ok') + note,
      });
    } catch (error) {
      results.push({ file: file.name, name, passed: false, detail: `error: ${message(error)}` });
    }
  }
  return results;
}

/** null when the case passes, else what failed. */
export async function checkCase(c: VectorCase, tolerance: Tolerance): Promise<string | null> {
  return (await checkCaseWithNotes(c, tolerance)).failure;
}

async function checkCaseWithNotes(
  c: VectorCase,
  tolerance: Tolerance,
): Promise<{ failure: string | null; ignored: string[] }> {
  const got = await evaluateCase(c);
  return { failure: compareCase(c, got, tolerance), ignored: got.ignored };
}

function compareCase(c: VectorCase, got: Evaluation, tolerance: Tolerance): string | null {
  const scale = weightScale(c.params);
  const failures: string[] = [];
  if (Array.isArray(c.value)) {
    const want = c.value.flat();
    if (want.length !== got.value.length)
      return `value has ${got.value.length} entries, expected ${want.length}`;
    want.forEach((w, i) => {
      const reason = compareValue(got.value[i]!, w, tolerance, scale);
      if (reason && failures.length < 3) failures.push(`value[${i}] ${reason}`);
    });
  } else {
    if (got.value.length !== 1) return `expected a scalar, got shape ${JSON.stringify(got.shape)}`;
    const reason = compareValue(got.value[0]!, decodeScalar(c.value), tolerance, scale);
    if (reason) failures.push(`value ${reason}`);
  }
  if (c.grad) {
    for (const [inputName, wantNested] of Object.entries(c.grad)) {
      const gotGrad = got.grads[inputName];
      if (!gotGrad) {
        failures.push(`no gradient for '${inputName}'`);
        continue;
      }
      const want = flatten(wantNested);
      if (want.length !== gotGrad.values.length) {
        failures.push(
          `grad '${inputName}' has ${gotGrad.values.length} entries, expected ${want.length}`,
        );
        continue;
      }
      const gradScale = want.reduce((m, w) => Math.max(m, Math.abs(w)), 1);
      let worst = '';
      let bad = 0;
      want.forEach((w, i) => {
        const g = gotGrad.values[i]!;
        const err = Math.abs(g - w);
        const ok = err <= tolerance.grad_abs * gradScale || err <= tolerance.grad_rel * Math.abs(w);
        if (!ok) {
          bad++;
          if (!worst) worst = `[${i}] got ${g}, want ${w}`;
        }
      });
      if (bad) failures.push(`grad '${inputName}': ${bad} entries off, e.g. ${worst}`);
    }
  }
  return failures.length ? failures.join('; ') : null;
}

function compareValue(got: number, want: number, tol: Tolerance, scale: number): string | null {
  if (!Number.isFinite(want)) {
    return Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got))
      ? null
      : `got ${got}, want ${want}`;
  }
  const err = Math.abs(got - want);
  if (err <= tol.value_abs * scale || err <= tol.value_rel * Math.abs(want)) return null;
  return `got ${got}, want ${want} (|Δ| = ${err.toExponential(2)})`;
}

/** Runs the case's function in float32 and reads the value and every gradient the case names. */
export async function evaluateCase(c: VectorCase): Promise<Evaluation> {
  const fn = getFunction(c.fn);
  const tensorNames = fn.inputs.filter((i) => i.role === 'tensor').map((i) => i.name);
  const constants: Record<string, ConstantInput> = {};
  for (const spec of fn.inputs) {
    if (spec.role !== 'constant') continue;
    if (spec.name in c.inputs) constants[spec.name] = c.inputs[spec.name] as ConstantInput;
    else if (!spec.optional) throw new Error(`missing input '${spec.name}'`);
  }
  const wanted = c.grad ? Object.keys(c.grad) : [];
  // Informational extras (spec A §0: "parameters that a method does not use may be present and are
  // ignored") are set aside and reported; a gradient asked of an unknown input still fails below.
  const ignored: string[] = [];
  for (const name of Object.keys(c.inputs)) {
    if (!fn.inputs.some((i) => i.name === name) && !wanted.includes(name))
      ignored.push(`input '${name}'`);
  }
  const known = new Set(paramKeys(c.fn));
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c.params)) {
    if (known.has(key)) params[key] = value;
    else {
      // Unused parameters are set aside, but a near-miss of a known one is a misspelling.
      const near = [...known].find((k) => editDistance(k, key) <= 2);
      if (near) throw new Error(`unknown parameter '${key}' (did you mean '${near}'?)`);
      ignored.push(`param '${key}'`);
    }
  }
  for (const name of wanted) {
    if (!tensorNames.includes(name))
      throw new Error(`grad names '${name}', which is not a differentiable input`);
  }
  const tensors: Record<string, tf.Tensor> = {};
  for (const name of tensorNames) {
    const data = c.inputs[name];
    if (data === undefined || data === null) throw new Error(`missing input '${name}'`);
    tensors[name] = toTensor(data as NestedNumbers, name);
  }
  try {
    const order = wanted.length ? wanted : [];
    const run = (...xs: tf.Tensor[]) => {
      const all = { ...tensors };
      order.forEach((name, i) => (all[name] = xs[i]!));
      return fn.call({ tensors: all, constants }, params);
    };
    let value: tf.Tensor;
    let grads: tf.Tensor[] = [];
    if (order.length) {
      const result = tf.valueAndGrads(run)(order.map((n) => tensors[n]!));
      value = result.value;
      grads = result.grads;
    } else {
      value = run();
    }
    const evaluation: Evaluation = {
      value: Array.from(await value.data()),
      shape: value.shape,
      grads: {},
      ignored,
    };
    for (const [i, name] of order.entries()) {
      const g = grads[i]!;
      evaluation.grads[name] = { values: (await g.data()) as Float32Array, shape: g.shape };
    }
    tf.dispose([value, ...grads]);
    return evaluation;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Levenshtein distance, for telling a misspelt parameter from an extra one. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length]!;
}

function toTensor(data: NestedNumbers, name: string): tf.Tensor {
  const shape: number[] = [];
  let level: NestedNumbers = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] ?? 0;
  }
  const flat = flatten(data);
  if (flat.some((v) => v === null || Number.isNaN(v)))
    throw new Error(`input '${name}' holds null or NaN`);
  const expected = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== expected) throw new Error(`input '${name}' is ragged`);
  return tf.tensor(flat, shape, 'float32');
}

function flatten(data: NestedNumbers): number[] {
  if (Array.isArray(data)) return data.flatMap((d) => flatten(d));
  return [data as number];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export function summaryLine(results: readonly CaseResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

export function resultLine(r: CaseResult): string {
  const detail = r.passed ? r.detail.replace(/^ok/, '').trim() : r.detail;
  return `${r.passed ? 'PASS' : 'FAIL'} ${r.file} :: ${r.name}${detail ? ` — ${detail}` : ''}`;
}
