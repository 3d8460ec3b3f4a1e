import { definition } from '../definitions/epsSupCon';
import { implement } from '../implement';
import { epsSupCon } from '../supcon';

export const implementation = implement(definition, (r, p) =>
  epsSupCon(r.multiView(p.n_views), {
    temperature: p.temperature,
    baseTemperature: p.base_temperature,
    epsilon: p.epsilon,
    normalize: p.normalize,
    logEpsAfterShift: p.log_eps_after_shift,
  }),
);
