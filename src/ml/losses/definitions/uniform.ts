import { z } from 'zod';
import { defineLoss } from '../define';
import { positive } from './shared';

export const definition = defineLoss({
  id: 'uniform',
  kind: 'metric',
  description:
    'Uniformity: log of the mean Gaussian potential exp(−t‖x_i − x_j‖²) over distinct pairs.',
  citation: 'Wang & Isola, ICML 2020; SsnL/align_uniform align_uniform/__init__.py (spec B §1)',
  inputs: [{ name: 'x', role: 'tensor', description: '[n, d] embeddings' }],
  schema: z.strictObject({ t: positive().default(2) }),
});
