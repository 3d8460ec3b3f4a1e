/**
 * SepCLR evaluation: a linear probe of each label from the common and from the salient space.
 * A good separation puts the target-specific labels in the salient space and keeps the shared
 * (background) factors in the common one.
 */
import { linearProbe, type LinearProbeOptions } from './probes';
import { rowsOf, type NumericArray } from './shapes';

/** Train and test embeddings of one space, row-major [n, dim]. */
export interface EmbeddingSplit {
  train: Float32Array;
  test: Float32Array;
  dim: number;
}

/** Train and test values of one integer label, aligned with the rows of every space. */
export interface LabelSplit {
  train: NumericArray;
  test: NumericArray;
}

/** label name → linear-probe test accuracy of that label from one space. */
export function probeLabels(
  space: EmbeddingSplit,
  labels: Record<string, LabelSplit>,
  options: LinearProbeOptions = {},
): Record<string, number> {
  const fn = 'probeLabels';
  if (space == null || !(space.train instanceof Float32Array))
    throw new Error(`${fn}: a space must be {train, test, dim} with Float32Array embeddings.`);
  rowsOf(space.train, space.dim, fn, 'space.train');
  rowsOf(space.test, space.dim, fn, 'space.test');
  const names = Object.keys(labels ?? {});
  if (names.length === 0) throw new Error(`${fn}: give at least one label to probe.`);
  const out: Record<string, number> = {};
  for (const name of names) {
    const label = labels[name]!;
    try {
      out[name] = linearProbe(
        space.train,
        label.train,
        space.test,
        label.test,
        space.dim,
        options,
      ).accuracy;
    } catch (error) {
      throw new Error(`${fn}: label '${name}': ${(error as Error).message}`, { cause: error });
    }
  }
  return out;
}

/** {commonProbe, salientProbe}: label → accuracy from each space, named as in the run's metrics. */
export function sepclrProbes(
  spaces: { common: EmbeddingSplit; salient: EmbeddingSplit },
  labels: Record<string, LabelSplit>,
  options: LinearProbeOptions = {},
): { commonProbe: Record<string, number>; salientProbe: Record<string, number> } {
  if (spaces == null || spaces.common == null || spaces.salient == null)
    throw new Error('sepclrProbes: spaces must be {common, salient}.');
  const wrap = (which: string, run: () => Record<string, number>) => {
    try {
      return run();
    } catch (error) {
      throw new Error(`sepclrProbes (${which} space): ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  return {
    commonProbe: wrap('common', () => probeLabels(spaces.common, labels, options)),
    salientProbe: wrap('salient', () => probeLabels(spaces.salient, labels, options)),
  };
}
