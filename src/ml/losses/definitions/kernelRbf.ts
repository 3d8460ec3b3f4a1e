import { z } from 'zod';
import { defineLoss } from '../define';
import { kernelMetadata, positive } from './shared';

export const definition = defineLoss({
  id: 'kernel_rbf',
  kind: 'kernel',
  description: 'RBF kernel exp(−‖p − p′‖²/(2σ²))',
  citation:
    'Duplums/contrastive-decoupled-uniformity src/util.py; y-Aware via sklearn rbf_kernel (spec B §5)',
  inputs: [kernelMetadata],
  schema: z.strictObject({ sigma: positive().default(1) }),
});
