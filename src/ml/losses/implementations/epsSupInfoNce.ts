import { definition } from '../definitions/epsSupInfoNce';
import { implement } from '../implement';
import { epsSupInfoNce } from '../supcon';

export const implementation = implement(definition, (r, p) =>
  epsSupInfoNce(r.multiView(p.n_views), {
    temperature: p.temperature,
    baseTemperature: p.base_temperature,
    epsilon: p.epsilon,
    normalize: p.normalize,
    logEpsAfterShift: p.log_eps_after_shift,
    form: p.form,
  }),
);
