import { z } from 'zod';
import { defineLoss } from '../define';
import { kernelMetadata, positive } from './shared';

export const definition = defineLoss({
  id: 'kernel_gaussian_tau',
  kind: 'kernel',
  description: 'SepCLR Gaussian exp(−‖a − b‖²/(2τ)), τ a variance',
  citation: 'neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §5)',
  inputs: [kernelMetadata],
  schema: z.strictObject({ tau: positive().default(0.5) }),
});
