import { definition } from '../definitions/sepclr';
import { implement } from '../implement';
import { sepclr } from '../sepclr';

export const implementation = implement(definition, (r, p) =>
  sepclr(
    {
      c1: r.tensor2d('c1'),
      c2: r.tensor2d('c2'),
      s1: r.tensor2d('s1'),
      s2: r.tensor2d('s2'),
      isTarget: r.numbers('is_target'),
    },
    {
      betaSalient: p.beta_salient,
      betaReg: p.beta_reg,
      lambdaJem: p.lambda_jem,
      tau: p.tau,
      unifWeight: p.unif_weight,
    },
  ),
);
