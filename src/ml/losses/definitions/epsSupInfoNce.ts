import { z } from 'zod';
import { defineLoss } from '../define';
import {
  C_FACTOR,
  classLabels,
  epsilonDerived,
  epsilonFamily,
  ETA_LINE,
  ROWS,
  SETS,
  sim,
  SUPCON_ROWS,
  SUPCON_SYMBOLS,
  viewMajor,
} from './shared';

export const definition = defineLoss({
  id: 'eps_supinfonce',
  kind: 'loss',
  description:
    'ε-SupInfoNCE: each positive must beat every negative by a margin ε (in logit units).',
  citation:
    'Barbano et al., ICLR 2023; EIDOSLAB/unbiased-contrastive-learning debiasing/losses.py EpsilonSupInfoNCE @25b3981 (spec A §3)',
  inputs: [viewMajor, classLabels],
  schema: z.strictObject({ ...epsilonFamily, form: z.enum(['out', 'in']).default('out') }),
  training: { style: 'view-major', positives: 'class-or-views', views: true },
  formula: {
    symbols: {
      ...SUPCON_SYMBOLS,
      epsilon: ['\\epsilon', 'margin in logit units: each positive must beat every negative by ε'],
      form: ['\\text{form}', 'out: one term per positive; in: the positives together'],
      log_eps_after_shift: [
        '\\delta',
        "the official code's stabiliser added after the max-shift (0 = exact loss)",
      ],
    },
    build: (p) => {
      const inside = p.form === 'in';
      const eta = !inside && p.log_eps_after_shift > 0;
      return {
        variant: p.form,
        title: `epsilon-SupInfoNCE (${p.form})`,
        tex: inside
          ? `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\log \\frac{\\sum_{p \\in P(a)} e^{s_{ap}}}{\\frac{e^{-\\epsilon}}{\\max(|P(a)|,1)} \\sum_{p \\in P(a)} e^{s_{ap}} + \\sum_{n \\in N(a)} e^{s_{an}}}`
          : `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\frac{1}{\\max(|P(a)|,1)} \\sum_{p \\in P(a)} \\log \\frac{e^{s_{ap}}}{e^{s_{ap} - \\epsilon} + \\sum_{n \\in N(a)} e^{s_{an}}${eta ? ' + \\eta_a' : ''}}`,
        where: [ROWS, sim(p), SETS, ...(eta ? [ETA_LINE] : [])],
        // The `in` form has no stabiliser (the official code adds it to `out` only).
        params: [
          ...SUPCON_ROWS,
          'epsilon',
          'form',
          ...(inside ? [] : ['log_eps_after_shift' as const]),
        ],
        derived: epsilonDerived(p),
        note:
          'Each positive is contrasted with itself shifted by ε and all the negatives: it must beat every negative by the margin. ' +
          'ε is in logit units (subtracted from s/τ), so in cosine similarity the margin is ε·τ.',
      };
    },
  },
});
