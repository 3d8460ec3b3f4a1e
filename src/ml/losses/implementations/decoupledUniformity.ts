import { definition } from '../definitions/decoupledUniformity';
import { implement } from '../implement';
import { decoupledUniformity } from '../decoupledUniformity';

export const implementation = implement(definition, (r, p) =>
  decoupledUniformity(
    r.tensor3d('z'),
    { t: p.t, kernel: p.kernel, sigma: p.sigma, lambda: p.lambda },
    r.constant('prior', true),
  ),
);
