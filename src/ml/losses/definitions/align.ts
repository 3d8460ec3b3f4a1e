import { z } from 'zod';
import { defineLoss } from '../define';
import { pairX, pairY, positive } from './shared';

export const definition = defineLoss({
  id: 'align',
  kind: 'metric',
  description: 'Alignment: mean ‖x_i − y_i‖^α over positive pairs.',
  citation: 'Wang & Isola, ICML 2020; SsnL/align_uniform align_uniform/__init__.py (spec B §1)',
  inputs: [pairX, pairY],
  schema: z.strictObject({ alpha: positive().default(2) }),
});
