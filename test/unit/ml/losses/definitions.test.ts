/**
 * The definitions are the one list of functions: everything else is read from them, and each
 * definition's schema is what its implementation runs with (defaults included, every parameter
 * wired through).
 */
import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS } from '../../../../src/ml/losses/definitions';
import {
  CATALOG,
  defaultParams,
  listLosses,
  listTrainable,
  paramFields,
  type CatalogEntry,
} from '../../../../src/ml/losses/catalog';
import {
  getFunction,
  IMPLEMENTATIONS,
  type ConstantInput,
} from '../../../../src/ml/losses/registry';
import { formulaLosses } from '../../../../src/ml/losses/formula';
import { lossTable } from '../../../../scripts/loss-table';
import { makeRng, randomMatrix, randomTensor3, useCpuBackend, type Nested } from '../helpers';

beforeAll(useCpuBackend);

const IDS = DEFINITIONS.map((d) => d.id);

describe('one list of functions', () => {
  it('ids are unique', () => {
    expect(new Set(IDS).size).toBe(IDS.length);
  });

  it('the catalog, the implementations and the README table are the definitions, in order', () => {
    expect(CATALOG.map((e) => e.id)).toEqual(IDS);
    expect(IMPLEMENTATIONS.map((i) => i.definition)).toEqual([...DEFINITIONS]);
    IMPLEMENTATIONS.forEach((i, k) => expect(i.definition).toBe(DEFINITIONS[k]));
    const rows = lossTable()
      .split('\n')
      .slice(2)
      .map((row) => /^\| `([a-z_]+)` \|/.exec(row)?.[1]);
    expect(rows).toEqual(IDS);
  });

  it('trainable losses, formulas and pickers are the definitions that carry them', () => {
    expect(listTrainable().map((e) => e.id)).toEqual(
      DEFINITIONS.filter((d) => 'training' in d).map((d) => d.id),
    );
    expect(formulaLosses()).toEqual(DEFINITIONS.filter((d) => 'formula' in d).map((d) => d.id));
    // Every loss has a formula to show; every trainable one is a loss.
    for (const entry of listLosses()) expect(formulaLosses()).toContain(entry.id);
    for (const entry of listTrainable()) expect(entry.kind).toBe('loss');
  });
});

// ---------------------------------------------------------------------------------------------
// No module outside definitions/ keeps a list of loss names

const NAME = `(${IDS.join('|')})`;
/** Two loss ids as adjacent string literals (an array, a Set, an includes()). */
const LIST = new RegExp(`(['"])${NAME}\\1\\s*,\\s*(['"])${NAME}\\3`);
/** A loss id as an object key (a table keyed by loss name). */
const KEY = new RegExp(`^\\s*(['"]?)${NAME}\\1\\s*:`, 'gm');

function restatedLists(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const list = LIST.exec(code);
  if (list) found.push(list[0]);
  const keys = [...code.matchAll(KEY)].map((m) => m[2]!);
  if (new Set(keys).size >= 2) found.push(`keys ${keys.join(', ')}`);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('no restated list of loss names', () => {
  it('the check finds the lists the code used to keep', () => {
    expect(restatedLists("if (['supcon', 'eps_supinfonce'].includes(name))")).toHaveLength(1);
    expect(restatedLists("const S = new Set([\n  'dcl',\n  'dclw',\n]);")).toHaveLength(1);
    expect(
      restatedLists("const STYLES = {\n  nt_xent: 'view-major',\n  supcon: 'view-major',\n};"),
    ).toHaveLength(1);
    expect(restatedLists("const c = { loss: { name: 'supcon' } };")).toEqual([]);
  });

  it('no file of src/ or scripts/ outside ml/losses/definitions/ holds one', () => {
    const root = join(__dirname, '../../../..');
    const offenders: string[] = [];
    for (const file of [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'scripts'))]) {
      const path = relative(root, file);
      if (path.startsWith('src/ml/losses/definitions/')) continue;
      for (const hit of restatedLists(readFileSync(file, 'utf8')))
        offenders.push(`${path}: ${hit}`);
    }
    expect(offenders).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Each definition's schema is what its implementation runs with

const N = 4;
const rng = makeRng(4242);
const MATRICES: Record<string, Nested> = {
  x: randomMatrix(rng, N, 3),
  y: randomMatrix(rng, N, 3),
  z1: randomMatrix(rng, N, 3),
  z2: randomMatrix(rng, N, 3),
  z: randomTensor3(rng, N, 2, 3),
  c: randomMatrix(rng, N, 2),
  s: randomMatrix(rng, N, 2),
  c1: randomMatrix(rng, N, 2),
  c2: randomMatrix(rng, N, 2),
  s1: randomMatrix(rng, N, 2),
  s2: randomMatrix(rng, N, 2),
};

/** Inputs for a definition, by input name (fairkl's labels are per row, the others per sample). */
function inputsFor(entry: CatalogEntry): {
  tensors: Record<string, Nested>;
  constants: Record<string, ConstantInput>;
} {
  const tensors: Record<string, Nested> = {};
  const constants: Record<string, ConstantInput> = {};
  const perRow = entry.inputs.some((i) => i.name === 'bias_labels');
  for (const input of entry.inputs) {
    switch (input.name) {
      case 'features':
        tensors.features = randomMatrix(makeRng(7), 2 * N, 3);
        break;
      case 'labels':
        constants.labels = perRow ? [0, 0, 1, 1, 0, 1, 1, 0] : [0, 1, 0, 2];
        break;
      case 'bias_labels':
        constants.bias_labels = [0, 1, 0, 1, 1, 0, 0, 1];
        break;
      case 'metadata':
        if (input.role === 'tensor') tensors.metadata = [[0.5], [1], [2.5], [4]];
        else constants.metadata = [[0.5], [1], [2.5], [4]];
        break;
      case 'prior':
        constants.prior = [
          [0, 1],
          [1, 0],
          [1, 1],
          [2, 0.5],
        ];
        break;
      case 'is_target':
        constants.is_target = [1, 1, 0, 0];
        break;
      default:
        tensors[input.name] =
          entry.id === 'sepclr_sup_align' ? [[0.3], [-0.2], [0.9], [0.1]] : MATRICES[input.name]!;
    }
  }
  return { tensors, constants };
}

function run(entry: CatalogEntry, params: Record<string, unknown> | undefined): number[] {
  const { tensors, constants } = inputsFor(entry);
  const inputs = Object.fromEntries(
    Object.entries(tensors).map(([k, v]) => [
      k,
      tf.tensor(v as tf.TensorLike, undefined, 'float32'),
    ]),
  );
  try {
    const out = getFunction(entry.id).call({ tensors: inputs, constants }, params);
    const values = Array.from(out.dataSync());
    out.dispose();
    return values;
  } finally {
    tf.dispose(Object.values(inputs));
  }
}

/**
 * The starting point where the defaults hide a parameter: no kernel prior; y-Aware weights are
 * normalised, so a kernel's scale (gaussian vs rbf) cancels, while `expw` uses W as is.
 */
const BASE: Record<string, Record<string, unknown>> = {
  kernelized_supcon: { method: 'expw' },
  decoupled_uniformity: { kernel: 'rbf', sigma: 1 },
  du_align: { kernel: 'rbf', sigma: 1 },
};
/** Parameters that cannot move the value at the base: they act on gradients or other methods. */
const INERT: Record<string, readonly string[]> = {
  dclw: ['detach_weights'],
  kernelized_supcon: ['delta_reduction'],
};

describe('every definition against its implementation', () => {
  it('a call without parameters equals a call with the defaults spelled out', () => {
    for (const entry of CATALOG) {
      const implicit = run(entry, undefined);
      expect(implicit.every(Number.isFinite), entry.id).toBe(true);
      expect(run(entry, defaultParams(entry.id)), entry.id).toEqual(implicit);
    }
  });

  it('every parameter of every schema reaches the implementation', () => {
    for (const entry of CATALOG) {
      const base = { ...defaultParams(entry.id), ...BASE[entry.id] };
      const reference = run(entry, base);
      for (const field of paramFields(entry.id)) {
        if (field.kind === 'number' && field.integer) continue; // n_views: a shape, not a value
        const current = base[field.key];
        const others: unknown[] =
          field.kind === 'boolean'
            ? [!current]
            : field.kind === 'choice'
              ? field.options.filter((o) => o !== current)
              : [typeof current === 'number' && current !== 0 ? current * 1.7 : 0.5];
        for (const other of others) {
          const moved = run(entry, { ...base, [field.key]: other });
          const label = `${entry.id}.${field.key} = ${JSON.stringify(other)}`;
          if (INERT[entry.id]?.includes(field.key)) expect(moved, label).toEqual(reference);
          else expect(moved, label).not.toEqual(reference);
        }
      }
    }
  });
});

describe('layers', () => {
  it('definitions, catalog and formulas load without TF.js (the UI and contracts/ import them)', () => {
    const root = join(__dirname, '../../../../src/ml/losses');
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      expect(source, relative(root, file)).not.toMatch(/from '@tensorflow/);
      for (const [, spec] of source.matchAll(/from '(\.[^']+)'/g)) {
        const base = join(file, '..', spec!);
        const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => {
          try {
            return statSync(p).isFile();
          } catch {
            return false;
          }
        });
        expect(target, `${relative(root, file)} imports ${spec}`).toBeDefined();
        visit(target!);
      }
    };
    for (const entry of ['catalog.ts', 'formula.ts', 'tex.ts', 'define.ts'])
      visit(join(root, entry));
    expect([...seen].some((f) => f.includes('implement'))).toBe(false);
    expect(seen.size).toBeGreaterThan(DEFINITIONS.length);
  });
});
