/** AssetReader for Node: reads files under public/data (or another root) with fs. */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDatasetDefinition } from './index';
import type { AssetReader, DataSource } from './types';

/** public/data of this repository. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../public/data/', import.meta.url));

export function nodeReader(root: string = DEFAULT_DATA_DIR): AssetReader {
  const read = async (path: string) => {
    const rel = normalize(path);
    if (isAbsolute(rel) || rel === '..' || /^\.\.[\\/]/.test(rel))
      throw new Error(`${path}: path outside ${root}`);
    try {
      const buf = await readFile(join(root, rel));
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new Error(
        code === 'ENOENT' ? `${path}: file not found` : `${path}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  };
  // Every file under the root, '/'-separated (a user data set without a CSV reads them all).
  const list = () =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      // parentPath from Node 20.12; `path` before it.
      .map((d) => join(d.parentPath ?? d.path, d.name))
      .map((p) => p.slice(join(root, '/').length).split('\\').join('/'))
      .sort();
  return Object.assign(read, { list });
}

/**
 * Where the Node runner reads a data set: built-in ones from public/data; a user data set from the
 * folder of its CSV: `csv` is a path (absolute, or relative to the working directory), and the
 * files it lists are relative to it. A `csv` naming a folder reads that folder without a CSV
 * (user-images: a class per sub-folder). Skipped files and lines are printed as warnings.
 */
export function nodeDataSource(dataset: { name: string; [param: string]: unknown }): DataSource {
  const onErrors = (errors: readonly { file: string; line?: number; message: string }[]) => {
    for (const e of errors)
      console.warn(`${e.file}${e.line !== undefined ? `, line ${e.line}` : ''}: ${e.message}`);
  };
  const definition = getDatasetDefinition(dataset.name);
  if (definition.kind !== 'user') return { reader: nodeReader(), onErrors };
  const csv = resolve(String(dataset['csv'] ?? definition.defaults['csv']));
  const folder = statSync(csv, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return {
    reader: nodeReader(folder ? csv : dirname(csv)),
    dataset: { csv: folder ? null : basename(csv) },
    onErrors,
  };
}
