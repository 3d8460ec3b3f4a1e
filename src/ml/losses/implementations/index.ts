/**
 * Every implementation, re-exported: the one line a new function adds here. registry.ts reads
 * them by their definition's id (the definitions' order is definitions/index.ts) and refuses to
 * compile when a definition has no implementation here, or the reverse.
 */
export { implementation as ntXent } from './ntXent';
export { implementation as supcon } from './supcon';
export { implementation as epsSupInfoNce } from './epsSupInfoNce';
export { implementation as epsSupCon } from './epsSupCon';
export { implementation as fairkl } from './fairkl';
export { implementation as yAwareInfoNce } from './yAwareInfoNce';
export { implementation as kernelizedSupCon } from './kernelizedSupCon';
export { implementation as align } from './align';
export { implementation as uniform } from './uniform';
export { implementation as alignUniform } from './alignUniform';
export { implementation as decoupledUniformity } from './decoupledUniformity';
export { implementation as duAlign } from './duAlign';
export { implementation as dcl } from './dcl';
export { implementation as dclOneWay } from './dclOneWay';
export { implementation as dclw } from './dclw';
export { implementation as sepclr } from './sepclr';
export { implementation as sepclrAlign } from './sepclrAlign';
export { implementation as sepclrUniform } from './sepclrUniform';
export { implementation as sepclrSupAlign } from './sepclrSupAlign';
export { implementation as kjem } from './kjem';
export { implementation as kernelRbf } from './kernelRbf';
export { implementation as kernelCosine } from './kernelCosine';
export { implementation as kernelGaussianPdf } from './kernelGaussianPdf';
export { implementation as kernelCauchy } from './kernelCauchy';
export { implementation as kernelGaussianTau } from './kernelGaussianTau';
