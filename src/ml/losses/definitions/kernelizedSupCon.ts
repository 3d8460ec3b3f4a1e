import { z } from 'zod';
import { defineLoss } from '../define';
import { texNumber } from '../tex';
import {
  C_FACTOR,
  KERNEL_TEX,
  positive,
  ROWS,
  sim,
  SUPCON_ROWS,
  SUPCON_SYMBOLS,
  supconFamily,
  temperature,
  temperatureFactor,
  viewMajor,
} from './shared';

export const definition = defineLoss({
  id: 'kernelized_supcon',
  kind: 'loss',
  description:
    'Contrastive regression: kernel-weighted positives with a plain, thresholded or exp-weighted denominator.',
  citation:
    'Barbano et al., ISBI 2023; EIDOSLAB/contrastive-brain-age-prediction src/losses.py KernelizedSupCon @2fe9e7b (spec A §6)',
  inputs: [
    viewMajor,
    { name: 'labels', role: 'constant', description: 'continuous label (age) per sample' },
  ],
  schema: z
    .strictObject({
      ...supconFamily,
      temperature: temperature(0.1),
      method: z.enum(['supcon', 'yaware', 'threshold', 'expw']).default('yaware'),
      kernel: z.enum(['gaussian', 'rbf', 'cauchy']).nullable().default('gaussian'),
      // Unused by method 'supcon', where a case may leave it null (spec A §0).
      sigma: positive().nullable().default(1),
      delta_reduction: z.enum(['sum', 'mean']).default('sum'),
      expw_shift: z.enum(['rowmax', 'none']).default('rowmax'),
    })
    .refine((p) => p.method === 'supcon' || (p.kernel !== null && p.sigma !== null), {
      message: "methods other than 'supcon' need a kernel and a sigma",
      path: ['sigma'],
    }),
  training: {
    style: 'view-major',
    positives: 'attribute',
    views: true,
    kernels: ['gaussian', 'rbf', 'cauchy'],
  },
  formula: {
    symbols: {
      ...SUPCON_SYMBOLS,
      method: [
        '\\text{method}',
        'supcon: same-bin positives; yaware: kernel-weighted; threshold: repel only less similar samples; expw: exponentially weighted denominator',
      ],
      kernel: ['\\text{kernel}', 'kernel on the label difference'],
      sigma: ['\\sigma', 'kernel bandwidth'],
      delta_reduction: ['\\text{counts}', 'sum or mean of the threshold counts'],
      expw_shift: ['\\text{shift}', 'rowmax: the official max-shift; none: the paper form'],
    },
    build: (p) => {
      const method = p.method;
      const kernel = p.kernel ?? 'gaussian';
      const kernelLines =
        method === 'supcon'
          ? ['w_{ab} = [\\, y_{\\iota(a)} = y_{\\iota(b)} \\,],\\quad b \\neq a']
          : [
              `W_{ab} = K\\big(y_{\\iota(a)} - y_{\\iota(b)}\\big),\\qquad ${KERNEL_TEX[kernel]}`,
              'w_{ab} = W_{ab}\\ (b \\neq a),\\qquad w_{aa} = 0',
            ];
      let logp = 's_{ab} - \\log \\sum_{c \\in A(a)} e^{s_{ac}}';
      const extra: string[] = [];
      if (method === 'threshold') {
        logp = 's_{ab} - \\log \\sum_{c \\in A(a)} C_{ac}\\, e^{s_{ac}}';
        extra.push(
          p.delta_reduction === 'mean'
            ? 'C_{ac} = \\frac{1}{M}\\,\\#\\{k : W_{ck} < W_{ca}\\}'
            : 'C_{ac} = \\#\\{k : W_{ck} < W_{ca}\\}\\quad (k \\text{ over all } M \\text{ rows})',
        );
      } else if (method === 'expw') {
        logp = '(s_{ab} - m_a) - \\log \\sum_{c \\in A(a)} e^{(s_{ac} - m_a)(1 - W_{ac})}';
        extra.push(
          p.expw_shift === 'none'
            ? 'm_a = 0\\quad \\text{(paper form, no shift)}'
            : 'm_a = \\max_c s_{ac}\\quad \\text{(diagonal included, no gradient)}',
        );
      }
      const sigma = p.sigma;
      return {
        variant: method,
        title: `Kernelised SupCon (${method})`,
        tex: `\\mathcal{L} = \\frac{1}{M} \\sum_{a} -${C_FACTOR} \\frac{\\sum_{b \\neq a} w_{ab} \\log p_{ab}}{\\sum_{b \\neq a} w_{ab}},\\qquad \\log p_{ab} = ${logp}`,
        where: [ROWS, sim(p), ...kernelLines, ...extra],
        params: [
          ...SUPCON_ROWS,
          'method',
          ...(method === 'supcon'
            ? []
            : [
                'kernel' as const,
                kernel === 'cauchy'
                  ? ([
                      'sigma',
                      'Cauchy: σ multiplies the squared difference (a γ, not squared)',
                    ] as const)
                  : ('sigma' as const),
              ]),
          ...(method === 'threshold' ? ['delta_reduction' as const] : []),
          ...(method === 'expw' ? ['expw_shift' as const] : []),
        ],
        derived: [
          temperatureFactor(p),
          ...(method !== 'supcon' && kernel === 'gaussian' && sigma !== null
            ? [
                `W_{aa} = \\frac{1}{\\sqrt{2\\pi}\\,\\sigma} = ${texNumber(1 / (Math.sqrt(2 * Math.PI) * sigma))}`,
              ]
            : []),
        ],
        note: 'Contrastive regression: positives weighted by a kernel on the continuous label (e.g. age); the method decides the denominator.',
      };
    },
  },
});
