import { definition } from '../definitions/supcon';
import { implement } from '../implement';
import { supCon } from '../supcon';

export const implementation = implement(definition, (r, p) =>
  supCon(r.multiView(p.n_views), {
    temperature: p.temperature,
    baseTemperature: p.base_temperature,
    variant: p.variant,
    normalize: p.normalize,
  }),
);
