/** AssetReader for Node: reads files under public/data (or another root) with fs. */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetReader } from './types';

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
