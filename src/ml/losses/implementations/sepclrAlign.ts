import { definition } from '../definitions/sepclrAlign';
import { implement } from '../implement';
import { sepclrAlign } from '../sepclr';

export const implementation = implement(definition, (r, p) =>
  sepclrAlign(r.tensor2d('x'), r.tensor2d('y'), p.tau),
);
