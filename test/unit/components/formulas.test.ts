import katex from 'katex';
import { describe, expect, it } from 'vitest';
import {
  formulaLosses,
  lossFormula,
  paramsLine,
  regularizerFormula,
  withDefaults,
  type LossFormulaSpec,
} from '../../../src/ml/losses/formula';
import { texNumber, texText } from '../../../src/ml/losses/tex';
import { formulaVariants } from '../../fixtures/formulaVariants';
const FORMULA_LOSSES = formulaLosses();
import { CATALOG } from '../../../src/ml/losses/catalog';

/** Renders in strict mode: any KaTeX warning (unknown symbol, unicode in math) fails. */
function render(tex: string, displayMode = true): string {
  return katex.renderToString(tex, { displayMode, throwOnError: true, strict: 'error' });
}

function allTex(spec: LossFormulaSpec): string[] {
  return [
    spec.tex,
    ...spec.where,
    paramsLine(spec),
    ...spec.derived,
    ...spec.params.map((p) => p.symbol),
  ];
}

function f(loss: string, params: Record<string, unknown> = {}): LossFormulaSpec {
  const spec = lossFormula(loss, params);
  if (!spec) throw new Error(`no formula for ${loss}`);
  return spec;
}

describe('loss formulas', () => {
  it('covers every loss of the catalog (and the FairKL regulariser)', () => {
    const losses = CATALOG.filter((e) => e.kind === 'loss').map((e) => e.id);
    for (const name of losses) expect(FORMULA_LOSSES).toContain(name);
    expect(lossFormula('no_such_loss')).toBeNull();
  });

  it('renders every variant with KaTeX without an error or a warning', () => {
    const variants = formulaVariants();
    const covered = new Set(variants.map((v) => v.loss));
    for (const name of FORMULA_LOSSES) expect(covered).toContain(name);
    for (const { loss, params } of variants) {
      const spec = f(loss, params);
      for (const tex of allTex(spec)) expect(() => render(tex), `${loss}: ${tex}`).not.toThrow();
      expect(spec.title.length).toBeGreaterThan(3);
      expect(spec.note.length).toBeGreaterThan(10);
      expect(spec.citation).toMatch(/spec [AB]/);
    }
    const reg = regularizerFormula({ name: 'fairkl', weight: 2, kld: 0.5 });
    for (const tex of allTex(reg)) expect(() => render(tex)).not.toThrow();
  });

  it('NT-Xent: view-major partner, mean over 2N anchors or the code reduction', () => {
    const mean = f('nt_xent');
    expect(mean.tex).toContain("a' = (a + N) \\bmod 2N");
    expect(mean.tex).toContain('\\frac{1}{2N}');
    expect(mean.tex).toContain('\\sum_{b \\neq a}');
    expect(f('nt_xent', { reduction: 'sum_of_view_means' }).tex).toContain('\\frac{1}{N}');
    expect(mean.where.join()).toContain('\\iota(a) = a \\bmod N');
    expect(f('nt_xent', { normalize: false }).where.join()).toContain('as given');
  });

  it('SupCon: τ/τ_b factor, mean over M anchors, L_out vs L_in', () => {
    const out = f('supcon', { variant: 'out', temperature: 0.1, base_temperature: 0.07 });
    expect(out.tex).toContain('\\frac{\\tau}{\\tau_b}');
    expect(out.tex).toContain('\\frac{1}{M} \\sum_{a=0}^{M-1}');
    expect(out.tex).toContain('\\frac{1}{|P(a)|} \\sum_{p \\in P(a)} \\log');
    expect(out.where.join()).toContain('P(a) = \\{b \\in A(a)');
    expect(out.derived.join()).toContain('1.429');
    const inn = f('supcon', { variant: 'in' });
    expect(inn.tex).toContain('\\log \\left( \\frac{1}{|P(a)|} \\sum_{p \\in P(a)}');
    expect(inn.variant).toBe('in');
  });

  it('ε-SupInfoNCE: the positive shifted by ε against the negatives; ε·τ in cosine', () => {
    const out = f('eps_supinfonce', { epsilon: 0.25, temperature: 0.1, base_temperature: 0.07 });
    expect(out.tex).toContain('e^{s_{ap} - \\epsilon} + \\sum_{n \\in N(a)} e^{s_{an}}');
    expect(out.tex).toContain('\\max(|P(a)|,1)');
    expect(out.tex).not.toContain('\\eta_a');
    expect(out.derived.join(' ')).toContain('\\epsilon\\tau = 0.25 \\times 0.1 = 0.025');
    expect(out.derived.join(' ')).toContain('\\omega = e^{-\\epsilon} = 0.7788');
    expect(out.note).toContain('ε·τ');
    const stabilised = f('eps_supinfonce', { log_eps_after_shift: 1e-6 });
    expect(stabilised.tex).toContain('+ \\eta_a');
    expect(stabilised.where.join()).toContain('10^{-6}');
    const inn = f('eps_supinfonce', { form: 'in' });
    expect(inn.tex).toContain(
      '\\frac{e^{-\\epsilon}}{\\max(|P(a)|,1)} \\sum_{p \\in P(a)} e^{s_{ap}}',
    );
    expect(inn.tex).not.toContain('\\eta_a');
  });

  it('ε-SupCon: every positive shifted in the denominator', () => {
    const spec = f('eps_supcon', { epsilon: 0.5 });
    expect(spec.tex).toContain("e^{-\\epsilon} \\sum_{p' \\in P(a)} e^{s_{ap'}}");
    expect(spec.tex).toContain('\\frac{\\tau}{\\tau_b}');
  });

  it('y-Aware InfoNCE: 1/N over 2N anchors, column-normalised weights (official) or rows', () => {
    const official = f('y_aware_infonce');
    expect(official.tex).toContain('-\\frac{1}{N} \\sum_{a=0}^{2N-1}');
    expect(official.where.join()).toContain('\\sum_{c} w_{bc}');
    expect(official.where.join()).toContain('2\\sigma^2');
    expect(f('y_aware_infonce', { weight_norm: 'row' }).where.join()).toContain('\\sum_{c} w_{ac}');
  });

  it('kernelised SupCon: kernels and the denominator of each method', () => {
    const yaware = f('kernelized_supcon', { method: 'yaware', kernel: 'gaussian', sigma: 1 });
    expect(yaware.where.join()).toContain('\\sqrt{2\\pi}');
    expect(yaware.tex).toContain(
      '\\frac{\\sum_{b \\neq a} w_{ab} \\log p_{ab}}{\\sum_{b \\neq a} w_{ab}}',
    );
    expect(yaware.derived.join()).toContain('0.3989');
    expect(f('kernelized_supcon', { kernel: 'cauchy' }).where.join()).toContain(
      '\\sigma\\,\\Delta^2 + 1',
    );
    expect(f('kernelized_supcon', { kernel: 'rbf' }).where.join()).not.toContain('\\sqrt{2\\pi}');
    const supcon = f('kernelized_supcon', { method: 'supcon', kernel: null });
    expect(supcon.where.join()).toContain('[\\, y_{\\iota(a)} = y_{\\iota(b)} \\,]');
    expect(supcon.params.map((p) => p.key)).not.toContain('sigma');
    const threshold = f('kernelized_supcon', { method: 'threshold' });
    expect(threshold.tex).toContain('C_{ac}\\, e^{s_{ac}}');
    expect(threshold.where.join()).toContain('W_{ck} < W_{ca}');
    expect(
      f('kernelized_supcon', { method: 'threshold', delta_reduction: 'mean' }).where.join(),
    ).toContain('\\frac{1}{M}');
    const expw = f('kernelized_supcon', { method: 'expw' });
    expect(expw.tex).toContain('(s_{ac} - m_a)(1 - W_{ac})');
    expect(expw.where.join()).toContain('\\max_c s_{ac}');
    expect(f('kernelized_supcon', { method: 'expw', expw_shift: 'none' }).where.join()).toContain(
      'm_a = 0',
    );
  });

  it('alignment–uniformity, decoupled uniformity, DCL, DCLW, SepCLR, FairKL', () => {
    const au = f('align_uniform', { alpha: 2, t: 2 });
    expect(au.tex).toContain('\\lVert x_i - y_i \\rVert_2^{\\alpha}');
    expect(au.tex).toContain(
      '\\tfrac{1}{2} \\big[ \\mathcal{L}_{\\text{unif}}(x) + \\mathcal{L}_{\\text{unif}}(y) \\big]',
    );
    expect(au.where.join()).toContain('\\frac{2}{n(n-1)} \\sum_{i<j} e^{-t');
    const du = f('decoupled_uniformity');
    expect(du.variant).toBe('no prior');
    expect(du.where.join()).toContain('\\frac{1}{V} \\sum_{v=1}^{V} \\hat{z}_i^{v}');
    const prior = f('decoupled_uniformity', { kernel: 'rbf', sigma: 5, lambda: 0 });
    expect(prior.where.join()).toContain('W = (K + \\lambda_{\\text{eff}} I)^{-1} K');
    expect(prior.derived.join()).toContain('1/\\sqrt{n}');
    expect(f('decoupled_uniformity', { kernel: 'cosine' }).where.join()).toContain(
      '\\langle p_i, p_j \\rangle',
    );
    const dcl = f('dcl');
    expect(dcl.tex).toContain('\\ell(z^1, z^2) + \\ell(z^2, z^1)');
    expect(dcl.tex).toContain('\\sum_{j \\neq i}');
    expect(dcl.tex).not.toContain('w_i');
    const dclw = f('dclw');
    expect(dclw.tex).toContain('-w_i');
    expect(dclw.where.join()).toContain('w_i = 2 -');
    const sep = f('sepclr');
    expect(sep.tex).toContain('\\beta_S');
    expect(sep.tex).toContain('\\lambda_{\\text{JEM}}');
    expect(sep.where.join()).toContain('2\\tau');
    expect(sep.derived.join()).toContain('\\frac{1}{2\\tau} = 1');
    const fair = f('fairkl');
    expect(fair.tex).toContain('\\kappa');
    expect(fair.tex).toContain('- \\mu_{PC} + \\mu_{NA}');
    const reg = regularizerFormula({ name: 'fairkl', weight: 0.5 });
    expect(reg.tex).toContain('\\mathcal{L}_{\\text{total}} = \\mathcal{L} + \\lambda');
    expect(paramsLine(reg)).toContain('\\lambda = 0.5');
    expect(paramsLine(reg)).toContain('T = 1');
  });

  it('lists the current hyperparameters with the defaults filled in', () => {
    expect(withDefaults('supcon', { temperature: 0.2 })).toMatchObject({
      temperature: 0.2,
      base_temperature: 0.07,
      variant: 'out',
    });
    const line = paramsLine(f('supcon', { temperature: 0.2 }));
    expect(line).toContain('\\tau = 0.2');
    expect(line).toContain('\\tau_b = 0.07');
    expect(withDefaults('nope', { a: 1 })).toEqual({ a: 1 });
  });
});

describe('LaTeX values', () => {
  it('formats numbers', () => {
    expect(texNumber(0.07)).toBe('0.07');
    expect(texNumber(1 / 0.07)).toBe('14.29');
    expect(texNumber(1e-6)).toBe('10^{-6}');
    expect(texNumber(2.5e-5)).toBe('2.5\\times 10^{-5}');
    expect(texNumber(1000)).toBe('1000');
    expect(texNumber(-Infinity)).toBe('-\\infty');
    for (const v of [0.07, 1e-6, 2.5e-5, 123456, -3e8, NaN])
      expect(() => render(texNumber(v), false)).not.toThrow();
  });

  it('keeps text values from injecting LaTeX', () => {
    const t = texText('\\href{javascript:x}{a}_b$^');
    expect(t).not.toContain('\\href');
    expect(t).toBe('\\text{hrefjavascript:xa\\_b}');
    expect(() => render(t, false)).not.toThrow();
  });
});
