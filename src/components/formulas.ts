/**
 * The formula of every trainable loss as LaTeX (rendered with KaTeX by LossFormula), written from
 * the specifications docs/spec/losses-a.md and losses-b.md (copies of ../shared/spec) in the conventions the code
 * follows: view-major rows (row a = vN + i is view v of sample i, ι(a) = a mod N), means over
 * all M = VN anchors, the τ/τ_b factor of the SupCon family, ε in logit units.
 * Plain data and strings only: no DOM, usable in Node tests.
 */
import { defaultParams } from '../ml/losses/catalog';

export interface FormulaParam {
  key: string;
  /** LaTeX symbol, e.g. `\tau_b`. */
  symbol: string;
  /** LaTeX value, e.g. `0.07` or `\text{yes}`. */
  value: string;
  /** What the parameter does, in words. */
  meaning: string;
}

export interface LossFormulaSpec {
  loss: string;
  /** The variant shown (`out`, `in`, `threshold`, `prior`…), when the loss has several. */
  variant?: string;
  title: string;
  /** The loss, display mode. */
  tex: string;
  /** Definitions used by `tex`, one display-style line each. */
  where: string[];
  /** Current hyperparameters. */
  params: FormulaParam[];
  /** Values derived from the parameters (`\tau/\tau_b = 1.43`…), LaTeX. */
  derived: string[];
  /** One or two plain sentences: what the loss does, and notable conventions. */
  note: string;
  citation: string;
}

export interface RegularizerSpec {
  name: 'fairkl';
  weight: number;
  temperature?: number;
  kld?: number;
}

// ---------------------------------------------------------------------------------------------
// Formatting of values inside LaTeX

/** A number as LaTeX: ≤ 4 significant digits, `\times 10^{k}` for very small or large values. */
export function texNumber(value: number): string {
  if (Number.isNaN(value)) return '\\text{NaN}';
  if (!Number.isFinite(value)) return value > 0 ? '\\infty' : '-\\infty';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) {
    const [mantissa, exponent] = value.toExponential(2).split('e') as [string, string];
    const m = String(+mantissa);
    const e = String(+exponent);
    return m === '1' ? `10^{${e}}` : m === '-1' ? `-10^{${e}}` : `${m}\\times 10^{${e}}`;
  }
  return String(+value.toPrecision(4));
}

/** Text inside `\text{…}`: only characters KaTeX takes literally. */
export function texText(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9 .,:;()/+=-]/g, (c) => (c === '_' ? '\\_' : ''));
  return `\\text{${safe}}`;
}

export function texValue(value: unknown): string {
  if (typeof value === 'number') return texNumber(value);
  if (typeof value === 'boolean') return texText(value ? 'yes' : 'no');
  if (value === null || value === undefined) return texText('none');
  if (typeof value === 'string') return texText(value);
  return texText(String(value));
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const SIM_NORMALIZED =
  's_{ab} = \\frac{z_a^{\\top} z_b}{\\tau},\\qquad z_a = \\frac{x_a}{\\max(\\lVert x_a\\rVert_2,\\,10^{-12})}';
const SIM_RAW = 's_{ab} = \\frac{x_a^{\\top} x_b}{\\tau}\\quad(\\text{rows used as given})';
const ROWS =
  'a = vN + i\\ \\text{(view } v \\text{ of sample } i\\text{)},\\quad \\iota(a) = a \\bmod N,\\quad M = VN';
const SETS =
  'A(a) = \\{b \\neq a\\},\\quad P(a) = \\{b \\in A(a) : y_{\\iota(b)} = y_{\\iota(a)}\\},\\quad N(a) = A(a) \\setminus P(a)';
const C_FACTOR = '\\frac{\\tau}{\\tau_b}';

function sim(params: Record<string, unknown>): string {
  return params.normalize === false ? SIM_RAW : SIM_NORMALIZED;
}

function num(params: Record<string, unknown>, key: string): number | undefined {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function param(
  params: Record<string, unknown>,
  key: string,
  symbol: string,
  meaning: string,
): FormulaParam | null {
  if (!(key in params)) return null;
  return { key, symbol, value: texValue(params[key]), meaning };
}

function compact(list: (FormulaParam | null)[]): FormulaParam[] {
  return list.filter((p): p is FormulaParam => p !== null);
}

function temperatureFactor(params: Record<string, unknown>): string[] {
  const tau = num(params, 'temperature');
  const tauB = num(params, 'base_temperature');
  return tau !== undefined && tauB !== undefined
    ? [`${C_FACTOR} = \\frac{${texNumber(tau)}}{${texNumber(tauB)}} = ${texNumber(tau / tauB)}`]
    : [];
}

function supconParams(params: Record<string, unknown>): (FormulaParam | null)[] {
  return [
    param(params, 'temperature', '\\tau', 'temperature: divides the cosine similarities'),
    param(params, 'base_temperature', '\\tau_b', 'base temperature: the loss is scaled by τ/τ_b'),
    param(params, 'n_views', 'V', 'views per sample'),
    param(params, 'normalize', '\\text{normalise}', 'rows L2-normalised inside the loss'),
  ];
}

const KERNELS: Record<string, string> = {
  gaussian:
    'K(\\Delta) = \\frac{1}{\\sqrt{2\\pi}\\,\\sigma}\\exp\\!\\left(-\\frac{\\Delta^2}{2\\sigma^2}\\right)',
  rbf: 'K(\\Delta) = \\exp\\!\\left(-\\frac{\\Delta^2}{2\\sigma^2}\\right)',
  cauchy: 'K(\\Delta) = \\frac{1}{\\sigma\\,\\Delta^2 + 1}',
};

const UNIFORMITY = (x: string, t: string) =>
  `\\log \\frac{2}{n(n-1)} \\sum_{i<j} e^{-${t}\\,\\lVert ${x}_i - ${x}_j \\rVert_2^2}`;

// ---------------------------------------------------------------------------------------------
// The formulas

type Builder = (params: Record<string, unknown>) => Omit<LossFormulaSpec, 'loss'>;

const BUILDERS: Record<string, Builder> = {
  nt_xent: (p) => {
    const codeReduction = p.reduction === 'sum_of_view_means';
    return {
      variant: codeReduction ? 'sum_of_view_means' : 'mean',
      title: 'NT-Xent / InfoNCE (SimCLR)',
      tex:
        `\\mathcal{L} = \\frac{1}{${codeReduction ? 'N' : '2N'}} \\sum_{a=0}^{2N-1} ` +
        "\\left[ -s_{a a'} + \\log \\sum_{b \\neq a} e^{s_{ab}} \\right],\\qquad a' = (a + N) \\bmod 2N",
      where: [ROWS.replace('M = VN', 'M = 2N'), sim(p)],
      params: compact([
        param(p, 'temperature', '\\tau', 'temperature'),
        param(p, 'normalize', '\\text{normalise}', 'rows L2-normalised inside the loss'),
        param(
          p,
          'reduction',
          '\\text{reduction}',
          "mean over the 2N anchors, or the official code's sum of the two view means (twice the mean)",
        ),
      ]),
      derived: [],
      note:
        'One positive per anchor: the other view of the same image; every other row of the batch is a negative.' +
        (codeReduction ? ' The official code adds the two view means, giving twice the mean.' : ''),
      citation: 'Chen et al., ICML 2020 (spec A §1)',
    };
  },

  supcon: (p) => {
    const inside = p.variant === 'in';
    const logProb = '\\log \\frac{e^{s_{ap}}}{\\sum_{b \\in A(a)} e^{s_{ab}}}';
    return {
      variant: inside ? 'in' : 'out',
      title: `Supervised contrastive loss (L${inside ? 'in' : 'out'})`,
      tex: inside
        ? `\\mathcal{L}^{\\text{in}} = \\frac{1}{M} \\sum_{a=0}^{M-1} -${C_FACTOR} \\log \\left( \\frac{1}{|P(a)|} \\sum_{p \\in P(a)} \\frac{e^{s_{ap}}}{\\sum_{b \\in A(a)} e^{s_{ab}}} \\right)`
        : `\\mathcal{L}^{\\text{out}} = \\frac{1}{M} \\sum_{a=0}^{M-1} -${C_FACTOR} \\frac{1}{|P(a)|} \\sum_{p \\in P(a)} ${logProb}`,
      where: [ROWS, sim(p), SETS],
      params: compact([
        ...supconParams(p),
        param(
          p,
          'variant',
          '\\text{variant}',
          'L_out averages the log-probabilities of the positives; L_in takes the log of their mean probability',
        ),
      ]),
      derived: temperatureFactor(p),
      note: 'Every same-class row is a positive. An anchor without a positive contributes 0 and still counts in the mean over M anchors.',
      citation: 'Khosla et al., NeurIPS 2020 (spec A §2)',
    };
  },

  eps_supinfonce: (p) => {
    const inside = p.form === 'in';
    const delta = num(p, 'log_eps_after_shift') ?? 0;
    const eta = !inside && delta > 0 ? ' + \\eta_a' : '';
    return {
      variant: inside ? 'in' : 'out',
      title: `epsilon-SupInfoNCE (${inside ? 'in' : 'out'})`,
      tex: inside
        ? `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\log \\frac{\\sum_{p \\in P(a)} e^{s_{ap}}}{\\frac{e^{-\\epsilon}}{\\max(|P(a)|,1)} \\sum_{p \\in P(a)} e^{s_{ap}} + \\sum_{n \\in N(a)} e^{s_{an}}}`
        : `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\frac{1}{\\max(|P(a)|,1)} \\sum_{p \\in P(a)} \\log \\frac{e^{s_{ap}}}{e^{s_{ap} - \\epsilon} + \\sum_{n \\in N(a)} e^{s_{an}}${eta}}`,
      where: [
        ROWS,
        sim(p),
        SETS,
        ...(eta
          ? [
              `\\eta_a = ${texNumber(delta)}\\, e^{m_a},\\quad m_a = \\max_b s_{ab}\\ \\text{(no gradient)}`,
            ]
          : []),
      ],
      params: compact([
        ...supconParams(p),
        param(
          p,
          'epsilon',
          '\\epsilon',
          'margin in logit units: each positive must beat every negative by ε',
        ),
        param(p, 'form', '\\text{form}', 'out: one term per positive; in: the positives together'),
        param(
          p,
          'log_eps_after_shift',
          '\\delta',
          "the official code's stabiliser added after the max-shift (0 = exact loss)",
        ),
      ]),
      derived: epsilonDerived(p),
      note:
        'Each positive is contrasted with itself shifted by ε and all the negatives: it must beat every negative by the margin. ' +
        'ε is in logit units (subtracted from s/τ), so in cosine similarity the margin is ε·τ.',
      citation: 'Barbano et al., ICLR 2023 (spec A §3)',
    };
  },

  eps_supcon: (p) => {
    const delta = num(p, 'log_eps_after_shift') ?? 0;
    const eta = delta > 0 ? ' + \\eta_a' : '';
    return {
      variant: 'out',
      title: 'epsilon-SupCon',
      tex: `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\frac{1}{\\max(|P(a)|,1)} \\sum_{p \\in P(a)} \\log \\frac{e^{s_{ap}}}{e^{-\\epsilon} \\sum_{p' \\in P(a)} e^{s_{ap'}} + \\sum_{n \\in N(a)} e^{s_{an}}${eta}}`,
      where: [
        ROWS,
        sim(p),
        SETS,
        ...(eta
          ? [
              `\\eta_a = ${texNumber(delta)}\\, e^{m_a},\\quad m_a = \\max_b s_{ab}\\ \\text{(no gradient)}`,
            ]
          : []),
      ],
      params: compact([
        ...supconParams(p),
        param(
          p,
          'epsilon',
          '\\epsilon',
          'margin in logit units, applied to every positive in the denominator',
        ),
        param(
          p,
          'log_eps_after_shift',
          '\\delta',
          "the official code's stabiliser (0 = exact loss)",
        ),
      ]),
      derived: epsilonDerived(p),
      note: 'SupCon L_out with every positive of the denominator shifted by ε (in logit units); ε = 0 gives SupCon.',
      citation: 'Barbano et al., ICLR 2023 (spec A §3)',
    };
  },

  y_aware_infonce: (p) => {
    const row = p.weight_norm === 'row';
    return {
      variant: row ? 'row' : 'official',
      title: 'y-Aware InfoNCE',
      tex: '\\mathcal{L} = -\\frac{1}{N} \\sum_{a=0}^{2N-1} \\sum_{b \\neq a} \\hat{w}_{ab} \\log \\frac{e^{s_{ab}}}{\\sum_{c \\neq a} e^{s_{ac}}}',
      where: [
        ROWS.replace('M = VN', 'M = 2N'),
        sim(p),
        'w_{ab} = \\exp\\!\\left(-\\frac{\\lVert y_{\\iota(a)} - y_{\\iota(b)} \\rVert^2}{2\\sigma^2}\\right)\\ (b \\neq a),\\qquad w_{aa} = 0',
        row
          ? "\\hat{w}_{ab} = \\frac{w_{ab}}{\\sum_{c} w_{ac}}\\quad \\text{(each anchor's row sums to 1)}"
          : '\\hat{w}_{ab} = \\frac{w_{ab}}{\\sum_{c} w_{bc}}\\quad \\text{(official code: the columns sum to 1)}',
      ],
      params: compact([
        param(p, 'temperature', '\\tau', 'temperature'),
        param(p, 'sigma', '\\sigma', 'bandwidth of the RBF kernel on the attribute'),
        param(
          p,
          'weight_norm',
          '\\text{weights}',
          "official: columns sum to 1; row: each anchor's weights sum to 1",
        ),
        param(p, 'normalize', '\\text{normalise}', 'rows L2-normalised inside the loss'),
      ]),
      derived: [],
      note: "Positives are weighted by how close their attribute (e.g. age) is to the anchor's; the other view always has weight 1. A sum over 2N anchors divided by N.",
      citation: 'Dufumier et al., MICCAI 2021 (spec A §5)',
    };
  },

  kernelized_supcon: (p) => {
    const method = typeof p.method === 'string' ? p.method : 'yaware';
    const kernel = typeof p.kernel === 'string' ? p.kernel : 'gaussian';
    const plain = 's_{ab} - \\log \\sum_{c \\in A(a)} e^{s_{ac}}';
    const kernelLines =
      method === 'supcon'
        ? ['w_{ab} = [\\, y_{\\iota(a)} = y_{\\iota(b)} \\,],\\quad b \\neq a']
        : [
            `W_{ab} = K\\big(y_{\\iota(a)} - y_{\\iota(b)}\\big),\\qquad ${KERNELS[kernel] ?? KERNELS.gaussian!}`,
            'w_{ab} = W_{ab}\\ (b \\neq a),\\qquad w_{aa} = 0',
          ];
    let logp: string;
    const extra: string[] = [];
    switch (method) {
      case 'threshold':
        logp = 's_{ab} - \\log \\sum_{c \\in A(a)} C_{ac}\\, e^{s_{ac}}';
        extra.push(
          p.delta_reduction === 'mean'
            ? 'C_{ac} = \\frac{1}{M}\\,\\#\\{k : W_{ck} < W_{ca}\\}'
            : 'C_{ac} = \\#\\{k : W_{ck} < W_{ca}\\}\\quad (k \\text{ over all } M \\text{ rows})',
        );
        break;
      case 'expw':
        logp = '(s_{ab} - m_a) - \\log \\sum_{c \\in A(a)} e^{(s_{ac} - m_a)(1 - W_{ac})}';
        extra.push(
          p.expw_shift === 'none'
            ? 'm_a = 0\\quad \\text{(paper form, no shift)}'
            : 'm_a = \\max_c s_{ac}\\quad \\text{(diagonal included, no gradient)}',
        );
        break;
      default:
        logp = plain;
    }
    return {
      variant: method,
      title: `Kernelised SupCon (${method})`,
      tex: `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\frac{\\sum_{b \\neq a} w_{ab} \\log p_{ab}}{\\sum_{b \\neq a} w_{ab}},\\qquad \\log p_{ab} = ${logp}`,
      where: [ROWS, sim(p), ...kernelLines, ...extra],
      params: compact([
        ...supconParams(p),
        param(
          p,
          'method',
          '\\text{method}',
          'supcon: same-bin positives; yaware: kernel-weighted; threshold: repel only less similar samples; expw: exponentially weighted denominator',
        ),
        method === 'supcon'
          ? null
          : param(p, 'kernel', '\\text{kernel}', 'kernel on the label difference'),
        method === 'supcon'
          ? null
          : param(
              p,
              'sigma',
              '\\sigma',
              kernel === 'cauchy'
                ? 'Cauchy: σ multiplies the squared difference (a γ, not squared)'
                : 'kernel bandwidth',
            ),
        method === 'threshold'
          ? param(p, 'delta_reduction', '\\text{counts}', 'sum or mean of the threshold counts')
          : null,
        method === 'expw'
          ? param(
              p,
              'expw_shift',
              '\\text{shift}',
              'rowmax: the official max-shift; none: the paper form',
            )
          : null,
      ]),
      derived: [
        ...temperatureFactor(p),
        ...(method !== 'supcon' && kernel === 'gaussian' && num(p, 'sigma') !== undefined
          ? [
              `W_{aa} = \\frac{1}{\\sqrt{2\\pi}\\,\\sigma} = ${texNumber(1 / (Math.sqrt(2 * Math.PI) * num(p, 'sigma')!))}`,
            ]
          : []),
      ],
      note: 'Contrastive regression: positives weighted by a kernel on the continuous label (e.g. age); the method decides the denominator.',
      citation: 'Barbano et al., ISBI 2023 (spec A §6)',
    };
  },

  align_uniform: (p) => ({
    title: 'Alignment and uniformity (Wang and Isola)',
    tex:
      '\\mathcal{L} = w_{\\text{align}}\\, \\frac{1}{n} \\sum_{i=1}^{n} \\lVert x_i - y_i \\rVert_2^{\\alpha} ' +
      '+ w_{\\text{unif}}\\, \\tfrac{1}{2} \\big[ \\mathcal{L}_{\\text{unif}}(x) + \\mathcal{L}_{\\text{unif}}(y) \\big]',
    where: [
      `\\mathcal{L}_{\\text{unif}}(x) = ${UNIFORMITY('x', 't')}`,
      'x_i,\\ y_i:\\ \\text{the two views of sample } i \\text{ (unit rows)}',
    ],
    params: compact([
      param(p, 'alpha', '\\alpha', 'exponent of the alignment distance'),
      param(p, 't', 't', 'scale of the Gaussian potential in the uniformity'),
      param(p, 'w_align', 'w_{\\text{align}}', 'weight of alignment'),
      param(p, 'w_unif', 'w_{\\text{unif}}', 'weight of uniformity'),
    ]),
    derived:
      num(p, 't') !== undefined
        ? [
            `\\mathcal{L}_{\\text{unif}} \\in [-4t, 0] = [${texNumber(-4 * num(p, 't')!)}, 0]\\ \\text{on the sphere}`,
          ]
        : [],
    note: 'Pull the two views together (alignment) and spread all embeddings over the sphere (uniformity, computed within each view).',
    citation: 'Wang and Isola, ICML 2020 (spec B §1)',
  }),

  decoupled_uniformity: (p) => {
    const kernel = typeof p.kernel === 'string' ? p.kernel : null;
    const lambda = num(p, 'lambda');
    const common = `\\mathcal{L} = ${UNIFORMITY('\\mu', 't')}`;
    if (!kernel) {
      return {
        variant: 'no prior',
        title: 'Decoupled uniformity',
        tex: common,
        where: [
          '\\mu_i = \\frac{1}{V} \\sum_{v=1}^{V} \\hat{z}_i^{v},\\qquad \\hat{z} = \\frac{z}{\\max(\\lVert z \\rVert_2, 10^{-12})}',
        ],
        params: compact([param(p, 't', 't', 'scale of the Gaussian potential')]),
        derived: [],
        note: 'Spread the centroids of the views apart; no alignment term: long centroids (well-aligned views) are rewarded implicitly.',
        citation: 'Dufumier et al., ICML 2023 (spec B §2)',
      };
    }
    return {
      variant: 'prior',
      title: `Decoupled uniformity with a ${kernel} kernel prior`,
      tex: `${common},\\qquad \\mu = W \\bar{\\mu}`,
      where: [
        '\\bar{\\mu}_i = \\frac{1}{V} \\sum_{v=1}^{V} \\hat{z}_i^{v}',
        'W = (K + \\lambda_{\\text{eff}} I)^{-1} K\\quad \\text{(a constant: no gradient)}',
        kernel === 'cosine'
          ? 'K_{ij} = \\frac{\\langle p_i, p_j \\rangle}{\\lVert p_i \\rVert\\, \\lVert p_j \\rVert}'
          : 'K_{ij} = \\exp\\!\\left(-\\frac{\\lVert p_i - p_j \\rVert^2}{2\\sigma^2}\\right)',
        '\\lambda_{\\text{eff}} = \\lambda \\text{ if } \\lambda \\neq 0, \\text{ else } 1/\\sqrt{n}',
      ],
      params: compact([
        param(p, 't', 't', 'scale of the Gaussian potential'),
        param(p, 'kernel', '\\text{kernel}', 'kernel on the prior p (weak attributes)'),
        kernel === 'rbf' ? param(p, 'sigma', '\\sigma', 'bandwidth of the RBF kernel') : null,
        param(p, 'lambda', '\\lambda', 'ridge regulariser of the kernel solve'),
      ]),
      derived:
        lambda !== undefined && lambda === 0
          ? ['\\lambda_{\\text{eff}} = 1/\\sqrt{n}']
          : lambda !== undefined
            ? [`\\lambda_{\\text{eff}} = ${texNumber(lambda)}`]
            : [],
      note: 'The centroids become conditional means given the prior: samples with similar priors share their centroid, so they are not pushed apart.',
      citation: 'Dufumier et al., ICML 2023 (spec B §2.3)',
    };
  },

  dcl: (p) => ({
    title: 'Decoupled contrastive learning (DCL)',
    tex:
      '\\mathcal{L} = \\ell(z^1, z^2) + \\ell(z^2, z^1),\\qquad \\ell(u, v) = \\frac{1}{n} \\sum_{i=1}^{n} ' +
      '\\left[ -\\frac{\\langle u_i, v_i \\rangle}{\\tau} + \\log \\sum_{j \\neq i} \\left( e^{\\langle u_i, u_j \\rangle / \\tau} + e^{\\langle u_i, v_j \\rangle / \\tau} \\right) \\right]',
    where: ['z^1_i,\\ z^2_i:\\ \\text{the two views of sample } i \\text{ (unit rows)}'],
    params: compact([param(p, 'tau', '\\tau', 'temperature')]),
    derived: [],
    note: 'InfoNCE without the positive in the denominator: 2(n − 1) negatives per anchor; the two directions are added (a sum, as in the code).',
    citation: 'Yeh et al., ECCV 2022 (spec B §3)',
  }),

  dclw: (p) => ({
    title: 'Weighted DCL (DCLW)',
    tex:
      '\\mathcal{L} = \\ell(z^1, z^2) + \\ell(z^2, z^1),\\qquad \\ell(u, v) = \\frac{1}{n} \\sum_{i=1}^{n} ' +
      '\\left[ -w_i \\frac{\\langle u_i, v_i \\rangle}{\\tau} + \\log \\sum_{j \\neq i} \\left( e^{\\langle u_i, u_j \\rangle / \\tau} + e^{\\langle u_i, v_j \\rangle / \\tau} \\right) \\right]',
    where: [
      'w_i = 2 - \\frac{e^{\\langle u_i, v_i \\rangle / \\sigma}}{\\frac{1}{n} \\sum_{k} e^{\\langle u_k, v_k \\rangle / \\sigma}}\\quad \\text{(the weights average to 1)}',
    ],
    params: compact([
      param(p, 'tau', '\\tau', 'temperature'),
      param(p, 'sigma', '\\sigma', 'temperature of the von Mises–Fisher weights'),
      param(p, 'detach_weights', '\\text{detach } w', 'stop the gradient through the weights'),
    ]),
    derived: [],
    note: 'DCL with the pull on each positive weighted down when the pair is already similar.',
    citation: 'Yeh et al., ECCV 2022 (spec B §3)',
  }),

  sepclr: (p) => {
    const tau = num(p, 'tau');
    return {
      title: 'SepCLR (common and salient spaces)',
      tex: '\\mathcal{L} = \\mathcal{L}_C + \\beta_S\\, \\mathcal{L}_S + \\beta_{\\text{reg}}\\, \\mathcal{L}_{\\text{reg}} + \\lambda_{\\text{JEM}}\\, \\mathcal{L}_{\\text{JEM}}',
      where: [
        '\\mathcal{L}_C = A_\\tau(\\hat{c}^1, \\hat{c}^2) + u \\cdot \\tfrac{1}{2} \\big[ U_\\tau(\\hat{c}^1) + U_\\tau(\\hat{c}^2) \\big]',
        '\\mathcal{L}_S = A_\\tau(s^1, s^2; T) + u \\cdot \\tfrac{1}{2} \\big[ U_\\tau(\\tilde{s}^1) + U_\\tau(\\tilde{s}^2) \\big]',
        '\\mathcal{L}_{\\text{reg}} = \\frac{1}{2|B|} \\sum_{i \\in B} \\frac{\\lVert s^1_i \\rVert^2 + \\lVert s^2_i \\rVert^2}{2\\tau}',
        '\\mathcal{L}_{\\text{JEM}} = \\tfrac{1}{2} \\big[ J_\\tau(\\hat{c}^1, \\tilde{s}^1) + J_\\tau(\\hat{c}^2, \\tilde{s}^2) \\big]',
        'A_\\tau(X, Y; I) = \\frac{1}{|I|} \\sum_{i \\in I} \\frac{\\lVert x_i - y_i \\rVert^2}{2\\tau},\\qquad U_\\tau(X) = \\log \\frac{2}{n(n-1)} \\sum_{i<j} e^{-\\lVert x_i - x_j \\rVert^2 / (2\\tau)}',
        'J_\\tau(C, S) = \\frac{1}{n} \\sum_{i} \\log \\frac{1}{n} \\sum_{j} e^{-(\\lVert c_i - c_j \\rVert^2 + \\lVert s_i - s_j \\rVert^2) / (2\\tau)}',
        '\\hat{c} = c / \\lVert c \\rVert,\\quad \\tilde{s}_i = b_i\\, s_i\\ (b_i = 1 \\text{ target, } 0 \\text{ background}),\\quad T, B: \\text{target and background rows}',
      ],
      params: compact([
        param(p, 'beta_salient', '\\beta_S', 'weight of the salient term'),
        param(
          p,
          'beta_reg',
          '\\beta_{\\text{reg}}',
          'weight of the pull of background salient codes to 0',
        ),
        param(
          p,
          'lambda_jem',
          '\\lambda_{\\text{JEM}}',
          'weight of the k-JEM term (pushes I(c; s) toward 0)',
        ),
        param(p, 'tau', '\\tau', 'Gaussian bandwidth (a variance): the exponent is −D/(2τ)'),
        param(p, 'unif_weight', 'u', 'weight of both uniformity brackets'),
      ]),
      derived: tau !== undefined ? [`\\frac{1}{2\\tau} = ${texNumber(1 / (2 * tau))}`] : [],
      note: 'Two encoders: the common space c captures what background and target share, the salient space s what only targets have; background salient codes are pulled to 0.',
      citation: 'Louiset et al., ICLR 2024 (spec B §4)',
    };
  },

  fairkl: (p) => fairklSpec(p),
};

function epsilonDerived(p: Record<string, unknown>): string[] {
  const out = temperatureFactor(p);
  const eps = num(p, 'epsilon');
  const tau = num(p, 'temperature');
  if (eps !== undefined) out.push(`\\omega = e^{-\\epsilon} = ${texNumber(Math.exp(-eps))}`);
  if (eps !== undefined && tau !== undefined) {
    out.push(
      `\\text{margin in cosine: } \\epsilon\\tau = ${texNumber(eps)} \\times ${texNumber(tau)} = ${texNumber(eps * tau)}`,
    );
  }
  return out;
}

const FAIRKL_TEX =
  '\\mathcal{R}_{\\text{FairKL}} = (\\mu_{PC} - \\mu_{PA})^2 + (\\mu_{NA} - \\mu_{NC})^2 ' +
  '+ \\kappa \\big[ (\\sigma_{PA} - \\sigma_{PC})^2 + (\\sigma_{NA} - \\sigma_{NC})^2 \\big] - \\mu_{PC} + \\mu_{NA}';

const FAIRKL_WHERE = [
  'S = F F^{\\top} / T\\quad \\text{(one view, L2-normalised encoder features, all } B^2 \\text{ pairs, self-pairs included)}',
  '\\mu_G = \\frac{\\sum_{(i,j) \\in G} S_{ij}}{\\max(|G|, 1)},\\qquad \\sigma_G = \\operatorname{std}\\big(S \\odot \\mathbf{1}_G\\big)\\ \\text{(unbiased, over all } B^2 \\text{ entries)}',
  'G \\in \\{PA, PC, NA, NC\\}:\\ \\text{same (P) or different (N) class} \\times \\text{same (A) or different (C) bias label}',
];

function fairklSpec(p: Record<string, unknown>): Omit<LossFormulaSpec, 'loss'> {
  return {
    title: 'FairKL regulariser',
    tex: FAIRKL_TEX,
    where: FAIRKL_WHERE,
    params: compact([
      param(p, 'temperature', 'T', 'temperature of the similarities (1 in the official pipeline)'),
      param(p, 'kld', '\\kappa', 'weight of the standard-deviation gaps'),
      param(p, 'weight', '\\lambda', 'weight of the regulariser in the total loss'),
    ]),
    derived: [],
    note: 'Makes bias-aligned and bias-conflicting pairs look alike: matches the means and spreads of their similarity distributions.',
    citation: 'Barbano et al., ICLR 2023 (spec A §4)',
  };
}

/** Every loss with a formula. */
export const FORMULA_LOSSES = Object.keys(BUILDERS);

/** Parameters with the catalog's defaults filled in (unknown losses: as given). */
export function withDefaults(
  loss: string,
  params: Record<string, unknown> = {},
): Record<string, unknown> {
  let defaults: Record<string, unknown>;
  try {
    defaults = defaultParams(loss);
  } catch {
    defaults = {};
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(params)) if (v !== undefined && k !== 'name') out[k] = v;
  return out;
}

/** The formula of `loss` with `params` (defaults filled in); null for a loss without one. */
export function lossFormula(
  loss: string,
  params: Record<string, unknown> = {},
): LossFormulaSpec | null {
  const build = BUILDERS[loss];
  if (!build) return null;
  return { loss, ...build(withDefaults(loss, params)) };
}

/** The FairKL regulariser as it enters the total loss, with its weight λ. */
export function regularizerFormula(reg: RegularizerSpec): LossFormulaSpec {
  const p = { temperature: reg.temperature ?? 1, kld: reg.kld ?? 1, weight: reg.weight };
  const spec = fairklSpec(p);
  return {
    loss: 'fairkl',
    ...spec,
    tex: `\\mathcal{L}_{\\text{total}} = \\mathcal{L} + \\lambda\\, \\mathcal{R}_{\\text{FairKL}},\\qquad ${FAIRKL_TEX}`,
  };
}

/** The parameter line shown under a formula: `\tau = 0.1,\ \tau_b = 0.07, …`. */
export function paramsLine(spec: LossFormulaSpec): string {
  return spec.params.map((p) => `${p.symbol} = ${p.value}`).join(',\\quad ');
}

/** Every variant worth showing, for tests and documentation. */
export function formulaVariants(): { loss: string; params: Record<string, unknown> }[] {
  return [
    { loss: 'nt_xent', params: {} },
    { loss: 'nt_xent', params: { reduction: 'sum_of_view_means', normalize: false } },
    { loss: 'supcon', params: { variant: 'out' } },
    { loss: 'supcon', params: { variant: 'in' } },
    { loss: 'eps_supinfonce', params: { form: 'out', epsilon: 0.25 } },
    { loss: 'eps_supinfonce', params: { form: 'out', log_eps_after_shift: 1e-6 } },
    { loss: 'eps_supinfonce', params: { form: 'in' } },
    { loss: 'eps_supcon', params: {} },
    { loss: 'eps_supcon', params: { log_eps_after_shift: 1e-6 } },
    { loss: 'y_aware_infonce', params: {} },
    { loss: 'y_aware_infonce', params: { weight_norm: 'row' } },
    { loss: 'kernelized_supcon', params: { method: 'supcon', kernel: null } },
    { loss: 'kernelized_supcon', params: { method: 'yaware', kernel: 'gaussian' } },
    { loss: 'kernelized_supcon', params: { method: 'yaware', kernel: 'rbf' } },
    { loss: 'kernelized_supcon', params: { method: 'yaware', kernel: 'cauchy' } },
    { loss: 'kernelized_supcon', params: { method: 'threshold', delta_reduction: 'sum' } },
    { loss: 'kernelized_supcon', params: { method: 'threshold', delta_reduction: 'mean' } },
    { loss: 'kernelized_supcon', params: { method: 'expw', expw_shift: 'rowmax' } },
    { loss: 'kernelized_supcon', params: { method: 'expw', expw_shift: 'none' } },
    { loss: 'align_uniform', params: {} },
    { loss: 'decoupled_uniformity', params: {} },
    { loss: 'decoupled_uniformity', params: { kernel: 'rbf', sigma: 5, lambda: 0.01 } },
    { loss: 'decoupled_uniformity', params: { kernel: 'cosine', lambda: 0 } },
    { loss: 'dcl', params: {} },
    { loss: 'dclw', params: {} },
    { loss: 'sepclr', params: {} },
    { loss: 'fairkl', params: {} },
  ];
}
