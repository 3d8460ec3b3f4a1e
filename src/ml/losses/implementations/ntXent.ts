import { definition } from '../definitions/ntXent';
import { implement } from '../implement';
import { ntXent } from '../supcon';

export const implementation = implement(definition, (r, p) =>
  ntXent(r.tensor2d('features'), {
    temperature: p.temperature,
    normalize: p.normalize,
    reduction: p.reduction,
  }),
);
