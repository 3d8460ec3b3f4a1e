/** How the training config's fields (views, kernel) override the loss's own parameters. */
import type { TrainingConfig } from './trainingConfig';

/** The loss's parameters after the config's overrides (views, kernel). */
export function effectiveLossParams(config: TrainingConfig): Record<string, unknown> {
  const { name, ...params } = config.loss;
  const out: Record<string, unknown> = { ...params };
  if (['supcon', 'eps_supinfonce', 'eps_supcon', 'kernelized_supcon'].includes(name))
    out.n_views = config.views;
  if (config.kernel) {
    if (name === 'kernelized_supcon') {
      if (config.kernel.name === 'cosine')
        throw new Error('kernelized_supcon takes a gaussian, rbf or cauchy kernel');
      out.kernel = config.kernel.name;
      if (config.kernel.sigma !== undefined) out.sigma = config.kernel.sigma;
    } else if (name === 'y_aware_infonce') {
      if (config.kernel.name !== 'rbf') throw new Error('y_aware_infonce uses the rbf kernel');
      if (config.kernel.sigma !== undefined) out.sigma = config.kernel.sigma;
    } else if (name === 'decoupled_uniformity') {
      if (config.kernel.name !== 'rbf' && config.kernel.name !== 'cosine') {
        throw new Error('decoupled_uniformity takes an rbf or cosine kernel prior');
      }
      out.kernel = config.kernel.name;
      if (config.kernel.sigma !== undefined) out.sigma = config.kernel.sigma;
    }
  }
  return out;
}
