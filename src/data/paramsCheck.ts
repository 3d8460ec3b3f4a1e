/**
 * The data sets' own parameter schemas as a configure-time check (contracts/configGate.ts): an
 * unknown data set or a bad parameter is refused when the config is set, not when the run loads.
 */
import { DATASETS, datasetIds } from './index';
import { quoteValue } from '../contracts/configGate';

export function checkDatasetParams(dataset: Record<string, unknown>): void {
  const { name, seed: _seed, ...params } = dataset;
  const definition = typeof name === 'string' ? DATASETS.get(name) : undefined;
  if (!definition)
    throw new Error(
      `dataset.name: unknown data set ${quoteValue(name)}; known: ${datasetIds().join(', ')}`,
    );
  const result = definition.paramsSchema.safeParse(params);
  if (result.success) return;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `dataset: unknown parameter ${issue.keys.map((k) => `'${k.slice(0, 80)}'`).join(', ')} of '${definition.id}' (valid: ${Object.keys(definition.defaults).join(', ') || 'none'})`;
    {
      const value = issue.path.length === 1 ? params[String(issue.path[0])] : undefined;
      const got = value === undefined ? '' : ` (got ${quoteValue(value)})`;
      return `${['dataset', ...issue.path.map(String)].join('.')}: ${issue.message}${got}`;
    }
  });
  throw new Error(problems.join('; '));
}
