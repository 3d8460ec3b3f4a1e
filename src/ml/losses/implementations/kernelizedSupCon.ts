import { definition } from '../definitions/kernelizedSupCon';
import { implement } from '../implement';
import { kernelizedSupCon } from '../kernelizedSupCon';

export const implementation = implement(definition, (r, p) =>
  kernelizedSupCon(r.tensor2d('features'), r.numbers('labels'), {
    method: p.method,
    kernel: p.kernel,
    sigma: p.sigma,
    temperature: p.temperature,
    baseTemperature: p.base_temperature,
    nViews: p.n_views,
    deltaReduction: p.delta_reduction,
    expwShift: p.expw_shift,
    normalize: p.normalize,
  }),
);
