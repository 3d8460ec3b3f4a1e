/**
 * The one gate every configuration passes before it is stored: the URL hash, window.playground's
 * `configure`, the panels, presets, imported runs. First the value must be plain JSON (no NaN,
 * ±Infinity, BigInt, function, symbol, cycle, class instance; depth ≤ 32; strings ≤ 200
 * characters; no `__proto__`-like keys), then the zod contract (unknown keys included), then the
 * data set's own parameter schema. Every rejection names the field and quotes at most 80
 * characters of the offending value, so a 1 MB string never reaches an alert.
 */
import { parseTrainingConfig, type TrainingConfig } from './trainingConfig';

export const GATE_LIMITS = { maxDepth: 32, maxString: 200, maxQuote: 80 } as const;

/** Keys that would reach an object's prototype when copied; never part of a config. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export class ConfigGateError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field || '(config)'}: ${problem}`);
    this.name = 'ConfigGateError';
  }
}

/** A short, safe rendering of any value: never throws, never longer than `max` characters. */
export function quoteValue(value: unknown, max: number = GATE_LIMITS.maxQuote): string {
  let text: string;
  try {
    if (typeof value === 'string') text = JSON.stringify(value);
    else if (typeof value === 'bigint') text = `${value}n`;
    else if (typeof value === 'symbol') text = value.toString();
    else if (typeof value === 'function') text = `function ${value.name || '(anonymous)'}`;
    else if (typeof value === 'number') text = String(value);
    else if (value === undefined) text = 'undefined';
    else if (value === null || typeof value !== 'object') text = String(value);
    else if (Array.isArray(value)) text = `[array of ${value.length}]`;
    else {
      const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
      const kind = proto?.constructor?.name;
      text = kind && kind !== 'Object' ? `[${kind}]` : '[object]';
    }
  } catch {
    text = '[unreadable value]';
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function fieldName(path: readonly (string | number)[]): string {
  return path.map(String).join('.') || '(config)';
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Throws a ConfigGateError at the first value that is not plain JSON within the limits. Iterative
 * in spirit (depth bounded at 32 before recursing further), so a 10,000-deep object costs 33 frames.
 */
export function assertPlainJson(value: unknown, path: (string | number)[] = []): void {
  const seen = new Set<object>();
  const visit = (v: unknown, at: (string | number)[]): void => {
    const field = fieldName(at);
    const bad = (problem: string) => {
      throw new ConfigGateError(field, `${problem} (got ${quoteValue(v)})`);
    };
    switch (typeof v) {
      case 'string':
        if (v.length > GATE_LIMITS.maxString)
          bad(`a string of ${v.length} characters; at most ${GATE_LIMITS.maxString} are allowed`);
        return;
      case 'number':
        if (!Number.isFinite(v)) bad('must be a finite number');
        return;
      case 'boolean':
        return;
      case 'bigint':
        return bad('a BigInt is not JSON; use a plain number');
      case 'function':
        return bad('a function is not a configuration value');
      case 'symbol':
        return bad('a symbol is not a configuration value');
      case 'undefined':
        return bad('undefined is not JSON; leave the key out or use null to remove a section');
    }
    if (v === null) return;
    const obj = v as object;
    if (at.length > GATE_LIMITS.maxDepth)
      throw new ConfigGateError(field, `nested deeper than ${GATE_LIMITS.maxDepth} levels`);
    if (seen.has(obj)) bad('a cycle: this object contains itself');
    if (Array.isArray(obj)) {
      seen.add(obj);
      obj.forEach((item, i) => visit(item, [...at, i]));
      seen.delete(obj);
      return;
    }
    if (!isPlainObject(obj)) bad('only plain objects, arrays, numbers, strings and booleans');
    seen.add(obj);
    for (const key of Reflect.ownKeys(obj)) {
      if (typeof key === 'symbol')
        throw new ConfigGateError(field, `a symbol key (${quoteValue(key)}) is not JSON`);
      if (FORBIDDEN_KEYS.has(key))
        throw new ConfigGateError(fieldName([...at, key]), 'this key is not allowed in a config');
      if (key.length > GATE_LIMITS.maxString)
        throw new ConfigGateError(field, `a key of ${key.length} characters (${quoteValue(key)})`);
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      if (desc && (desc.get || desc.set))
        throw new ConfigGateError(fieldName([...at, key]), 'a getter is not a plain value');
      visit(desc?.value, [...at, key]);
    }
    seen.delete(obj);
  };
  visit(value, path);
}

/** The data set's own parameter check (the data registry registers it; see data/paramsCheck.ts). */
export type DatasetCheck = (dataset: Record<string, unknown>) => void;
let datasetCheck: DatasetCheck | null = null;

export function setDatasetCheck(check: DatasetCheck | null): void {
  datasetCheck = check;
}

export function hasDatasetCheck(): boolean {
  return datasetCheck !== null;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * The gate: plain JSON, then the contract, then the data set's parameters. Returns the parsed
 * config (defaults filled in) or throws one error whose message lists the problems, each with its
 * field and at most 80 characters of the value.
 */
export function gateConfig(input: unknown): TrainingConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new ConfigGateError('(config)', `must be a plain object (got ${quoteValue(input)})`);
  assertPlainJson(input);
  let config: TrainingConfig;
  try {
    config = parseTrainingConfig(input);
  } catch (error) {
    // Zod's messages name the field; add the value, quoted and bounded.
    throw new Error(withQuotedValues((error as Error).message, input), { cause: error });
  }
  if (datasetCheck) {
    const { seed: _seed, ...dataset } = config.dataset;
    datasetCheck(dataset);
  }
  return config;
}

/** Appends `(got …)` to each `field: problem` of a contract error, quoting the input at that field. */
function withQuotedValues(message: string, input: unknown): string {
  const [head, rest] = splitOnce(message, ' — ');
  if (rest === undefined) return message;
  const parts = rest.split('; ').map((part) => {
    const [field, problem] = splitOnce(part, ': ');
    if (problem === undefined || field === '(config)') return part;
    const value = valueAt(input, field.split('.'));
    return value === undefined ? part : `${part} (got ${quoteValue(value)})`;
  });
  return `${head} — ${parts.join('; ')}`;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)];
}

/**
 * `configure`'s merge: nested plain objects merge key by key; a section whose `name` changes (a
 * different loss, data set, encoder) is replaced, since its other keys belong to another schema;
 * arrays and values replace. `null` at the top level removes an optional section
 * (`regularizer: null`); deeper down it is a value like any other (a user data set's `csv: null`
 * means "no CSV"). Both sides must already be plain JSON.
 */
export function mergeConfig(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
  topLevel = true,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    if (value === null && topLevel) delete out[key];
    else if (
      isMergeable(value) &&
      isMergeable(current) &&
      (!('name' in value) || value.name === current.name)
    )
      out[key] = mergeConfig(current, value, false);
    else out[key] = value;
  }
  return out;
}

function isMergeable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
