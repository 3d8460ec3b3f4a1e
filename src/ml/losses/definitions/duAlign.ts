import { z } from 'zod';
import { defineLoss } from '../define';
import { duPrior, prior, sampleMajor } from './shared';

export const definition = defineLoss({
  id: 'du_align',
  kind: 'metric',
  description: 'The alignment metric logged with decoupled uniformity: −mean ‖μ_i‖².',
  citation:
    'Dufumier et al., ICML 2023; Duplums/contrastive-decoupled-uniformity src/decoupled_uniformity.py, logged align metric (spec B §2.2)',
  inputs: [sampleMajor, prior],
  schema: z.strictObject(duPrior),
});
