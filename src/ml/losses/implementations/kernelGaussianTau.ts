import { definition } from '../definitions/kernelGaussianTau';
import { implement } from '../implement';
import { kernelMatrixTensor } from '../../kernels/kernels';

export const implementation = implement(definition, (r, p) =>
  kernelMatrixTensor('gaussian_tau', { tau: p.tau }, r.tensor('metadata')),
);
