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
  id: 'eps_supcon',
  kind: 'loss',
  description: 'ε-SupCon: SupCon with every positive shifted by ε in the denominator.',
  citation:
    'Barbano et al., ICLR 2023; EIDOSLAB/unbiased-contrastive-learning debiasing/losses.py EpsilonSupCon @25b3981 (spec A §3)',
  inputs: [viewMajor, classLabels],
  schema: z.strictObject({ ...epsilonFamily, form: z.literal('out').default('out') }),
  training: { style: 'view-major', positives: 'class-or-views', views: true },
  formula: {
    symbols: {
      ...SUPCON_SYMBOLS,
      epsilon: ['\\epsilon', 'margin in logit units, applied to every positive in the denominator'],
      log_eps_after_shift: ['\\delta', "the official code's stabiliser (0 = exact loss)"],
    },
    build: (p) => {
      const eta = p.log_eps_after_shift > 0;
      return {
        variant: 'out',
        title: 'epsilon-SupCon',
        tex: `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\frac{1}{\\max(|P(a)|,1)} \\sum_{p \\in P(a)} \\log \\frac{e^{s_{ap}}}{e^{-\\epsilon} \\sum_{p' \\in P(a)} e^{s_{ap'}} + \\sum_{n \\in N(a)} e^{s_{an}}${eta ? ' + \\eta_a' : ''}}`,
        where: [ROWS, sim(p), SETS, ...(eta ? [ETA_LINE] : [])],
        params: [...SUPCON_ROWS, 'epsilon', 'log_eps_after_shift'],
        derived: epsilonDerived(p),
        note: 'SupCon L_out with every positive of the denominator shifted by ε (in logit units); ε = 0 gives SupCon.',
      };
    },
  },
});
