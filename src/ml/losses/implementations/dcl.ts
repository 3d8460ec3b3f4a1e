import { definition } from '../definitions/dcl';
import { implement } from '../implement';
import { dcl } from '../dcl';

export const implementation = implement(definition, (r, p) =>
  dcl(r.tensor2d('z1'), r.tensor2d('z2'), { tau: p.tau }),
);
