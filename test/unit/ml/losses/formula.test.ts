/**
 * The formulas shown next to each loss, checked against the definitions they come from: the
 * parameters they list are the schema's, with the values the loss runs with; every listed symbol
 * stands in the formula; every listed switch changes it; derived numbers follow the parameters.
 */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { CATALOG, listLosses, paramFields, parseParams } from '../../../../src/ml/losses/catalog';
import {
  formulaLosses,
  lossFormula,
  paramsLine,
  regularizerFormula,
  withDefaults,
  type LossFormulaSpec,
} from '../../../../src/ml/losses/formula';
import { texNumber, texValue } from '../../../../src/ml/losses/tex';

/** Renders in strict mode: any KaTeX warning (unknown symbol, unicode in math) fails. */
function render(tex: string): void {
  katex.renderToString(tex, { displayMode: true, throwOnError: true, strict: 'error' });
}

function f(loss: string, params: Record<string, unknown> = {}): LossFormulaSpec {
  const spec = lossFormula(loss, params);
  if (!spec) throw new Error(`no formula for ${loss}`);
  return spec;
}

/** What the formula says, without the parameter list. */
const text = (spec: LossFormulaSpec) => [spec.tex, ...spec.where, ...spec.derived].join('\n');

function valid(loss: string, params: Record<string, unknown>): boolean {
  try {
    parseParams(loss, params);
    return true;
  } catch {
    return false;
  }
}

/** Parameter sets worth a look: combinations the single changes below do not reach. */
const COMBOS: Record<string, Record<string, unknown>[]> = {
  eps_supinfonce: [{ form: 'in', log_eps_after_shift: 1e-6 }],
  kernelized_supcon: [
    { method: 'threshold', delta_reduction: 'mean' },
    { method: 'expw', expw_shift: 'none' },
    { method: 'expw', kernel: 'cauchy' },
    { method: 'supcon', kernel: null, sigma: null },
  ],
  decoupled_uniformity: [
    { kernel: 'rbf', sigma: 5, lambda: 0.01 },
    { kernel: 'cosine', lambda: 0 },
    { kernel: 'rbf', sigma: 1, lambda: null },
  ],
};

/** The defaults, each parameter moved once (every option, a flipped switch, a scaled number), and COMBOS. */
function variants(loss: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}];
  for (const field of paramFields(loss)) {
    if (field.kind === 'boolean') out.push({ [field.key]: !field.default });
    else if (field.kind === 'choice')
      for (const option of field.options) out.push({ [field.key]: option });
    else if (!field.integer) out.push({ [field.key]: field.default ? field.default * 1.7 : 1e-6 });
  }
  return [...out, ...(COMBOS[loss] ?? [])].filter((params) => valid(loss, params));
}

const LOSSES = formulaLosses();

describe('every formula against its definition', () => {
  it('every loss has one', () => {
    for (const entry of listLosses()) expect(LOSSES).toContain(entry.id);
    expect(lossFormula('no_such_loss')).toBeNull();
  });

  it("its symbols are the schema's parameters, no more, no fewer", () => {
    for (const entry of CATALOG) {
      if (!entry.formula) continue;
      expect(Object.keys(entry.formula.symbols).sort(), entry.id).toEqual(
        paramFields(entry.id)
          .map((field) => field.key)
          .sort(),
      );
    }
  });

  it('renders every variant with KaTeX, without an error or a warning', () => {
    for (const loss of LOSSES)
      for (const params of variants(loss)) {
        const spec = f(loss, params);
        for (const tex of [text(spec), paramsLine(spec), ...spec.params.map((p) => p.symbol)])
          expect(() => render(tex), `${loss} ${JSON.stringify(params)}: ${tex}`).not.toThrow();
      }
  });

  it('lists each parameter with the value the loss runs with', () => {
    for (const loss of LOSSES)
      for (const params of variants(loss)) {
        const parsed = parseParams(loss, params);
        for (const row of f(loss, params).params)
          expect(row.value, `${loss}.${row.key} ${JSON.stringify(params)}`).toBe(
            texValue(parsed[row.key]),
          );
      }
  });

  it('every listed symbol stands in the formula (a parameter at 0 may drop its term)', () => {
    for (const loss of LOSSES)
      for (const params of variants(loss)) {
        const spec = f(loss, params);
        const parsed = parseParams(loss, params);
        for (const row of spec.params) {
          if (row.symbol.startsWith('\\text') || parsed[row.key] === 0) continue;
          expect(text(spec), `${loss}: ${row.symbol} ${JSON.stringify(params)}`).toContain(
            row.symbol,
          );
        }
      }
  });

  it('every listed switch or choice changes the formula', () => {
    // Only the gradient changes: the value, hence the formula, is the same.
    const gradientOnly = new Set(['dclw.detach_weights']);
    for (const loss of LOSSES)
      for (const params of variants(loss)) {
        const spec = f(loss, params);
        const fields = new Map(paramFields(loss).map((field) => [field.key, field]));
        for (const row of spec.params) {
          const field = fields.get(row.key);
          if (!field || gradientOnly.has(`${loss}.${row.key}`)) continue;
          const parsed = parseParams(loss, params);
          const others =
            field.kind === 'boolean'
              ? [!parsed[row.key]]
              : field.kind === 'choice'
                ? field.options.filter((o) => o !== parsed[row.key])
                : [];
          for (const other of others) {
            const moved = { ...params, [row.key]: other };
            if (!valid(loss, moved)) continue;
            expect(text(f(loss, moved)), `${loss}.${row.key}: ${JSON.stringify(moved)}`).not.toBe(
              text(spec),
            );
          }
        }
      }
  });

  it("cites the definition's paper and spec section, without the code reference", () => {
    for (const loss of LOSSES) {
      const definition = CATALOG.find((e) => e.id === loss)!;
      const spec = f(loss);
      const section = / \(spec [AB] §[^)]*\)$/.exec(definition.citation)?.[0] ?? '';
      expect(spec.citation.endsWith(section)).toBe(true);
      expect(
        definition.citation.startsWith(spec.citation.slice(0, -section.length || undefined)),
      ).toBe(true);
    }
  });
});

describe('derived values follow the parameters', () => {
  const ends = (spec: LossFormulaSpec, value: number) =>
    spec.derived.some((line) => line.endsWith(`= ${texNumber(value)}`));

  it('τ/τ_b of the SupCon family', () => {
    for (const loss of ['supcon', 'eps_supinfonce', 'eps_supcon', 'kernelized_supcon'])
      expect(ends(f(loss, { temperature: 0.2, base_temperature: 0.05 }), 4), loss).toBe(true);
  });

  it('ε losses: ω = e^{−ε} and the margin ε·τ in cosine units', () => {
    for (const loss of ['eps_supinfonce', 'eps_supcon']) {
      const spec = f(loss, { epsilon: 0.5, temperature: 0.2 });
      expect(ends(spec, Math.exp(-0.5)), loss).toBe(true);
      expect(ends(spec, 0.1), loss).toBe(true);
    }
  });

  it('the Gaussian density at 0, the uniformity range, 1/(2τ), λ_eff', () => {
    expect(ends(f('kernelized_supcon', { sigma: 2 }), 1 / (Math.sqrt(2 * Math.PI) * 2))).toBe(true);
    expect(f('kernelized_supcon', { kernel: 'rbf' }).derived).toHaveLength(1);
    expect(f('align_uniform', { t: 3 }).derived.join()).toContain(`[${texNumber(-12)}, 0]`);
    expect(ends(f('sepclr', { tau: 0.25 }), 2)).toBe(true);
    const prior = { kernel: 'rbf', sigma: 1 };
    expect(ends(f('decoupled_uniformity', { ...prior, lambda: 0.05 }), 0.05)).toBe(true);
    for (const lambda of [0, null])
      expect(f('decoupled_uniformity', { ...prior, lambda }).derived).toEqual([
        '\\lambda_{\\text{eff}} = 1/\\sqrt{n}',
      ]);
  });
});

describe('parameters as the formula reads them', () => {
  it('fills the defaults and keeps given values', () => {
    expect(withDefaults('supcon', { temperature: 0.2 })).toEqual(
      parseParams('supcon', { temperature: 0.2 }),
    );
    expect(withDefaults('nope', { a: 1 })).toEqual({});
  });

  it('a value the schema refuses (a field being edited) shows its default', () => {
    const spec = f('supcon', { temperature: -1, base_temperature: 0.1, name: 'supcon' });
    const row = (key: string) => spec.params.find((p) => p.key === key)?.value;
    expect(row('temperature')).toBe(texNumber(0.07));
    expect(row('base_temperature')).toBe(texNumber(0.1));
    expect(() => f('dcl', { tau: 0.2, unknown: 1 })).not.toThrow();
  });

  it('the FairKL regulariser adds its weight λ to the total', () => {
    const reg = regularizerFormula({ name: 'fairkl', weight: 0.5, kld: 2 });
    render(reg.tex);
    expect(reg.tex.startsWith('\\mathcal{L}_{\\text{total}} = \\mathcal{L} + \\lambda')).toBe(true);
    expect(reg.params.map((p) => [p.key, p.value])).toEqual([
      ['temperature', texNumber(parseParams('fairkl', {}).temperature as number)],
      ['kld', '2'],
      ['weight', '0.5'],
    ]);
  });
});
