/**
 * The loaders' side of the data contract: readers, sources and load results. The data set types
 * themselves (Dataset, DatasetInfo, DataError, ...) live in contracts/data.ts, the vocabulary the
 * page shares with the worker; they are re-exported here for the loaders.
 */
import type { DataError, Dataset } from '../contracts/dataset';

export type {
  AttributeInfo,
  DataError,
  Dataset,
  DatasetConfig,
  DatasetInfo,
  DataSplit,
  ImageShape,
  LabelInfo,
} from '../contracts/dataset';

/**
 * Reads a local asset (a path under public/data): fetch() in the browser, fs in Node; or the
 * user's files. `list`, where the reader can enumerate its files (chosen files, a folder, memory),
 * gives every readable path: a user data set without a CSV reads them all.
 */
export interface AssetReader {
  (path: string): Promise<ArrayBuffer>;
  list?: () => string[];
}

/**
 * Where a run's data set comes from: a reader (Node fs, the page's fetch, the user's files, memory)
 * and the data-set parameters that the place decides (a user data set's CSV, relative to the
 * reader). `onErrors` hears the files or lines the data set skipped (the Node runner prints them).
 */
export interface DataSource {
  reader: AssetReader;
  dataset?: Record<string, unknown>;
  onErrors?: (errors: readonly DataError[]) => void;
}

export interface LoadResult {
  dataset: Dataset;
  /** Empty for the built-in data sets; one entry per rejected file or line for user data. */
  errors: DataError[];
}
