/** How the training config's fields (views, kernel) override the loss's own parameters. */
import type { TrainingConfig } from './trainingConfig';
import { findEntry } from '../ml/losses/catalog';

/**
 * The loss's parameters after the config's overrides, as its definition's `training` allows:
 * `views` sets `n_views`; a kernel sets `kernel` (one of the definition's `kernels`) and `sigma`.
 */
export function effectiveLossParams(config: TrainingConfig): Record<string, unknown> {
  const { name, ...params } = config.loss;
  const out: Record<string, unknown> = { ...params };
  const training = findEntry(name)?.training;
  if (!training) return out;
  if (training.views) out.n_views = config.views;
  if (config.kernel && training.kernels) {
    if (!training.kernels.includes(config.kernel.name)) {
      throw new Error(
        `${name} takes a ${training.kernels.join(' or ')} kernel (got ${config.kernel.name})`,
      );
    }
    out.kernel = config.kernel.name;
    if (config.kernel.sigma !== undefined) out.sigma = config.kernel.sigma;
  }
  return out;
}
