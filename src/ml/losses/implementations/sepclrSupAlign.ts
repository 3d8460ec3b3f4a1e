import { definition } from '../definitions/sepclrSupAlign';
import { implement } from '../implement';
import { sepclrSupAlign } from '../sepclr';

export const implementation = implement(definition, (r, p) =>
  sepclrSupAlign(r.tensor('x'), r.numbers('metadata'), p.tau),
);
