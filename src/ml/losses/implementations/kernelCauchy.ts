import { definition } from '../definitions/kernelCauchy';
import { implement } from '../implement';
import { kernelMatrixTensor } from '../../kernels/kernels';

export const implementation = implement(definition, (r, p) =>
  kernelMatrixTensor('cauchy', { gamma: p.gamma }, r.tensor('metadata')),
);
