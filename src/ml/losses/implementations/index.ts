/**
 * The implementation of every definition, in the definitions' order (a test checks it). The
 * compiler refuses a definition without an implementation, or an implementation without one.
 */
import type { LossId } from '../definitions';
import { implementation as ntXent } from './ntXent';
import { implementation as supcon } from './supcon';
import { implementation as epsSupInfoNce } from './epsSupInfoNce';
import { implementation as epsSupCon } from './epsSupCon';
import { implementation as fairkl } from './fairkl';
import { implementation as yAwareInfoNce } from './yAwareInfoNce';
import { implementation as kernelizedSupCon } from './kernelizedSupCon';
import { implementation as align } from './align';
import { implementation as uniform } from './uniform';
import { implementation as alignUniform } from './alignUniform';
import { implementation as decoupledUniformity } from './decoupledUniformity';
import { implementation as duAlign } from './duAlign';
import { implementation as dcl } from './dcl';
import { implementation as dclOneWay } from './dclOneWay';
import { implementation as dclw } from './dclw';
import { implementation as sepclr } from './sepclr';
import { implementation as sepclrAlign } from './sepclrAlign';
import { implementation as sepclrUniform } from './sepclrUniform';
import { implementation as sepclrSupAlign } from './sepclrSupAlign';
import { implementation as kjem } from './kjem';
import { implementation as kernelRbf } from './kernelRbf';
import { implementation as kernelCosine } from './kernelCosine';
import { implementation as kernelGaussianPdf } from './kernelGaussianPdf';
import { implementation as kernelCauchy } from './kernelCauchy';
import { implementation as kernelGaussianTau } from './kernelGaussianTau';

export const IMPLEMENTATIONS = [
  ntXent,
  supcon,
  epsSupInfoNce,
  epsSupCon,
  fairkl,
  yAwareInfoNce,
  kernelizedSupCon,
  align,
  uniform,
  alignUniform,
  decoupledUniformity,
  duAlign,
  dcl,
  dclOneWay,
  dclw,
  sepclr,
  sepclrAlign,
  sepclrUniform,
  sepclrSupAlign,
  kjem,
  kernelRbf,
  kernelCosine,
  kernelGaussianPdf,
  kernelCauchy,
  kernelGaussianTau,
] as const;

type Implemented = (typeof IMPLEMENTATIONS)[number]['definition']['id'];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Fails to compile when a definition has no implementation here, or the reverse.
export const COMPLETE: Same<LossId, Implemented> = true;
