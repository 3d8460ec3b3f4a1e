import { z } from 'zod';
import { defineLoss } from '../define';
import { temperature, z1, z2 } from './shared';

export const definition = defineLoss({
  id: 'dcl_one_way',
  kind: 'term',
  description: 'DCL with anchors from the first view only.',
  citation:
    'Yeh et al., ECCV 2022; raminnakhli/Decoupled-Contrastive-Learning loss/dcl.py (spec B §3)',
  inputs: [z1, z2],
  schema: z.strictObject({ tau: temperature(0.1) }),
});
