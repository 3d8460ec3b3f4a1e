import { definition } from '../definitions/sepclrUniform';
import { implement } from '../implement';
import { sepclrUniform } from '../sepclr';

export const implementation = implement(definition, (r, p) =>
  sepclrUniform(r.tensor2d('x'), p.tau),
);
