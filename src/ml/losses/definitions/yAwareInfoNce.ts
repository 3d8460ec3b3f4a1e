import { z } from 'zod';
import { defineLoss } from '../define';
import { positive, ROWS_TWO_VIEWS, sim, temperature, viewMajor } from './shared';

export const definition = defineLoss({
  id: 'y_aware_infonce',
  kind: 'loss',
  description: 'y-Aware InfoNCE: positives weighted by an RBF kernel on a continuous attribute.',
  citation:
    'Dufumier et al., MICCAI 2021; Duplums/yAwareContrastiveLearning losses.py GeneralizedSupervisedNTXenLoss @7f6b3c6 (spec A §5)',
  inputs: [
    viewMajor,
    { name: 'metadata', role: 'constant', description: 'attribute (scalar or vector) per sample' },
  ],
  schema: z.strictObject({
    temperature: temperature(0.1),
    sigma: positive().default(5),
    normalize: z.boolean().default(true),
    weight_norm: z.enum(['official', 'row']).default('official'),
    kernel: z.literal('rbf').default('rbf'),
    n_views: z.literal(2).default(2),
  }),
  training: { style: 'view-major', positives: 'attribute-rows', kernels: ['rbf'] },
  formula: {
    symbols: {
      temperature: ['\\tau', 'temperature'],
      sigma: ['\\sigma', 'bandwidth of the RBF kernel on the attribute'],
      weight_norm: [
        '\\text{weights}',
        "official: columns sum to 1; row: each anchor's weights sum to 1",
      ],
      normalize: ['\\text{normalise}', 'rows L2-normalised inside the loss'],
    },
    build: (p) => ({
      variant: p.weight_norm,
      title: 'y-Aware InfoNCE',
      tex: '\\mathcal{L} = -\\frac{1}{N} \\sum_{a=0}^{2N-1} \\sum_{b \\neq a} \\hat{w}_{ab} \\log \\frac{e^{s_{ab}}}{\\sum_{c \\neq a} e^{s_{ac}}}',
      where: [
        ROWS_TWO_VIEWS,
        sim(p),
        'w_{ab} = \\exp\\!\\left(-\\frac{\\lVert y_{\\iota(a)} - y_{\\iota(b)} \\rVert^2}{2\\sigma^2}\\right)\\ (b \\neq a),\\qquad w_{aa} = 0',
        p.weight_norm === 'row'
          ? "\\hat{w}_{ab} = \\frac{w_{ab}}{\\sum_{c} w_{ac}}\\quad \\text{(each anchor's row sums to 1)}"
          : '\\hat{w}_{ab} = \\frac{w_{ab}}{\\sum_{c} w_{bc}}\\quad \\text{(official code: the columns sum to 1)}',
      ],
      params: ['temperature', 'sigma', 'weight_norm', 'normalize'],
      derived: [],
      note: "Positives are weighted by how close their attribute (e.g. age) is to the anchor's; the other view always has weight 1. A sum over 2N anchors divided by N.",
    }),
  },
});
