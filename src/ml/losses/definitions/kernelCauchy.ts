import { z } from 'zod';
import { defineLoss } from '../define';
import { kernelMetadata, positive } from './shared';

export const definition = defineLoss({
  id: 'kernel_cauchy',
  kind: 'kernel',
  description: 'Cauchy kernel 1/(1 + γΔ²)',
  citation:
    'EIDOSLAB/contrastive-brain-age-prediction src/main_infonce.py --kernel cauchy, γ passed as --sigma @2fe9e7b (spec B §5)',
  inputs: [kernelMetadata],
  schema: z.strictObject({ gamma: positive().default(1) }),
});
