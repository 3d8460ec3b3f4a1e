import { definition } from '../definitions/align';
import { implement } from '../implement';
import { alignLoss } from '../alignUniform';

export const implementation = implement(definition, (r, p) =>
  alignLoss(r.tensor2d('x'), r.tensor2d('y'), p.alpha),
);
