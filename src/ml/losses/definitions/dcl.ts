import { z } from 'zod';
import { defineLoss } from '../define';
import { temperature, z1, z2 } from './shared';

export const DCL_DIRECTIONS = '\\mathcal{L} = \\ell(z^1, z^2) + \\ell(z^2, z^1)';

export const definition = defineLoss({
  id: 'dcl',
  kind: 'loss',
  description:
    'Decoupled contrastive learning: InfoNCE without the positive in the denominator, both directions.',
  citation:
    'Yeh et al., ECCV 2022; no author code: raminnakhli/Decoupled-Contrastive-Learning loss/dcl.py, the one lightly cites (spec B §3)',
  inputs: [z1, z2],
  schema: z.strictObject({ tau: temperature(0.1) }),
  training: { style: 'pairs' },
  formula: {
    symbols: { tau: ['\\tau', 'temperature'] },
    build: () => ({
      title: 'Decoupled contrastive learning (DCL)',
      tex:
        `${DCL_DIRECTIONS},\\qquad \\ell(u, v) = \\frac{1}{n} \\sum_{i=1}^{n} ` +
        '\\left[ -\\frac{\\langle u_i, v_i \\rangle}{\\tau} + \\log \\sum_{j \\neq i} \\left( e^{\\langle u_i, u_j \\rangle / \\tau} + e^{\\langle u_i, v_j \\rangle / \\tau} \\right) \\right]',
      where: ['z^1_i,\\ z^2_i:\\ \\text{the two views of sample } i \\text{ (unit rows)}'],
      params: ['tau'],
      derived: [],
      note: 'InfoNCE without the positive in the denominator: 2(n − 1) negatives per anchor; the two directions are added (a sum, as in the code).',
    }),
  },
});
