import { definition } from '../definitions/duAlign';
import { implement } from '../implement';
import { decoupledAlignment } from '../decoupledUniformity';

export const implementation = implement(definition, (r, p) =>
  decoupledAlignment(r.tensor3d('z'), p, r.constant('prior', true)),
);
