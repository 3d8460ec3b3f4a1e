import { z } from 'zod';
import { defineLoss } from '../define';
import { DCL_DIRECTIONS } from './dcl';
import { positive, temperature, z1, z2 } from './shared';

export const definition = defineLoss({
  id: 'dclw',
  kind: 'loss',
  description: 'Weighted DCL: positives weighted by 2 − n·softmax(⟨z¹_i, z²_i⟩/σ).',
  citation:
    'Yeh et al., ECCV 2022; raminnakhli/Decoupled-Contrastive-Learning loss/dcl.py (spec B §3)',
  inputs: [z1, z2],
  schema: z.strictObject({
    tau: temperature(0.1),
    sigma: positive().default(0.5),
    detach_weights: z.boolean().default(false),
  }),
  training: { style: 'pairs' },
  formula: {
    symbols: {
      tau: ['\\tau', 'temperature'],
      sigma: ['\\sigma', 'temperature of the von Mises–Fisher weights'],
      detach_weights: ['\\text{detach } w', 'stop the gradient through the weights'],
    },
    build: () => ({
      title: 'Weighted DCL (DCLW)',
      tex:
        `${DCL_DIRECTIONS},\\qquad \\ell(u, v) = \\frac{1}{n} \\sum_{i=1}^{n} ` +
        '\\left[ -w_i \\frac{\\langle u_i, v_i \\rangle}{\\tau} + \\log \\sum_{j \\neq i} \\left( e^{\\langle u_i, u_j \\rangle / \\tau} + e^{\\langle u_i, v_j \\rangle / \\tau} \\right) \\right]',
      where: [
        'w_i = 2 - \\frac{e^{\\langle u_i, v_i \\rangle / \\sigma}}{\\frac{1}{n} \\sum_{k} e^{\\langle u_k, v_k \\rangle / \\sigma}}\\quad \\text{(the weights average to 1)}',
      ],
      params: ['tau', 'sigma', 'detach_weights'],
      derived: [],
      note: 'DCL with the pull on each positive weighted down when the pair is already similar.',
    }),
  },
});
