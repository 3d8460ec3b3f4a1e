import { z } from 'zod';
import { defineLoss } from '../define';
import { texNumber } from '../tex';
import { duPrior, positive, prior, sampleMajor, uniformityTex } from './shared';

export const definition = defineLoss({
  id: 'decoupled_uniformity',
  kind: 'loss',
  description:
    'Decoupled uniformity: spread the centroids of the views; a kernel prior turns them into conditional means.',
  citation:
    'Dufumier et al., ICML 2023; Duplums/contrastive-decoupled-uniformity src/decoupled_uniformity.py (spec B §2)',
  inputs: [sampleMajor, prior],
  schema: z.strictObject({
    t: positive().default(2),
    ...duPrior,
    /** Reported by the reference vectors, never set. */
    lambda_effective: z.number().optional(),
  }),
  training: { style: 'sample-major', kernels: ['rbf', 'cosine'] },
  formula: {
    symbols: {
      t: ['t', 'scale of the Gaussian potential'],
      kernel: ['\\text{kernel}', 'kernel on the prior p (weak attributes)'],
      sigma: ['\\sigma', 'bandwidth of the RBF kernel'],
      lambda: ['\\lambda', 'ridge regulariser of the kernel solve'],
    },
    build: (p) => {
      const common = `\\mathcal{L} = ${uniformityTex('\\mu', 't')}`;
      if (!p.kernel) {
        return {
          variant: 'no prior',
          title: 'Decoupled uniformity',
          tex: common,
          where: [
            '\\mu_i = \\frac{1}{V} \\sum_{v=1}^{V} \\hat{z}_i^{v},\\qquad \\hat{z} = \\frac{z}{\\max(\\lVert z \\rVert_2, 10^{-12})}',
          ],
          params: ['t'],
          derived: [],
          note: 'Spread the centroids of the views apart; no alignment term: long centroids (well-aligned views) are rewarded implicitly.',
        };
      }
      return {
        variant: 'prior',
        title: `Decoupled uniformity with a ${p.kernel} kernel prior`,
        tex: `${common},\\qquad \\mu = W \\bar{\\mu}`,
        where: [
          '\\bar{\\mu}_i = \\frac{1}{V} \\sum_{v=1}^{V} \\hat{z}_i^{v}',
          'W = (K + \\lambda_{\\text{eff}} I)^{-1} K\\quad \\text{(a constant: no gradient)}',
          p.kernel === 'cosine'
            ? 'K_{ij} = \\frac{\\langle p_i, p_j \\rangle}{\\lVert p_i \\rVert\\, \\lVert p_j \\rVert}'
            : 'K_{ij} = \\exp\\!\\left(-\\frac{\\lVert p_i - p_j \\rVert^2}{2\\sigma^2}\\right)',
          '\\lambda_{\\text{eff}} = \\lambda \\text{ if } \\lambda \\neq 0, \\text{ else } 1/\\sqrt{n}',
        ],
        params: ['t', 'kernel', ...(p.kernel === 'rbf' ? ['sigma' as const] : []), 'lambda'],
        derived: p.lambda
          ? [`\\lambda_{\\text{eff}} = ${texNumber(p.lambda)}`]
          : ['\\lambda_{\\text{eff}} = 1/\\sqrt{n}'],
        note: 'The centroids become conditional means given the prior: samples with similar priors share their centroid, so they are not pushed apart.',
      };
    },
  },
});
