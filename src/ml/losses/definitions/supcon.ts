import { z } from 'zod';
import { defineLoss } from '../define';
import {
  C_FACTOR,
  classLabels,
  ROWS,
  SETS,
  sim,
  SUPCON_ROWS,
  SUPCON_SYMBOLS,
  supconFamily,
  temperatureFactor,
  viewMajor,
} from './shared';

export const definition = defineLoss({
  id: 'supcon',
  kind: 'loss',
  description: 'Supervised contrastive loss: every same-class row is a positive (L_out or L_in).',
  citation:
    'Khosla et al., NeurIPS 2020; HobbitLong/SupContrast losses.py SupConLoss @66a8fe5 (spec A §2)',
  inputs: [viewMajor, classLabels],
  schema: z.strictObject({ ...supconFamily, variant: z.enum(['out', 'in']).default('out') }),
  training: { style: 'view-major', positives: 'class-or-views', views: true },
  formula: {
    symbols: {
      ...SUPCON_SYMBOLS,
      variant: [
        '\\text{variant}',
        'L_out averages the log-probabilities of the positives; L_in takes the log of their mean probability',
      ],
    },
    build: (p) => {
      const inside = p.variant === 'in';
      const logProb = '\\log \\frac{e^{s_{ap}}}{\\sum_{b \\in A(a)} e^{s_{ab}}}';
      return {
        variant: p.variant,
        title: `Supervised contrastive loss (L${p.variant})`,
        tex: inside
          ? `\\mathcal{L}^{\\text{in}} = \\frac{1}{M} \\sum_{a=0}^{M-1} -${C_FACTOR} \\log \\left( \\frac{1}{|P(a)|} \\sum_{p \\in P(a)} \\frac{e^{s_{ap}}}{\\sum_{b \\in A(a)} e^{s_{ab}}} \\right)`
          : `\\mathcal{L}^{\\text{out}} = \\frac{1}{M} \\sum_{a=0}^{M-1} -${C_FACTOR} \\frac{1}{|P(a)|} \\sum_{p \\in P(a)} ${logProb}`,
        where: [ROWS, sim(p), SETS],
        params: [...SUPCON_ROWS, 'variant'],
        derived: [temperatureFactor(p)],
        note: 'Every same-class row is a positive. An anchor without a positive contributes 0 and still counts in the mean over M anchors.',
      };
    },
  },
});
