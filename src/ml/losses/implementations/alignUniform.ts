import { definition } from '../definitions/alignUniform';
import { implement } from '../implement';
import { alignUniformLoss } from '../alignUniform';

export const implementation = implement(definition, (r, p) =>
  alignUniformLoss(r.tensor2d('x'), r.tensor2d('y'), {
    alpha: p.alpha,
    t: p.t,
    wAlign: p.w_align,
    wUnif: p.w_unif,
  }),
);
