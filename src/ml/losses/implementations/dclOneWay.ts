import { definition } from '../definitions/dclOneWay';
import { implement } from '../implement';
import { dclOneWay } from '../dcl';

export const implementation = implement(definition, (r, p) =>
  dclOneWay(r.tensor2d('z1'), r.tensor2d('z2'), { tau: p.tau }),
);
