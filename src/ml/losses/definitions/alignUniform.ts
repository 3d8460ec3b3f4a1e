import { z } from 'zod';
import { defineLoss } from '../define';
import { texNumber } from '../tex';
import { pairX, pairY, positive, uniformityTex } from './shared';

export const definition = defineLoss({
  id: 'align_uniform',
  kind: 'loss',
  description:
    'Alignment + uniformity objective: w_align·L_align + w_unif·½[L_unif(x) + L_unif(y)].',
  citation: 'Wang & Isola, ICML 2020; SsnL/align_uniform align_uniform/__init__.py (spec B §1)',
  inputs: [pairX, pairY],
  schema: z.strictObject({
    alpha: positive().default(2),
    t: positive().default(2),
    w_align: z.number().min(0).default(1),
    w_unif: z.number().min(0).default(1),
  }),
  training: { style: 'pairs' },
  formula: {
    symbols: {
      alpha: ['\\alpha', 'exponent of the alignment distance'],
      t: ['t', 'scale of the Gaussian potential in the uniformity'],
      w_align: ['w_{\\text{align}}', 'weight of alignment'],
      w_unif: ['w_{\\text{unif}}', 'weight of uniformity'],
    },
    build: (p) => ({
      title: 'Alignment and uniformity (Wang and Isola)',
      tex:
        '\\mathcal{L} = w_{\\text{align}}\\, \\frac{1}{n} \\sum_{i=1}^{n} \\lVert x_i - y_i \\rVert_2^{\\alpha} ' +
        '+ w_{\\text{unif}}\\, \\tfrac{1}{2} \\big[ \\mathcal{L}_{\\text{unif}}(x) + \\mathcal{L}_{\\text{unif}}(y) \\big]',
      where: [
        `\\mathcal{L}_{\\text{unif}}(x) = ${uniformityTex('x', 't')}`,
        'x_i,\\ y_i:\\ \\text{the two views of sample } i \\text{ (unit rows)}',
      ],
      params: ['alpha', 't', 'w_align', 'w_unif'],
      derived: [
        `\\mathcal{L}_{\\text{unif}} \\in [-4t, 0] = [${texNumber(-4 * p.t)}, 0]\\ \\text{on the sphere}`,
      ],
      note: 'Pull the two views together (alignment) and spread all embeddings over the sphere (uniformity, computed within each view).',
    }),
  },
});
