/**
 * Data sets: one entry point, `loadDataset({name, seed, ...params}, reader)`, over a registry of
 * stable ids. Readers: `nodeReader()` (src/data/nodeReader.ts, Node only), `browserReader()` and
 * `filesReader()` (src/data/browserReader.ts), `memoryReader()`.
 */
import { brainMriDataset, brainMriSepclrDataset } from './brainMri';
import { gaussiansDataset } from './gaussians';
import type { DatasetDefinition } from './registry';
import { shapesDataset } from './shapes';
import type { AssetReader, DatasetConfig, LoadResult } from './types';
import { userFeaturesDataset, userImagesDataset } from './user';
import {
  coloredMnistDataset,
  digitsOnFashionDataset,
  fashionDataset,
  mnistDataset,
} from './vision';

export type { DatasetDefinition } from './registry';
export * from './types';

const DEFINITIONS: DatasetDefinition[] = [
  mnistDataset,
  fashionDataset,
  coloredMnistDataset,
  brainMriDataset,
  brainMriSepclrDataset,
  digitsOnFashionDataset,
  shapesDataset,
  gaussiansDataset,
  userImagesDataset,
  userFeaturesDataset,
];

export const DATASETS: ReadonlyMap<string, DatasetDefinition> = new Map(
  DEFINITIONS.map((d) => [d.id, d]),
);

export function datasetIds(): string[] {
  return [...DATASETS.keys()];
}

export function getDatasetDefinition(name: string): DatasetDefinition {
  const d = DATASETS.get(name);
  if (!d) {
    throw new Error(`unknown data set '${name}'; known: ${datasetIds().join(', ')}`);
  }
  return d;
}

/** Loads (or generates) a data set; deterministic for `config.seed` (default 0). */
export async function loadDataset(config: DatasetConfig, reader: AssetReader): Promise<LoadResult> {
  if (!config || typeof config.name !== 'string') throw new Error('data set config needs a name');
  return getDatasetDefinition(config.name).load(config, reader);
}
