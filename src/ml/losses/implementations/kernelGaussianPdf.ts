import { definition } from '../definitions/kernelGaussianPdf';
import { implement } from '../implement';
import { kernelMatrixTensor } from '../../kernels/kernels';

export const implementation = implement(definition, (r, p) =>
  kernelMatrixTensor('gaussian_pdf', { sigma: p.sigma }, r.tensor('metadata')),
);
