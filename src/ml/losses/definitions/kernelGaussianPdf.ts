import { z } from 'zod';
import { defineLoss } from '../define';
import { kernelMetadata, positive } from './shared';

export const definition = defineLoss({
  id: 'kernel_gaussian_pdf',
  kind: 'kernel',
  description: 'Gaussian density exp(−Δ²/(2σ²))/(√(2π)σ)',
  citation:
    'EIDOSLAB/contrastive-brain-age-prediction src/main_infonce.py --kernel gaussian @2fe9e7b (spec B §5)',
  inputs: [kernelMetadata],
  schema: z.strictObject({ sigma: positive().default(1) }),
});
