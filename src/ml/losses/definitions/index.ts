/**
 * Every function of the math core, in the README table's order: the one list of names. The
 * catalog, the registry, the training inputs, the config overrides, the formulas and the README's
 * table are all read from it. TF.js-free.
 */
import { definition as ntXent } from './ntXent';
import { definition as supcon } from './supcon';
import { definition as epsSupInfoNce } from './epsSupInfoNce';
import { definition as epsSupCon } from './epsSupCon';
import { definition as fairkl } from './fairkl';
import { definition as yAwareInfoNce } from './yAwareInfoNce';
import { definition as kernelizedSupCon } from './kernelizedSupCon';
import { definition as align } from './align';
import { definition as uniform } from './uniform';
import { definition as alignUniform } from './alignUniform';
import { definition as decoupledUniformity } from './decoupledUniformity';
import { definition as duAlign } from './duAlign';
import { definition as dcl } from './dcl';
import { definition as dclOneWay } from './dclOneWay';
import { definition as dclw } from './dclw';
import { definition as sepclr } from './sepclr';
import { definition as sepclrAlign } from './sepclrAlign';
import { definition as sepclrUniform } from './sepclrUniform';
import { definition as sepclrSupAlign } from './sepclrSupAlign';
import { definition as kjem } from './kjem';
import { definition as kernelRbf } from './kernelRbf';
import { definition as kernelCosine } from './kernelCosine';
import { definition as kernelGaussianPdf } from './kernelGaussianPdf';
import { definition as kernelCauchy } from './kernelCauchy';
import { definition as kernelGaussianTau } from './kernelGaussianTau';

export const DEFINITIONS = [
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

export type LossId = (typeof DEFINITIONS)[number]['id'];
