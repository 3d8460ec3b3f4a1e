import { z } from 'zod';
import { defineLoss } from '../define';
import { texNumber } from '../tex';
import { positive } from './shared';

export const definition = defineLoss({
  id: 'sepclr',
  kind: 'loss',
  description:
    'SepCLR: separate common from salient factors between a background and a target data set.',
  citation:
    'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py + cifar_mnist/sep_clr_k-jem.py (spec B §4)',
  inputs: [
    { name: 'c1', role: 'tensor', description: '[n, dc] common head, view 1 (normalised inside)' },
    { name: 'c2', role: 'tensor', description: '[n, dc] common head, view 2' },
    { name: 's1', role: 'tensor', description: '[n, ds] salient head, view 1 (Euclidean)' },
    { name: 's2', role: 'tensor', description: '[n, ds] salient head, view 2' },
    { name: 'is_target', role: 'constant', description: '1 for target, 0 for background' },
  ],
  schema: z.strictObject({
    beta_salient: z.number().min(0).default(1000),
    beta_reg: z.number().min(0).default(1000),
    lambda_jem: z.number().min(0).default(10),
    tau: positive().default(0.5),
    unif_weight: z.number().min(0).default(2),
  }),
  training: { style: 'sepclr' },
  formula: {
    symbols: {
      beta_salient: ['\\beta_S', 'weight of the salient term'],
      beta_reg: ['\\beta_{\\text{reg}}', 'weight of the pull of background salient codes to 0'],
      lambda_jem: ['\\lambda_{\\text{JEM}}', 'weight of the k-JEM term (pushes I(c; s) toward 0)'],
      tau: ['\\tau', 'Gaussian bandwidth (a variance): the exponent is −D/(2τ)'],
      unif_weight: ['u', 'weight of both uniformity brackets'],
    },
    build: (p) => ({
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
      params: ['beta_salient', 'beta_reg', 'lambda_jem', 'tau', 'unif_weight'],
      derived: [`\\frac{1}{2\\tau} = ${texNumber(1 / (2 * p.tau))}`],
      note: 'Two encoders: the common space c captures what background and target share, the salient space s what only targets have; background salient codes are pulled to 0.',
    }),
  },
});
