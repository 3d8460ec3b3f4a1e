import { z } from 'zod';
import { defineLoss } from '../define';
import { positive } from './shared';

export const definition = defineLoss({
  id: 'sepclr_uniform',
  kind: 'term',
  description: 'SepCLR uniformity U_τ (t = 1/(2τ)), rows as given.',
  citation:
    'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §4.3)',
  inputs: [{ name: 'x', role: 'tensor', description: '[n, d] codes' }],
  schema: z.strictObject({ tau: positive().default(0.5) }),
});
