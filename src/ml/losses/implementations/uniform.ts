import { definition } from '../definitions/uniform';
import { implement } from '../implement';
import { uniformityLoss } from '../alignUniform';

export const implementation = implement(definition, (r, p) => uniformityLoss(r.tensor2d('x'), p.t));
