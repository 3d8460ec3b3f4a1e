import { definition } from '../definitions/fairkl';
import { implement } from '../implement';
import { fairKl } from '../fairkl';

export const implementation = implement(definition, (r, p) =>
  fairKl(
    {
      features: r.tensor2d('features'),
      labels: r.numbers('labels'),
      biasLabels: r.numbers('bias_labels'),
    },
    { temperature: p.temperature, kld: p.kld, normalize: p.normalize },
  ),
);
