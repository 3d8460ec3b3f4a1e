import { z } from 'zod';
import { defineLoss } from '../define';
import { positive } from './shared';

export const definition = defineLoss({
  id: 'kjem',
  kind: 'term',
  description: 'k-JEM: kernel joint-entropy estimate of (c, s); minimising it pushes I(c; s) to 0.',
  citation:
    'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §4.3)',
  inputs: [
    { name: 'c', role: 'tensor', description: '[n, dc] unit common codes' },
    { name: 's', role: 'tensor', description: '[n, ds] salient codes, background rows at 0' },
  ],
  schema: z.strictObject({ tau: positive().default(0.5) }),
});
