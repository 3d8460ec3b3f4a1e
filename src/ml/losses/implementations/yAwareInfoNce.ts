import { definition } from '../definitions/yAwareInfoNce';
import { implement } from '../implement';
import { yAwareInfoNce } from '../yAware';

export const implementation = implement(definition, (r, p) =>
  yAwareInfoNce(r.tensor2d('features'), r.required('metadata'), {
    temperature: p.temperature,
    sigma: p.sigma,
    normalize: p.normalize,
    weightNorm: p.weight_norm,
    kernel: p.kernel,
  }),
);
