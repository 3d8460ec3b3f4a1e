/**
 * Presets: one JSON file per scenario (a configuration plus a two-line caption of what to look for),
 * shared by the playground's guided scenes and the headless runner.
 */
import infonceMnist from './infonce-mnist.json';
import supconMnist from './supcon-mnist.json';
import epsSupInfoNceMnist from './eps-supinfonce-mnist.json';
import fairklColoredMnist from './fairkl-colored-mnist.json';
import yawareBrainAge from './yaware-brain-age.json';
import kernelRegressionBrainAge from './kernel-regression-brain-age.json';
import decoupledUniformityShapes from './decoupled-uniformity-shapes.json';
import sepclrDigitsOnFashion from './sepclr-digits-on-fashion.json';
import sepclrBrainMri from './sepclr-brain-mri.json';
import decoupledUniformityVaeShapes from './decoupled-uniformity-vae-shapes.json';

export interface Preset {
  id: string;
  title: string;
  caption: string;
  config: Record<string, unknown>;
}

export const PRESETS: readonly Preset[] = [
  infonceMnist,
  supconMnist,
  epsSupInfoNceMnist,
  fairklColoredMnist,
  yawareBrainAge,
  kernelRegressionBrainAge,
  decoupledUniformityShapes,
  sepclrDigitsOnFashion,
  sepclrBrainMri,
  decoupledUniformityVaeShapes,
];

export function presetById(id: string): Preset {
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset)
    throw new Error(`Unknown preset '${id}'. Presets: ${PRESETS.map((p) => p.id).join(', ')}.`);
  return preset;
}
