import { z } from 'zod';
import { defineLoss } from '../define';
import { ROWS_TWO_VIEWS, sim, temperature, viewMajor } from './shared';

export const definition = defineLoss({
  id: 'nt_xent',
  kind: 'loss',
  description:
    'InfoNCE / NT-Xent (SimCLR): one positive per anchor, the other view of the same image.',
  citation:
    'Chen et al., ICML 2020; google-research/simclr tf2/objective.py add_contrastive_loss @383d414 (spec A §1)',
  inputs: [viewMajor],
  schema: z.strictObject({
    temperature: temperature(0.1),
    normalize: z.boolean().default(true),
    reduction: z.enum(['mean', 'sum_of_view_means']).default('mean'),
    n_views: z.literal(2).default(2),
  }),
  training: { style: 'view-major', positives: 'none' },
  formula: {
    symbols: {
      temperature: ['\\tau', 'temperature'],
      normalize: ['\\text{normalise}', 'rows L2-normalised inside the loss'],
      reduction: [
        '\\text{reduction}',
        "mean over the 2N anchors, or the official code's sum of the two view means (twice the mean)",
      ],
    },
    build: (p) => {
      const codeReduction = p.reduction === 'sum_of_view_means';
      return {
        variant: p.reduction,
        title: 'NT-Xent / InfoNCE (SimCLR)',
        tex:
          `\\mathcal{L} = \\frac{1}{${codeReduction ? 'N' : '2N'}} \\sum_{a=0}^{2N-1} ` +
          "\\left[ -s_{a a'} + \\log \\sum_{b \\neq a} e^{s_{ab}} \\right],\\qquad a' = (a + N) \\bmod 2N",
        where: [ROWS_TWO_VIEWS, sim(p)],
        params: ['temperature', 'normalize', 'reduction'],
        derived: [],
        note:
          'One positive per anchor: the other view of the same image; every other row of the batch is a negative.' +
          (codeReduction
            ? ' The official code adds the two view means, giving twice the mean.'
            : ''),
      };
    },
  },
});
