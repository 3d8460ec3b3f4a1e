import { z } from 'zod';
import { defineLoss } from '../define';
import { positive } from './shared';

export const definition = defineLoss({
  id: 'sepclr_sup_align',
  kind: 'term',
  description: 'Supervised salient alignment: kernel-weighted squared gaps of one coordinate.',
  citation:
    'Louiset et al., ICLR 2024; 2024_rlouiset_sep_clr dsprite_digit_grid/supervised_disentangled_sep_clr_k-jem.py (spec B §4.7)',
  inputs: [
    { name: 'x', role: 'tensor', description: '[n] or [n, 1] one salient coordinate' },
    { name: 'metadata', role: 'constant', description: 'attribute per sample' },
  ],
  schema: z.strictObject({ tau: positive().default(0.025) }),
});
