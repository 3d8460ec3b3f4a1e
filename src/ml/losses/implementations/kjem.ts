import { definition } from '../definitions/kjem';
import { implement } from '../implement';
import { kJem } from '../sepclr';

export const implementation = implement(definition, (r, p) =>
  kJem(r.tensor2d('c'), r.tensor2d('s'), p.tau),
);
