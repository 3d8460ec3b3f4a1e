import { z } from 'zod';
import { defineLoss } from '../define';
import { pairX, pairY, positive } from './shared';

export const definition = defineLoss({
  id: 'sepclr_align',
  kind: 'term',
  description: 'SepCLR alignment A_τ: mean ‖x_i − y_i‖²/(2τ).',
  citation:
    'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §4.3)',
  inputs: [pairX, pairY],
  schema: z.strictObject({ tau: positive().default(0.5) }),
});
