import { definition } from '../definitions/kernelRbf';
import { implement } from '../implement';
import { kernelMatrixTensor } from '../../kernels/kernels';

export const implementation = implement(definition, (r, p) =>
  kernelMatrixTensor('rbf', { sigma: p.sigma }, r.tensor('metadata')),
);
