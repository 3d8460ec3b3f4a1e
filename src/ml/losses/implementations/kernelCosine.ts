import { definition } from '../definitions/kernelCosine';
import { implement } from '../implement';
import { kernelMatrixTensor } from '../../kernels/kernels';

export const implementation = implement(definition, (r) =>
  kernelMatrixTensor('cosine', {}, r.tensor('metadata')),
);
