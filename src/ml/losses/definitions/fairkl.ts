import { z } from 'zod';
import { defineLoss } from '../define';
import { temperature } from './shared';

/** The regulariser, without its weight λ (formula.ts adds λ when it enters a total loss). */
export const FAIRKL_TEX =
  '\\mathcal{R}_{\\text{FairKL}} = (\\mu_{PC} - \\mu_{PA})^2 + (\\mu_{NA} - \\mu_{NC})^2 ' +
  '+ \\kappa \\big[ (\\sigma_{PA} - \\sigma_{PC})^2 + (\\sigma_{NA} - \\sigma_{NC})^2 \\big] - \\mu_{PC} + \\mu_{NA}';

export const definition = defineLoss({
  id: 'fairkl',
  kind: 'loss',
  description:
    'FairKL regulariser: matches the similarity distributions of bias-aligned and bias-conflicting pairs.',
  citation:
    'Barbano et al., ICLR 2023; EIDOSLAB/unbiased-contrastive-learning debiasing/losses.py fairkl @25b3981 (spec A §4)',
  inputs: [
    { name: 'features', role: 'tensor', description: '[B, d] one view, one row per sample' },
    { name: 'labels', role: 'constant', description: 'class label per row' },
    { name: 'bias_labels', role: 'constant', description: 'bias label per row' },
  ],
  schema: z.strictObject({
    temperature: temperature(1),
    kld: z.number().min(0).default(1),
    normalize: z.boolean().default(true),
  }),
  // Not a training loss of its own: the trainer adds it to one (config.regularizer).
  formula: {
    symbols: {
      temperature: ['T', 'temperature of the similarities (1 in the official pipeline)'],
      kld: ['\\kappa', 'weight of the standard-deviation gaps'],
      normalize: ['\\text{normalise}', 'features L2-normalised inside the regulariser'],
    },
    build: () => ({
      title: 'FairKL regulariser',
      tex: FAIRKL_TEX,
      where: [
        'S = F F^{\\top} / T\\quad \\text{(one view, L2-normalised encoder features, all } B^2 \\text{ pairs, self-pairs included)}',
        '\\mu_G = \\frac{\\sum_{(i,j) \\in G} S_{ij}}{\\max(|G|, 1)},\\qquad \\sigma_G = \\operatorname{std}\\big(S \\odot \\mathbf{1}_G\\big)\\ \\text{(unbiased, over all } B^2 \\text{ entries)}',
        'G \\in \\{PA, PC, NA, NC\\}:\\ \\text{same (P) or different (N) class} \\times \\text{same (A) or different (C) bias label}',
      ],
      params: ['temperature', 'kld'],
      derived: [],
      note: 'Makes bias-aligned and bias-conflicting pairs look alike: matches the means and spreads of their similarity distributions.',
    }),
  },
});
